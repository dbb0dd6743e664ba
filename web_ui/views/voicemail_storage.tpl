% s = vm_storage
<section class="card" id="voicemail-storage">
  <h2>{{_('nav_voicemail')}}</h2>
  <p>{{_('vm_storage', used=s['used_mb'], limit=s['limit_mb'])}} <a href="/voicemail">{{_('nav_voicemail')}}</a></p>
  % if s['warning']:
  <div class="errors" role="alert"><p>{{_('vm_storage_warning', limit=s['warning'].get('limit_mb', s['limit_mb']), deleted=s['warning'].get('deleted', 0), time=s['warned'])}}</p></div>
  % end
</section>
