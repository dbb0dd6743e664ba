% rebase('base.tpl', title=_('wz_title'))
% has_fxo = bool(lines.get('fxo'))
% def step_word(name, kind='step'):
%   if name != 'line' or not has_fxo:
%     return _('wz_%s_%s' % (kind, name))
%   end
%   return _('wz_hint_line_mixed') if kind == 'hint' and lines['gsm'] else _('wz_%s_line_analog' % kind)
% end
% def cls(*fields):
%   return 'bad' if any(f in bad or any(b.startswith(f + '.') or b.startswith(f + '[') for b in bad) for f in fields) else ''
% end
<h1>{{_('wz_title')}}</h1>
<ol class="steps" aria-label="{{_('wz_steps')}}">
  % for i, name in enumerate(steps, 1):
  <li class="{{'here' if name == step else ''}}">{{i}}. {{step_word(name)}}</li>
  % end
</ol>
<section class="card narrow" id="step-{{step}}">
  <h2>{{step_word(step)}}</h2>
  <p class="hint">{{step_word(step, 'hint')}}</p>
  % include('errors.tpl', errors=errors)
  <form method="post" action="/welcome/{{step}}">
    <input type="hidden" name="csrf" value="{{csrf}}">
    % if step != 'done':
    <button name="action" value="next" class="default-submit" tabindex="-1" aria-hidden="true">{{_('wz_next')}}</button>
    % end
    % if step == 'company':
    <p class="hint">{{_('wz_language')}} <a href="/lang/zh-CN?back={{path}}" lang="zh-CN">中文</a> · <a href="/lang/en?back={{path}}" lang="en">English</a></p>
    <label>{{_('set_company_name')}} <input name="company_name" value="{{values.get('company_name', '')}}" maxlength="100" class="{{cls('settings.company_name')}}"></label>
    <label>{{_('set_timezone')}} <small>{{_('set_timezone_hint')}}</small>
      <input name="timezone" value="{{values.get('timezone', '')}}" list="timezones" class="{{cls('settings.timezone')}}"></label>
    <datalist id="timezones">
      % for zone in timezones:
      <option value="{{zone}}">
      % end
    </datalist>
    <label>{{_('set_country')}} <small>{{_('set_country_hint')}}</small>
      <input name="country" value="{{values.get('country', '')}}" maxlength="3" class="{{cls('settings.country')}}"></label>
    % elif step == 'line':
    % if not lines['gsm'] and not lines.get('fxo'):
    <p class="empty">{{_('set_no_outside_line')}}</p>
    % end
    % for i, g in enumerate(lines['gsm']):
    <fieldset class="line"><legend>{{_('set_gsm_line', name=g['name'])}}</legend>
      <label>{{_('set_sim_number')}} <small>{{_('set_sim_number_hint')}}</small>
        <input name="gsm{{i}}_number" value="{{values.get('gsm%d_number' % i, '')}}" inputmode="tel" class="{{cls('lines.gsm[%d].number' % i)}}"></label>
      <label>{{_('set_sim_pin')}} <small>{{_('set_pin_set') if g['sim_pin'] else _('wz_pin_hint')}}</small>
        <input type="password" name="gsm{{i}}_pin" value="" autocomplete="off" inputmode="numeric" maxlength="8" placeholder="{{_('set_pin_keep') if g['sim_pin'] else ''}}" class="{{cls('lines.gsm[%d].sim_pin' % i)}}"></label>
    </fieldset>
    % end
    % include('analog_lines.tpl', analog=lines.get('fxo') or [])
    % elif step == 'hours':
    % for day in weekdays:
    <label>{{_('day_' + day)}} <input name="{{day}}" value="{{values.get(day, '')}}" placeholder="09:00-12:00, 13:30-18:00" class="{{cls('schedule.' + day)}}"></label>
    % end
    % elif step == 'phones':
    % if not ports:
    <p class="empty">{{_('set_no_fxs')}}</p>
    % end
    <table class="phones">
      <thead><tr><th>{{_('wz_port')}}</th><th>{{_('wz_extension')}}</th><th>{{_('wz_name')}}</th></tr></thead>
      <tbody>
      % for i, port in enumerate(ports):
      <tr><td>{{port}}</td>
        <td><input name="ext_{{port}}" value="{{values.get('ext_' + port, '')}}" inputmode="numeric" maxlength="6" placeholder="{{80 + i // 9}}{{i % 9 + 1}}" aria-label="{{_('wz_extension')}} {{port}}" class="{{cls('extensions')}}"></td>
        <td><input name="name_{{port}}" value="{{values.get('name_' + port, '')}}" maxlength="64" placeholder="{{_('wz_desk', n=i + 1)}}" aria-label="{{_('wz_name')}} {{port}}"></td></tr>
      % end
      </tbody>
    </table>
    % elif step == 'after_hours':
    % who = values.get('who', 'nobody')
    <fieldset><legend>{{_('wz_who')}}</legend>
      <label class="check"><input type="radio" name="who" value="nobody" {{'checked' if who == 'nobody' else ''}}> {{_('wz_nobody')}}</label>
      % for b in config['bound_numbers']:
      <label class="check"><input type="radio" name="who" value="{{b['id']}}" {{'checked' if who == b['id'] else ''}}> {{b['name']}} ({{b['number']}})</label>
      % end
      <label class="check"><input type="radio" name="who" value="new" {{'checked' if who == 'new' else ''}}> {{_('wz_new_person')}}</label>
    </fieldset>
    <label>{{_('wz_name')}} <input name="name" value="{{values.get('name', '')}}" maxlength="64" class="{{cls('bound_numbers')}}"></label>
    <label>{{_('wz_mobile')}} <input name="number" value="{{values.get('number', '')}}" inputmode="tel" class="{{cls('bound_numbers')}}"></label>
    % elif step == 'done':
    <ul class="summary">
      <li>{{_('set_company_name')}}: {{config['settings']['company_name'] or '-'}} · {{config['settings']['timezone']}}</li>
      <li>{{_('set_lines')}}: {{', '.join(g['name'] + ' ' + (g.get('number') or '') for g in config['lines']['gsm'] + (config['lines'].get('fxo') or [])) or '-'}}</li>
      <li>{{_('wz_step_phones')}}: {{', '.join(e['number'] + ' ' + e['name'] for e in config['extensions']) or '-'}}</li>
      <li>{{_('inbound_group')}}: {{config['inbound']['ring_group'] or '-'}}</li>
      <li>{{_('wz_step_after_hours')}}: {{config['duty_roster']['default'] or _('wz_nobody')}}</li>
    </ul>
    <p><a class="button" href="/">{{_('wz_to_dashboard')}}</a> · <a href="/settings">{{_('nav_settings')}}</a></p>
    % end
    % if step != 'done':
    <div class="buttons">
      <button name="action" value="next">{{_('wz_next')}}</button>
      <button name="action" value="skip" class="secondary">{{_('wz_skip')}}</button>
      <button name="action" value="later" class="link">{{_('wz_later_button')}}</button>
    </div>
    % end
  </form>
  % if back:
  <p><a href="/welcome/{{back}}">{{_('wz_back')}}</a></p>
  % end
</section>
