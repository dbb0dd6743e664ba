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
<section class="card" id="calendar">
  <h2>{{_('cal_title')}} {{calendar['year']}}</h2>
  <p class="hint">{{_('cal_hint')}}</p>
  <form method="get" action="/schedule#calendar">
    <label>{{_('cal_around')}} <input type="date" name="day" value="{{cal_day}}"></label>
    <button>{{_('show')}}</button>
  </form>
  % if calendar['calendar'] == 'none':
  <p>{{_('cal_none')}}</p>
  % elif not calendar['known']:
  <p>{{_('cal_unknown', year=calendar['year'])}}</p>
  % end
  % if spans:
  <table class="list" id="holidays"><thead><tr><th>{{_('cal_date')}}</th><th>{{_('cal_length')}}</th><th>{{_('reason')}}</th></tr></thead><tbody>
  % for d in spans:
    <tr class="{{'workday' if d['adjusted_workday'] else 'holiday'}}"><td>{{d['first']}}{{(' – ' + d['last']) if d['last'] != d['first'] else ''}}</td>
      <td>{{_('cal_n_days', n=d['days'])}}</td>
      <td>{{(_('cal_holiday') + ': ' + d['holiday']) if d['holiday'] else _('cal_workday')}}</td></tr>
  % end
  </tbody></table>
  % end
</section>
<section class="card" id="time_rules">
  <h2>{{_('tr_title')}}</h2>
  <p class="hint">{{_('tr_hint')}}</p>
  % if config['time_rules']:
  <table class="list"><thead><tr><th>{{_('tr_name')}}</th><th>{{_('tr_weekly')}}</th><th>{{_('tr_dates')}}</th><th>{{_('tr_holidays')}}</th><th>{{_('tr_adjusted')}}</th></tr></thead><tbody>
  % for r in config['time_rules']:
    <tr><td>{{r['name']}}</td>
      <td>{{'; '.join(_('day_' + d) + ' ' + ', '.join(r['weekly'].get(d, [])) for d in weekdays if r['weekly'].get(d))}}</td>
      <td>{{'; '.join(x['date'] + ' ' + (', '.join(x['hours']) or _('closed')) for x in r['dates']) or '-'}}</td>
      <td>{{_('tr_holidays_' + r['holidays'])}}</td>
      <td>{{_('day_' + r['adjusted_workday_hours']) if r['adjusted_workday_hours'] else _('tr_adjusted_own')}}</td></tr>
  % end
  </tbody></table>
  % else:
  <p>{{_('tr_none')}}</p>
  % end
  <p><a href="/config/time_rules">{{_('edit')}}</a> · <a href="/config/settings">{{_('edit_raw')}} (settings.holiday_calendar)</a></p>
</section>
