% rebase('base.tpl', title=_('fc_title'))
<h1>{{_('fc_title')}}</h1>
<p class="hint">{{_('fc_intro')}}</p>
<p class="hint no-print">{{_('fc_print')}}</p>
% include('errors.tpl')
% for kind, rows, hint in (('dial_tone', dial_tone, 'fc_dial_tone_hint'), ('in_call', in_call, 'fc_in_call_hint')):
<section class="card feature-codes" id="codes-{{kind}}">
  <h2>{{_('fc_' + kind)}}</h2>
  <p class="hint">{{_(hint)}}</p>
  <table class="list">
    <thead><tr><th>{{_('fc_code')}}</th><th>{{_('fc_what')}}</th><th>{{_('fc_how')}}</th></tr></thead>
    <tbody>
    % for row in rows:
    <tr id="code-{{row['name']}}">
      <td><b class="code">{{row['code']}}</b><br><small>{{_('fld_feature_code' if row['name'] == 'voicemail' else 'fld_' + row['name'])}}</small></td>
      <td>{{_('fc_do_' + row['name'])}}</td>
      <td>{{_('fc_use_' + row['use'], code=row['code'])}}</td>
    </tr>
    % end
    </tbody>
  </table>
</section>
% end
<form method="post" action="/feature-codes" class="card no-print" id="feature-codes-form">
  <h2>{{_('fc_change')}}</h2>
  <input type="hidden" name="csrf" value="{{csrf}}">
  % for row in form:
  <label>{{_('fld_feature_code' if row['name'] == 'voicemail' else 'fld_' + row['name'])}} <small>{{_('fc_defaults', codes=defaults[row['name']])}}</small>
    <input name="{{row['name']}}" value="{{row['code']}}" maxlength="8" inputmode="tel" autocomplete="off" class="{{'bad' if row['field'] in bad else ''}}"></label>
  % end
  <button>{{_('save')}}</button>
</form>
