% rebase('base.tpl', title=_('nav_rules'))
<h1>{{_('nav_rules')}}</h1>
% include('errors.tpl')
<section class="card">
  <h2>{{_('inbound_route')}}</h2>
  <p>{{_('inbound_group')}}: <b>{{config['inbound']['ring_group'] or '-'}}</b> · {{_('forward_chain')}}: {{', '.join(config['forward_chain']) or '-'}}</p>
  <p><a href="/config/inbound">{{_('edit')}}</a> · <a href="/config/forward_chain">{{_('edit_forward')}}</a></p>
</section>
<section class="card" id="vip">
  <h2>{{_('rules_vip')}}</h2>
  <p class="hint">{{_('rules_vip_hint')}}</p>
  <form method="post" action="/rules/vip">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label class="wide">{{_('rules_vip_numbers')}} <small>{{_('rules_one_a_line')}}</small>
      <textarea name="vip_numbers" rows="3" inputmode="tel">{{fields['vip_numbers']}}</textarea></label>
    <label class="wide">{{_('rules_vip_prefixes')}} <small>{{_('rules_prefix_hint')}}</small>
      <textarea name="vip_prefixes" rows="2" inputmode="tel">{{fields['vip_prefixes']}}</textarea></label>
    <label class="wide">{{_('rules_vip_targets')}} <small>{{_('rules_targets_hint')}}</small>
      <textarea name="vip_targets" rows="2">{{fields['vip_targets']}}</textarea></label>
    <label>{{_('rules_vip_ring_time')}} <input name="vip_ring_time" value="{{fields['vip_ring_time']}}" inputmode="numeric" size="4"></label>
    <label class="wide">{{_('rules_designated')}} <small>{{_('rules_designated_hint')}}</small>
      <textarea name="designated" rows="3">{{fields['designated']}}</textarea></label>
    <label>{{_('rules_returning_days')}} <small>{{_('rules_returning_hint')}}</small>
      <input name="returning_caller_days" value="{{fields['returning_caller_days']}}" inputmode="numeric" size="4"></label>
    <button>{{_('save')}}</button>
  </form>
</section>
<section class="card" id="blocking">
  <h2>{{_('rules_blocking')}}</h2>
  <p class="hint">{{_('rules_blocking_hint')}}</p>
  <form method="post" action="/rules/blocking">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label class="wide">{{_('rules_blacklist')}} <small>{{_('rules_list_hint')}}</small>
      <textarea name="blacklist" rows="3">{{fields['blacklist']}}</textarea></label>
    <label class="wide">{{_('rules_whitelist')}} <small>{{_('rules_list_hint')}}</small>
      <textarea name="whitelist" rows="3">{{fields['whitelist']}}</textarea></label>
    <label class="check"><input type="checkbox" name="block_withheld" value="1" {{'checked' if fields['block_withheld'] == '1' else ''}}> {{_('rules_block_withheld')}}</label>
    % for kind in ('deny_regions', 'allow_regions'):
    <fieldset>
      <legend>{{_('rules_' + kind)}}</legend>
      % for f in match_fields:
      <label>{{_('rules_match_' + f)}} <input name="{{kind}}.{{f}}" value="{{fields[kind + '.' + f]}}"></label>
      % end
    </fieldset>
    % end
    <label>{{_('rules_treatment')}} <select name="treatment">
      % for t in treatments:
      <option value="{{t}}" {{'selected' if fields['treatment'] == t else ''}}>{{_('treatment_' + t)}}</option>
      % end
    </select></label>
    <button>{{_('save')}}</button>
  </form>
