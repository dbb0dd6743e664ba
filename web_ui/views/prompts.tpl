% rebase('base.tpl', title=_('nav_prompts'))
% import re
% def cls(field):
%   return 'bad' if field in bad else ''
% end
% def typed(key, default=''):
%   return draft.get(key, default) if where in ('upload', 'speak') else default
% end
<h1>{{_('nav_prompts')}}</h1>
<p class="hint">{{_('pr_intro')}}</p>
<section class="card" id="settings">
  <h2>{{_('pr_settings')}}</h2>
  <p class="hint">{{_('pr_settings_hint')}}</p>
  % include('errors.tpl', errors=errors if where == 'settings' else [])
  <form method="post" action="/prompts/settings">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('pr_language')}}
      <select name="language" class="{{cls('prompts.language')}}">
        % for code in languages:
        <option value="{{code}}" {{'selected' if settings.get('language', 'zh') == code else ''}}>{{_('pr_lang_' + code)}}</option>
        % end
      </select></label>
    % for field in fields:
    <label>{{_('pr_' + field)}}
      <select name="{{field}}" class="{{cls('prompts.' + field)}}">
        <option value="">{{_('pr_none')}}</option>
        % chosen = settings.get(field) or ''
        % for name in (names if not chosen or chosen in names else [chosen] + names):
        <option value="{{name}}" {{'selected' if name == chosen else ''}}>{{name}}</option>
        % end
      </select></label>
    % end
    <button>{{_('save')}}</button>
  </form>
</section>
<section class="card" id="upload">
  <h2>{{_('pr_upload')}}</h2>
  <p class="hint">{{_('pr_upload_hint', mib=max_mib, minutes=max_minutes)}}</p>
  % include('errors.tpl', errors=errors if where == 'upload' else [])
  <form method="post" action="/prompts/upload" enctype="multipart/form-data">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('pr_name')}} <small>{{_('pr_name_hint')}}</small>
      <input name="name" value="{{typed('name')}}" maxlength="40" required pattern="[a-z][a-z0-9_\-]{0,39}" class="{{cls('prompt_name')}}"></label>
    <label>{{_('fld_prompt_lang')}}
      <select name="lang" class="{{cls('prompt_lang')}}">
        % for code in languages:
        <option value="{{code}}" {{'selected' if typed('lang', 'zh') == code else ''}}>{{_('pr_lang_' + code)}}</option>
        % end
      </select></label>
    <label>{{_('pr_file')}}
      <input type="file" name="file" accept=".wav,.mp3,audio/wav,audio/x-wav,audio/mpeg" required class="{{cls('prompt_file')}}"></label>
    <button>{{_('pr_upload_button')}}</button>
  </form>
</section>
<section class="card" id="speak">
  <h2>{{_('pr_speak')}}</h2>
  <p class="hint">{{_('pr_speak_hint', n=max_text)}}</p>
  % include('errors.tpl', errors=errors if where == 'speak' else [])
  <form method="post" action="/prompts/speak">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('pr_name')}} <small>{{_('pr_name_hint')}}</small>
      <input name="name" value="{{typed('name')}}" maxlength="40" required pattern="[a-z][a-z0-9_\-]{0,39}" class="{{cls('prompt_name')}}"></label>
    <label>{{_('fld_prompt_lang')}}
      <select name="lang" class="{{cls('prompt_lang')}}">
        % for code in languages:
        <option value="{{code}}" {{'selected' if typed('lang', 'zh') == code else ''}}>{{_('pr_lang_' + code)}}</option>
        % end
      </select></label>
    <label>{{_('pr_text')}}
      <textarea name="text" rows="3" maxlength="{{max_text}}" required class="{{cls('prompt_text')}}">{{typed('text')}}</textarea></label>
    <button>{{_('pr_speak_button')}}</button>
  </form>
</section>
<section class="card" id="list">
  <h2>{{_('pr_list')}}</h2>
  % include('errors.tpl', errors=errors if where == 'list' else [])
  % for code in languages:
  % mine = [p for p in prompts if p['lang'] == code]
  <h3 lang="{{'zh-CN' if code == 'zh' else 'en'}}">{{_('pr_lang_' + code)}}</h3>
  % if not mine:
  <p class="empty">{{_('pr_none_yet')}}</p>
  % end
  % for group in ('phrases', 'numbers'):
  % rows = [p for p in mine if bool(re.fullmatch(r'n\d+', p['name'])) == (group == 'numbers')]
  % if not rows:
  %   continue
  % end
  % if group == 'numbers':
  <details><summary>{{_('pr_numbers')}}</summary>
  % end
  <table class="list prompts">
    <thead><tr><th>{{_('pr_name')}}</th><th>{{_('pr_says')}}</th><th>{{_('pr_origin')}}</th><th>{{_('pr_length')}}</th><th>{{_('pr_listen')}}</th><th></th></tr></thead>
    <tbody>
    % for p in rows:
    <tr id="prompt-{{p['lang']}}-{{p['name']}}">
      <td><code>{{p['name']}}</code>
        % if p['name'] in used:
        <br><small>{{_('pr_used_by', where=', '.join(used[p['name']]))}}</small>
        % end
      </td>
      <td>{{p['text'] or p['filename'] or ''}}</td>
      <td>{{_('pr_origin_' + p['origin'])}}
        % if p['origin'] == 'owner' and p['has_default']:
        <br><small>{{_('pr_replaces')}}</small>
        % end
      </td>
      <td class="duration">{{_('pr_seconds', s='%.1f' % p['duration_s'])}}</td>
      <td><audio controls preload="none" src="{{p['audio_url']}}"></audio></td>
      <td>
        % if p['origin'] == 'owner':
        <form method="post" action="/prompts/{{p['lang']}}/{{p['name']}}/delete" class="inline">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button>{{_('pr_delete_back') if p['has_default'] else _('pr_delete')}}</button>
        </form>
        % end
      </td>
    </tr>
    % end
    </tbody>
  </table>
  % if group == 'numbers':
  </details>
  % end
  % end
  % end
</section>
