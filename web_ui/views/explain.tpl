% # The routing engine's answer (test a call, the duty preview) in the page's language:
% # web_ui/explain_text.py. English also shows the engine's own full text.
% from web_ui.explain_text import account
% acc = account(lang, result)
<p>{{_('rules_ring_order')}}: {{_('ex_list').join(acc['order']) or _('nobody')}} · {{_('rules_ending')}}: {{acc['ending']}}</p>
% if acc['caps_reached']:
<p>{{_('rules_caps_reached')}}: {{'; '.join(acc['caps_reached'])}}</p>
% end
% if acc['rules']:
<table class="list" id="trials"><thead><tr><th>{{_('rules_rule')}}</th><th>{{_('rules_matched')}}</th><th>{{_('reason')}}</th></tr></thead><tbody>
% for t in acc['rules']:
  <tr><td>{{t['what']}}</td><td>{{_('yes') if t['matched'] else _('no')}}</td><td>{{t['reason']}}</td></tr>
% end
</tbody></table>
% end
% if lang == 'en':
<pre class="explain" id="explanation">{{result['answer']}}</pre>
% else:
<div class="explain" id="explanation">
  <h3>{{_('ex_why')}}</h3>
  <ul>
  % for r in acc['reasons']:
    <li>{{r}}</li>
  % end
  </ul>
  <h3>{{_('ex_steps', start=acc['start'])}}</h3>
  <ol class="steps">
  % for s in acc['steps']:
    <li><b>{{s['id']}}</b>：{{s['head']}}
      % if s['rings']:
      <ul>
      % for r in s['rings']:
        <li>{{r}}</li>
      % end
      </ul>
      % end
      % if s['exits']:
      <div class="hint">{{s['exits']}}</div>
      % end
    </li>
  % end
  </ol>
</div>
% end
