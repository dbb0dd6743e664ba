% rebase('base.tpl', title=_('nav_dashboard'))
<h1>{{_('nav_dashboard')}} <small id="system" class="state">{{_('sys_' + status['system'])}}</small></h1>
<div class="grid dash" id="dashboard" data-live="/api/status" data-csrf="{{csrf}}">
% include('diagnosis.tpl')
% include('warnings.tpl')
% include('recording_warning.tpl')
<section class="card">
  <h2>{{_('lines')}}</h2>
  <table class="list"><thead><tr><th>{{_('line')}}</th><th>{{_('state')}}</th><th>{{_('signal')}}</th><th>{{_('registration')}}</th><th>{{_('sim')}}</th></tr></thead>
  <tbody id="lines">
  % for name, g in sorted(status['gsm'].items()):
    <tr><td>{{name}}</td><td>{{word('line', g.get('state'))}}</td><td>{{!bars(g.get('csq'))}}</td><td>{{operator(g.get('operator')) or word('reg', g.get('registration'))}}</td><td>{{word('sim', g.get('sim'))}}</td></tr>
  % end
  % for name, state in sorted(status['ports'].items()):
    <tr><td>{{name}}</td><td>{{word('port', state)}}</td><td>-</td><td>-</td><td>-</td></tr>
  % end
  </tbody></table>
  <ul class="forwarding" id="forwarding">
  % analog_lines = {n: l for n, l in (status.get('lines') or {}).items() if isinstance(l, dict) and l.get('kind') == 'fxo'}
  % for name, g in sorted({**analog_lines, **status['gsm']}.items()):
  %   fwd = g.get('forwarding')
  %   if fwd:
    <li>{{_('live_forwarded', line=name, to=fwd['to'], since=(fwd['since'] or '')[:16].replace('T', ' '))}}</li>
  %   end
  % end
  </ul>
</section>
% analog = analog_rows(status)
% if analog:
<section class="card" id="analog-card">
  <h2>{{_('analog_lines')}}</h2>
  <table class="list"><thead><tr><th>{{_('line')}}</th><th>{{_('state')}}</th><th>{{_('live_fxo_service')}}</th><th>{{_('live_fxo_polarity')}}</th><th>{{_('live_fxo_last_ring')}}</th></tr></thead>
  <tbody id="analog">
  % for a in analog:
    <tr class="service-{{a['in_service']}}" data-line="{{a['name']}}"><td>{{a['name']}}<br><small>{{a['number']}} · {{a['profile']}} · {{a['disconnect']}}</small></td><td>{{a['state']}}</td><td>{{a['service']}}</td><td>{{a['polarity']}}</td><td>{{a['last_ring']}}</td></tr>
  % end
  </tbody></table>
</section>
% end
<section class="card calls">
  <h2>{{_('calls_now')}}</h2>
  <table class="list"><thead><tr><th>{{_('live_caller')}}</th><th>{{_('live_region')}}</th><th>{{_('line')}}</th><th>{{_('state')}}</th><th>{{_('live_who')}}</th><th>{{_('live_duration')}}</th></tr></thead>
  <tbody id="calls">
  % for c in status['calls']:
    <tr><td>{{c.get('caller') or _('live_withheld')}}</td><td>{{c.get('region') or '-'}}</td><td>{{c.get('line') or '-'}}</td><td>{{word('call', c.get('state'))}}{{(' · ' + _('live_recording')) if c.get('recording') else ''}}</td><td>{{c.get('talking_with') or ', '.join(c.get('ringing') or []) or '-'}}{{(' (' + _('live_transferred_by', who=c['transferred_by']) + ')') if c.get('transferred_by') else ''}}</td>{{!duration_cell(c)}}</tr>
  % end
  </tbody></table>
  <p class="empty" id="no-calls" {{'hidden' if status['calls'] else ''}}>{{_('no_calls')}}</p>
</section>
% include('queue_card.tpl')
<section class="card">
  <h2>{{_('agents')}}</h2>
  <table class="list"><thead><tr><th>{{_('agent')}}</th><th>{{_('state')}}</th><th>{{_('live_takes_calls')}}</th><th>{{_('answered_today')}}</th><th>{{_('missed_today')}}</th></tr></thead>
  <tbody id="agents">
  % for a in status.get('agents', []):
    <tr><td>{{a['name']}}</td><td class="state-{{a['state']}}">{{agent_state(a)}}</td><td>
      % include('availability.tpl')
    </td><td>{{a['answered']}}</td><td>{{a['missed']}}</td></tr>
  % end
  </tbody></table>
</section>
<section class="card">
  <h2>{{_('leds')}}</h2>
  <ul class="leds" id="leds">
  % for name, pattern in sorted(status['leds'].items()):
    <li><span class="led {{led_class(pattern)}}"></span> {{led_name(name)}} <small>{{led_pattern(pattern)}}</small></li>
  % end
  </ul>
</section>
</div>
<script type="application/json" id="words">{{!words}}</script>
<script src="/static/queue.js"></script>
<script src="/static/warnings.js"></script>
<script src="/static/live.js"></script>
