% o = outbox
<section class="card" id="notifications">
  <h2>{{_('ntf_outbox')}}</h2>
  <p class="hint">{{_('ntf_outbox_hint')}} <a href="/notifications">{{_('ntf_settings_link')}}</a></p>
  % if o['notice'] and o['notice'][0] == 'ok':
  <p class="flash ok" id="ntf-notice">{{o['notice'][1]}}</p>
  % elif o['notice']:
  <div class="errors" role="alert" id="ntf-notice"><p>{{o['notice'][1]}}</p></div>
  % end
  % if o['error']:
  <div class="errors" role="alert"><p>{{o['error']}}</p></div>
  % end
  % if o['missed_waiting']:
  <p>{{_('ntf_missed_waiting', n=o['missed_waiting'])}}</p>
  % end
  % if not o['pending'] and not o['failed']:
  <p class="empty">{{_('ntf_nothing')}}</p>
  % end
  % for key, title in (('pending', 'ntf_pending'), ('failed', 'ntf_failed')):
  % if o[key]:
  <h3>{{_(title)}}</h3>
  <table class="list" id="ntf-{{key}}"><thead><tr><th>{{_('ntf_col_when')}}</th><th>{{_('ntf_col_what')}}</th><th>{{_('ntf_col_to')}}</th><th>{{_('ntf_col_tries')}}</th><th>{{_('ntf_col_next')}}</th><th>{{_('ntf_col_why')}}</th><th></th></tr></thead><tbody>
  % for m in o[key]:
  <tr data-id="{{m['id']}}"><td>{{m['created']}}</td><td>{{_('ntf_kind_' + m['kind'])}} · {{_('ntf_channel_' + m['channel'])}}</td><td>{{', '.join(m['to'])}}</td><td>{{m['tries']}}</td><td>{{m['due']}}</td><td class="why">{{m['why']}}</td>
    <td><form method="post" action="/system/notifications/retry" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{m['id']}}"><button class="link">{{_('ntf_retry')}}</button></form></td></tr>
  % end
  </tbody></table>
  % end
  % end
  <p>
  % if o['pending'] or o['failed']:
  <form method="post" action="/system/notifications/retry" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{_('ntf_retry_all')}}</button></form>
  % end
  <form method="post" action="/system/notifications/test" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{_('ntf_test')}}</button></form>
  </p>
  % if o['sent']:
  <details><summary>{{_('ntf_sent')}}</summary>
  <table class="list" id="ntf-sent"><tbody>
  % for m in o['sent']:
  <tr><td>{{m['sent']}}</td><td>{{_('ntf_kind_' + m['kind'])}} · {{_('ntf_channel_' + m['channel'])}}</td><td>{{', '.join(m['to'])}}</td></tr>
  % end
  </tbody></table>
  </details>
  % end
</section>
