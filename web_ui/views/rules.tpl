% rebase('base.tpl', title=_('nav_rules'))
% from urllib.parse import quote
<h1>{{_('nav_rules')}}</h1>
% if errors_for is None:
% include('errors.tpl')
% end
<section class="card">
  <h2>{{_('inbound_route')}}</h2>
  <p>{{_('inbound_group')}}: <b>{{config['inbound']['ring_group'] or '-'}}</b> · {{_('forward_chain')}}: {{', '.join(config['forward_chain']) or '-'}}</p>
  <p><a href="/settings#inbound">{{_('edit')}}</a> · <a href="/settings#forward">{{_('edit_forward')}}</a></p>
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
  <h2>{{_('rf_routes')}}</h2>
  <p class="hint">{{_('rules_routes_hint')}}</p>
  % if errors_for == 'routes':
  % include('errors.tpl')
  % end
  % if routes:
  <ol class="rows">
  % for i, r in enumerate(routes):
    <li class="{{'here' if r['name'] == route['original'] else ''}}">
      <div><b>{{i + 1}}. {{r['name']}}</b> → {{dest(r['to'])}}<br>
        % said = [_('rf_m_' + f) + ' ' + values for f, values in r['callers']]
        % said += [_('rf_withheld_' + r['withheld'])] if r['withheld'] else []
        <small>{{_('rules_lines')}}: {{r['lines'] or _('any')}} · {{_('rules_callers')}}: {{'; '.join(said) or _('any')}}
        % if r['when']:
        · {{_('rules_when')}}: {{when_text(r['when'])}}
        % end
        % if r['unless']:
        · {{_('rules_unless')}} {{when_text(r['unless'])}}
        % end
        </small></div>
      <form method="post" action="/rules/route#routes" class="row-tools">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="original" value="{{r['name']}}">
        <a class="button small" href="/rules?route={{quote(r['name'])}}#route-form">{{_('edit')}}</a>
        <button name="op" value="up" class="small" title="{{_('rf_up')}}" aria-label="{{_('rf_up')}}" {{'disabled' if i == 0 else ''}}>↑</button>
        <button name="op" value="down" class="small" title="{{_('rf_down')}}" aria-label="{{_('rf_down')}}" {{'disabled' if i == len(routes) - 1 else ''}}>↓</button>
      </form>
    </li>
  % end
  </ol>
  % else:
  <p>{{_('rules_no_routes')}}</p>
  % end
  <form method="post" action="/rules/route#route-form" id="route-form" class="editor">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="original" value="{{route['original']}}">
    <h3>{{_('rf_route_edit', name=route['original']) if route['original'] else _('rf_route_new')}}</h3>
    <label class="wide {{bad('name')}}">{{_('rf_name')}} <input name="name" value="{{route['name']}}" maxlength="64" required></label>
    <fieldset class="{{bad('lines')}}">
      <legend>{{_('rules_lines')}}</legend>
      <p class="hint"><small>{{_('rf_lines_hint')}}</small></p>
      % for name in route_lines:
      <label class="check"><input type="checkbox" name="lines" value="{{name}}" {{'checked' if name in route['lines'] else ''}}> {{name}}</label>
      % end
      % if not route_lines:
      <p class="hint">{{_('rf_no_lines')}}</p>
      % end
    </fieldset>
    <fieldset class="{{bad('callers')}}">
      <legend>{{_('rules_callers')}}</legend>
      <p class="hint"><small>{{_('rf_callers_hint')}}</small></p>
      % for f in match_fields:
      <label class="{{bad('callers.' + f)}}">{{_('rules_match_' + f)}} <input name="callers.{{f}}" value="{{route['callers.' + f]}}"{{!' inputmode="tel"' if f in ('numbers', 'area_codes') else ''}}></label>
      % end
      <label class="{{bad('callers.withheld')}}">{{_('rf_withheld')}} <select name="callers.withheld">
        % for w in ('', 'only', 'never'):
        <option value="{{w}}" {{'selected' if route['callers.withheld'] == w else ''}}>{{_('rf_withheld_' + (w or 'any'))}}</option>
        % end
      </select></label>
    </fieldset>
    % for key, none_key in (('when', 'rf_any_time'), ('unless', 'rf_no_exception')):
    % choices = time_rules + ([route[key]] if route[key] and route[key] not in time_rules else [])
    <label class="{{bad(key)}}">{{_('rf_' + key)}} <select name="{{key}}">
      <option value="">{{_(none_key)}}</option>
      % for t in choices:
      <option value="{{t}}" {{'selected' if route[key] == t else ''}}>{{when_text(t)}}</option>
      % end
    </select></label>
    % end
    % choices = destinations + ([route['to']] if route['to'] not in destinations else [])
    <label class="{{bad('to')}}">{{_('rules_to')}} <select name="to">
      % for d in choices:
      <option value="{{d}}" {{'selected' if route['to'] == d else ''}}>{{dest(d)}}</option>
      % end
    </select></label>
    <div class="buttons">
      <button name="op" value="save">{{_('save')}}</button>
      % if route['original']:
      <button name="op" value="delete" class="danger">{{_('delete')}}</button>
      <a href="/rules#route-form">{{_('rf_new_route_link')}}</a>
      % end
    </div>
  </form>
  <p class="hint">{{_('rf_as_json')}}: <a href="/config/routes">{{_('rf_routes_json')}}</a> · <a href="/config/time_rules">{{_('rf_time_rules_json')}}</a></p>