</section>
<section class="card" id="routes">
  <h2>{{_('rules_routes')}}</h2>
  <p class="hint">{{_('rules_routes_hint')}}</p>
  % if routes:
  <table class="list"><thead><tr><th>#</th><th>{{_('rules_route')}}</th><th>{{_('rules_lines')}}</th><th>{{_('rules_callers')}}</th><th>{{_('rules_when')}}</th><th>{{_('rules_to')}}</th></tr></thead><tbody>
  % for i, r in enumerate(routes, 1):
    <tr><td>{{i}}</td><td>{{r['name']}}</td><td>{{r['lines'] or _('any')}}</td><td>{{r['callers'] or _('any')}}</td>
      <td>{{r['when']}}{{(' ' + _('rules_unless') + ' ' + r['unless']) if r['unless'] else ''}}</td><td>{{r['to']}}</td></tr>
  % end
  </tbody></table>
  % else:
  <p>{{_('rules_no_routes')}}</p>
  % end
  <p><a href="/config/routes">{{_('rules_edit_routes')}}</a> · <a href="/config/plans">{{_('rules_edit_plans')}}</a> · <a href="/config/time_rules">{{_('rules_edit_time_rules')}}</a></p>
</section>
<section class="card" id="caps">
  <h2>{{_('rules_caps')}}</h2>
  <p class="hint">{{_('rules_caps_hint')}}</p>
  % if caps:
  <table class="list"><thead><tr><th>{{_('line')}}</th><th>{{_('rules_counter')}}</th><th>{{_('rules_used')}}</th><th>{{_('rules_action')}}</th><th>{{_('rules_notify')}}</th></tr></thead><tbody>
  % for c in caps:
    <tr class="{{'reached' if c['reached'] else ''}}"><td>{{c['line']}}</td><td>{{_('counter_' + c['counter'])}}</td>
      <td>{{c['used']}} / {{c['max']}}{{(' · ' + _('rules_reached')) if c['reached'] else ''}}</td><td>{{_('cap_action_' + c['action'])}}</td><td>{{c['notify'] or '-'}}</td></tr>
  % end
  </tbody></table>
  % else:
  <p>{{_('rules_no_caps')}}</p>
  % end
  <p><a href="/config/caps">{{_('rules_edit_caps')}}</a></p>
</section>
<section class="card" id="test">
  <h2>{{_('test_call')}}</h2>
  <form method="get" action="/rules#test">
    <label>{{_('caller')}} <input name="caller" value="{{params.get('caller', '')}}" inputmode="tel"></label>
    <label>{{_('line')}} <select name="line">
      % for g in config['lines']['gsm']:
      <option {{'selected' if params.get('line') == g['name'] else ''}}>{{g['name']}}</option>
      % end
      % if not config['lines']['gsm']:
      <option>gsm0</option>
      % end
    </select></label>
    <label>{{_('at_time')}} <input type="datetime-local" name="at" value="{{params.get('at', '')}}"></label>
    <button>{{_('test')}}</button>
  </form>
  % errors = test_errors
  % include('errors.tpl')
  % if result:
  <p id="verdict">{{result['region'] or '-'}} · {{_('open') if result['open'] else _('closed')}} ·
    {{_('rules_route')}}: <b>{{result['route'] or _('rules_default_plan')}}</b>{{(' · ' + _('rules_blocked')) if result['blocked'] else ''}}</p>
  <p>{{_('rules_ring_order')}}: {{', '.join(result['targets']) or _('nobody')}} · {{_('rules_ending')}}: {{result['ending']}}</p>
  % if result['caps_reached']:
  <p>{{_('rules_caps_reached')}}: {{'; '.join(result['caps_reached'])}}</p>
  % end
  % if result['rules']:
  <table class="list" id="trials"><thead><tr><th>{{_('rules_rule')}}</th><th>{{_('rules_matched')}}</th><th>{{_('reason')}}</th></tr></thead><tbody>
  % for t in result['rules']:
    <tr><td>{{t['kind']}} {{t['name']}}</td><td>{{_('yes') if t['matched'] else _('no')}}</td><td>{{t['reason']}}</td></tr>
  % end
  </tbody></table>
  % end
  <pre class="explain" id="explanation">{{result['answer']}}</pre>
  % end
</section>
