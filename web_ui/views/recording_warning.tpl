% rw = (status.get('recording') or {}).get('warning') if isinstance(status.get('recording'), dict) else None
% if rw:
% from datetime import datetime
<section class="card" id="recording-warning"><div class="errors" role="alert"><p>{{_('rec_full_dashboard', n=rw.get('deleted', 0), at=datetime.fromtimestamp(float(rw.get('at_ts') or 0)).strftime('%Y-%m-%d %H:%M'))}} <a href="/system#recording-storage">{{_('nav_system')}}</a></p>
<form method="post" action="/warnings/recordings/dismiss"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{_('rec_dismiss')}}</button></form></div></section>
% end