</section>
<section class="card" id="plans">
  <h2>{{_('rf_plans')}}</h2>
  <p class="hint">{{_('rf_plans_hint')}}</p>
  % if errors_for == 'plans':
  % include('errors.tpl')
  % end
  % if plans:
  <ol class="rows">
  % for p in plans:
    <li class="{{'here' if p['name'] == plan['original'] else ''}}">
      <div><b>{{p['name']}}</b>: {{' → '.join(p['steps'])}}<br>
        <small>{{_('rf_used_by', routes=', '.join(p['used_by'])) if p['used_by'] else _('rf_unused')}}</small></div>
      <span class="row-tools"><a class="button small" href="/rules?plan={{quote(p['name'])}}#plan-form">{{_('edit')}}</a></span>
    </li>
  % end
  </ol>
  % else:
  <p>{{_('rf_no_plans')}}</p>
  % end
  <form method="post" action="/rules/plan#plan-form" id="plan-form" class="editor" data-endings="{{' '.join(endings)}}">
    <button name="op" value="save" class="default-submit" tabindex="-1" aria-hidden="true">{{_('save')}}</button>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="original" value="{{plan['original']}}">
    <h3>{{_('rf_plan_edit', name=plan['original']) if plan['original'] else _('rf_plan_new')}}</h3>
    <label class="wide {{bad('name')}}">{{_('rf_name')}} <small>{{_('rf_id_hint')}}</small> <input name="name" value="{{plan['name']}}" maxlength="32" required></label>
    <p class="hint">{{_('rf_exits_hint')}}</p>
    <div class="{{bad('steps')}}">
    % for i, s in enumerate(plan['steps']):
    % here = 'steps[%d]' % i
    <fieldset class="step {{bad(here)}}">
      <legend>{{_('rf_step_n', n=i + 1)}}</legend>
      <label class="{{bad(here + '.id')}}">{{_('rf_step_id')}} <input name="{{here}}.id" value="{{s['id']}}" class="step-id" maxlength="32"></label>
      % choices = step_actions + ([s['do']] if s['do'] and s['do'] not in step_actions else [])
      <label class="{{bad(here + '.do')}}">{{_('rf_step_do')}} <select name="{{here}}.do" class="step-do">
        % for a in choices:
        <option value="{{a}}" {{'selected' if s['do'] == a else ''}}>{{dest(a)}}</option>
        % end
      </select></label>
      % include('plan_step_settings.tpl')
      <div class="exits {{bad(here + '.on')}}">
      % for e in step_exits(s['do']):
      <label class="{{bad(here + '.on.' + e)}}">{{exit_text(s['do'], e)}} <select name="{{here}}.on.{{e}}" class="step-exit">
        <option value="">{{_('rf_next_step')}}</option>
        % for j, t in enumerate(plan['steps']):
        <option value="{{j}}" {{'selected' if s[e] == str(j) else ''}}>{{j + 1}}. {{t['id'] or '?'}}</option>
        % end
      </select></label>
      % end
      </div>
      <div class="row-tools">
        <button name="op" value="up:{{i}}" class="small secondary" title="{{_('rf_up')}}" aria-label="{{_('rf_up')}}" {{'disabled' if i == 0 else ''}}>↑</button>
        <button name="op" value="down:{{i}}" class="small secondary" title="{{_('rf_down')}}" aria-label="{{_('rf_down')}}" {{'disabled' if i == len(plan['steps']) - 1 else ''}}>↓</button>
        <button name="op" value="remove:{{i}}" class="small danger">{{_('rf_remove')}}</button>
      </div>
    </fieldset>
    % end
    </div>
    <p><button name="op" value="add" class="secondary">{{_('rf_add_step')}}</button></p>
    <div class="buttons">
      <button name="op" value="save">{{_('save')}}</button>
      % if plan['original']:
      <button name="op" value="delete" class="danger">{{_('delete')}}</button>
      <a href="/rules#plan-form">{{_('rf_new_plan_link')}}</a>
      % end
    </div>
  </form>
  <p class="hint">{{_('rf_as_json')}}: <a href="/config/plans">{{_('rf_plans')}}</a></p>
