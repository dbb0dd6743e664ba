% s = rec_storage
<section class="card" id="recording-storage">
  <h2>{{_('rec_storage_title')}}</h2>
  % if not s['enabled']:
  <p>{{_('rec_off')}}</p>
  % end
  <p>{{_('rec_count', n=s['count'])}}. {{_('rec_storage_used', used=s['used_mb'], limit=s['limit_mb'], days=_('rec_days', n=s['days']) if s['days'] else _('rec_days_forever'))}} <a href="/records">{{_('nav_records')}}</a></p>
  % if s['warning']:
  <div class="errors" role="alert"><p>{{_('rec_warning', limit=s['warning'].get('limit_mb', s['limit_mb']), n=s['warning'].get('deleted', 0), at=s['warned'])}}</p></div>
  % end
</section>
