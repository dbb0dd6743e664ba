% rebase('base.tpl', title=_('nav_schedule'))
<h1>{{_('nav_schedule')}}</h1>
% include('errors.tpl')
<section class="card">
  <h2>{{_('weekly_hours')}}</h2>
  <p class="hint">{{_('hours_hint')}}</p>
  <form method="post" action="/schedule">
    <input type="hidden" name="csrf" value="{{csrf}}">
    % for day in weekdays:
    <label>{{_('day_' + day)}} <input name="{{day}}" value="{{', '.join(config['schedule'][day])}}" placeholder="09:00-12:00, 13:30-18:00"></label>
    % end
    <button>{{_('save')}}</button>
  </form>
</section>
<section class="card">
  <h2>{{_('duty_roster')}}</h2>
  <table class="list"><thead><tr><th>{{_('days')}}</th><th>{{_('hours')}}</th><th>{{_('person')}}</th></tr></thead><tbody>
  % for e in config['duty_roster']['entries']:
    <tr><td>{{', '.join(_('day_' + d) for d in e['days'])}}</td><td>{{e['hours']}}</td><td>{{e['person']}}</td></tr>
  % end
  </tbody></table>
  <p>{{_('duty_default')}}: {{config['duty_roster']['default'] or '-'}}</p>
  <p><a href="/config/duty_roster">{{_('edit')}}</a> · <a href="/config/schedule">{{_('edit_raw')}}</a></p>
</section>
<section class="card">
  <h2>{{_('duty_preview')}}</h2>
  <form method="get" action="/schedule">
    <label>{{_('at_time')}} <input type="datetime-local" name="at" value="{{at}}"></label>
    <button>{{_('show')}}</button>
  </form>
  % errors = preview_errors
  % include('errors.tpl')
  % if preview:
  <p id="preview">{{_('open') if preview['open'] else _('closed')}} · {{_('on_duty')}}: <b>{{preview['on_duty'] or _('nobody')}}</b></p>
  <pre class="explain">{{preview['explanation']}}</pre>
  % end
</section>