</section>
<section class="card" id="caps">
  <h2>{{_('rf_caps')}}</h2>
  <p class="hint">{{_('rules_caps_hint')}} {{_('rf_caps_hint')}}</p>
  % if errors_for == 'caps':
  % include('errors.tpl')
  % end
  % if not cap_forms:
  <p>{{_('rf_no_gsm')}}</p>
  % end
  % for c in cap_forms:
  <form method="post" action="/rules/caps#caps-{{c['line']}}" id="caps-{{c['line']}}" class="editor">
    <button name="op" value="save" class="default-submit" tabindex="-1" aria-hidden="true">{{_('save')}}</button>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="line" value="{{c['line']}}">
    <h3>{{_('rf_line', name=c['line'])}}</h3>
    % if errors_for == 'caps-' + c['line']:
    % include('errors.tpl')
    % end
    % if not c['limits']:
    <p class="hint">{{_('rf_no_limits')}}</p>
    % end
    % for i, l in enumerate(c['limits']):
    % here = 'limits[%d]' % i
    <fieldset class="limit {{'reached' if l['reached'] else ''}} {{bad(here)}}">
      <legend>{{_('rf_limit_n', n=i + 1)}}</legend>
      <label class="{{bad(here + '.counter')}}">{{_('rules_counter')}} <select name="{{here}}.counter">
        % for k in counters:
        <option value="{{k}}" {{'selected' if l['counter'] == k else ''}}>{{_('counter_' + k)}}</option>
        % end
      </select></label>
      <label class="{{bad(here + '.max')}}">{{_('rf_max')}} <input name="{{here}}.max" value="{{l['max']}}" inputmode="numeric" size="8"></label>
      <label class="{{bad(here + '.action')}}">{{_('rules_action')}} <select name="{{here}}.action">
        % for a in cap_actions:
        <option value="{{a}}" {{'selected' if l['action'] == a else ''}}>{{_('cap_action_' + a)}}</option>
        % end
      </select></label>
      <p class="used">{{_('rules_used')}}: <b>{{l['used']}} / {{l['max'] or '-'}}</b>{{(' · ' + _('rules_reached')) if l['reached'] else ''}}</p>
      <div class="row-tools"><button name="op" value="remove:{{i}}" class="small danger">{{_('rf_remove')}}</button></div>
    </fieldset>
    % end
    % if len(c['limits']) < len(counters):
    <p><button name="op" value="add" class="secondary">{{_('rf_add_limit')}}</button></p>
    % end
    <label class="{{bad('voicemail')}}">{{_('rf_cap_voicemail')}} <select name="voicemail">
      <option value="">{{_('rf_cap_voicemail_inbound')}}</option>
      % boxes = [g['name'] for g in config['ring_groups']] + [e['number'] for e in config['extensions']]
      % for b in boxes + ([c['voicemail']] if c['voicemail'] and c['voicemail'] not in boxes else []):
      <option value="{{b}}" {{'selected' if c['voicemail'] == b else ''}}>{{b}}</option>
      % end
    </select></label>
    <fieldset class="{{bad('notify')}}">
      <legend>{{_('rules_notify')}}</legend>
      % for b in config['bound_numbers']:
      <label class="check"><input type="checkbox" name="notify" value="{{b['id']}}" {{'checked' if b['id'] in c['notify'] else ''}}> {{b['name']}} ({{b['id']}})</label>
      % end
      <label class="wide">{{_('rf_notify_extra')}} <small>{{_('rf_notify_hint')}}</small>
        <input name="notify_extra" value="{{c['notify_extra']}}" inputmode="tel"></label>
    </fieldset>
    <div class="buttons"><button name="op" value="save">{{_('save')}}</button></div>
  </form>
  % end
  <p class="hint">{{_('rf_as_json')}}: <a href="/config/caps">{{_('rf_caps')}}</a></p>
</section>
<section class="card" id="test">
  <h2>{{_('test_call')}}</h2>
  <form method="get" action="/rules#test">
    <label>{{_('caller')}} <input name="caller" value="{{params.get('caller', '')}}" inputmode="tel"></label>
    <label>{{_('line')}} <select name="line">
      % outside = config['lines']['gsm'] + (config['lines'].get('fxo') or [])
      % for g in outside:
      <option {{'selected' if params.get('line') == g['name'] else ''}}>{{g['name']}}</option>
      % end
      % if not outside:
      <option>gsm0</option>
      % end
    </select></label>
    <label>{{_('at_time')}} <input type="datetime-local" name="at" value="{{params.get('at', '')}}"></label>
    <button>{{_('test')}}</button>
  </form>
  % errors = test_errors
  % include('errors.tpl')
  % if result:
  % from web_ui.explain_text import holiday_name
  <p id="verdict">{{result['region'] or '-'}} · {{_('open') if result['open'] else _('closed')}}{{(' (' + holiday_name(lang, result['holiday']) + ')') if result.get('holiday') else ''}} ·
    {{_('rules_route')}}: <b>{{result['route'] or _('rules_default_plan')}}</b>{{(' · ' + _('rules_blocked')) if result['blocked'] else ''}}</p>
  % fwd = result.get('network_forwarding')
  % if fwd and fwd['enabled']:
  <p id="network_forwarding">{{_('rules_forwarded', number=fwd['number'])}}</p>
  % end
  % include('explain.tpl', result=result)
  % state = result.get('agent_state') or {}
  <p id="agent-state">{{_('rules_state_box', away=', '.join(state.get('unavailable', [])) or _('nobody')) if state.get('source') == 'box' else _('rules_state_fresh')}}{{(' · ' + _('rules_rings_first') + ': ' + result['targets'][0]) if result['targets'] else ''}}</p>
  % end
</section>
<script src="/static/rules.js"></script>
