% rebase('base.tpl', title=_('nav_staff'))
% from web_ui.forms import members_text
<h1>{{_('nav_staff')}}</h1>
% include('errors.tpl')
<section class="card">
  <h2>{{_('ring_groups')}}</h2>
  <p class="hint">{{_('groups_hint')}}</p>
  % groups = list(config['ring_groups']) + [{'name': '', 'strategy': 'sequential', 'ring_time': 20, 'total_ring_time': 60, 'members': []}]
  % for g in groups:
  % shown = draft if (draft and editing == g['name']) else g
  <form method="post" action="/staff/group" class="group" data-group="{{g['name']}}">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="original" value="{{g['name']}}">
    <h3>{{g['name'] or _('new_group')}}</h3>
    <label>{{_('group_name')}} <input name="name" value="{{shown['name']}}" required></label>
    <label>{{_('strategy')}}
      <select name="strategy" class="strategy">
      % for s in strategies:
        <option value="{{s}}" {{'selected' if shown['strategy'] == s else ''}}>{{_('strategy_' + s)}}</option>
      % end
      </select></label>
    <label>{{_('ring_time')}} <input name="ring_time" value="{{shown['ring_time']}}" inputmode="numeric" size="4"></label>
    <label>{{_('total_ring_time')}} <input name="total_ring_time" value="{{shown['total_ring_time']}}" inputmode="numeric" size="4"></label>
    <label class="wide">{{_('members')}} <small>{{_('members_hint')}}</small>
      <textarea name="members" rows="4" class="members">{{members_text(shown)}}</textarea></label>
    <div class="split" aria-live="polite"><div class="bar"></div><span class="total"></span></div>
    <button>{{_('save')}}</button>
    % if g['name']:
    <button name="delete" value="1" class="danger">{{_('delete')}}</button>
    % end
  </form>
  % end
</section>
<section class="card" id="availability">
  <h2>{{_('staff_availability')}}</h2>
  <p class="hint">{{_('staff_availability_hint')}}</p>
  % if agents is None:
  <p class="empty">{{_('staff_box_offline')}}</p>
  % else:
  <table class="list"><thead><tr><th>{{_('agent')}}</th><th>{{_('state')}}</th><th>{{_('live_takes_calls')}}</th></tr></thead>
  <tbody>
  % for a in agents:
    <tr data-agent="{{a['id']}}"><td>{{a['name']}}</td><td class="state-{{a['state']}}">{{agent_state(a)}}</td><td>
      % include('availability.tpl')
    </td></tr>
  % end
  </tbody></table>
  % end
</section>
<section class="card">
  <h2>{{_('people')}}</h2>
  <form method="post" action="/staff/people">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label class="wide">{{_('extensions')}} <small>{{_('extensions_hint')}}</small>
      <textarea name="extensions" rows="5">{{extensions_text}}</textarea></label>
    % ports = [p['name'] for p in config['lines']['fxs']]
    % taken = {e['port'] for e in config['extensions']}
    <p class="hint" id="fxs-ports">{{_('staff_ports', ports=', '.join(ports) or '-', free=', '.join(p for p in ports if p not in taken) or '-')}} <a href="/settings#lines">{{_('nav_settings')}}</a></p>
    <label class="wide">{{_('bound_numbers')}} <small>{{_('bound_hint')}}</small>
      <textarea name="bound_numbers" rows="5">{{bound_text}}</textarea></label>
    <button>{{_('save')}}</button>
  </form>
</section>
<script src="/static/split.js"></script>
