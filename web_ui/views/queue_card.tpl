% # The hold queues now (status["queues"]) and the open callback requests (status["callbacks"]);
% # static/queue.js redraws the queue table from /api/status.
% queues = status.get('queues') or []
<section class="card" id="queue-card">
  <h2>{{_('queues_now')}}</h2>
  <table class="list"><thead><tr><th>{{_('queue_name')}}</th><th>{{_('queue_position')}}</th><th>{{_('live_caller')}}</th><th>{{_('live_region')}}</th><th>{{_('state')}}</th><th>{{_('queue_waiting')}}</th></tr></thead>
  <tbody id="queued">
  % for q in queues:
  %   for w in q.get('waiting', []):
    <tr><td>{{q['queue']}}</td><td>{{w['position']}}</td><td>{{w.get('caller') or _('live_withheld')}}{{' · ' + _('live_queue_vip') if w.get('vip') else ''}}</td><td>{{w.get('region') or '-'}}</td><td>{{_('live_queue_' + w.get('state', 'waiting'))}}</td><td class="duration" data-duration="{{w.get('waiting_s', 0)}}">-</td></tr>
  %   end
  % end
  </tbody></table>
  <p class="empty" id="no-queued" {{'hidden' if any(q.get('waiting') for q in queues) else ''}}>{{_('no_queued')}}</p>
  <h2>{{_('callbacks')}}</h2>
  % callbacks = status.get('callbacks') or []
  <table class="list"><thead><tr><th>{{_('callback_caller')}}</th><th>{{_('callback_time')}}</th><th>{{_('callback_line')}}</th><th>{{_('callback_queue')}}</th><th>{{_('callback_state')}}</th></tr></thead>
  <tbody id="callbacks">
  % for c in callbacks:
    <tr><td>{{c.get('caller') or _('live_withheld')}}<br><small>{{c.get('region') or ''}}</small></td><td>{{(c.get('at') or '')[:16].replace('T', ' ')}}</td><td>{{c.get('line')}}</td><td>{{c.get('queue')}}</td><td>{{_('callback_state_' + c.get('state', 'open'))}}
      <form class="inline" method="post" action="/callbacks/{{c['id']}}/done"><input type="hidden" name="csrf" value="{{csrf}}"><button class="link" type="submit">{{_('callback_mark_done')}}</button></form></td></tr>
  % end
  </tbody></table>
  <p class="empty" {{'hidden' if callbacks else ''}}>{{_('no_callbacks')}}</p>
</section>
