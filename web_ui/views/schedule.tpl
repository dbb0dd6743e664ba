% rebase('base.tpl', title=_('nav_schedule'))
<link rel="stylesheet" href="/static/schedule.css">
<h1>{{_('nav_schedule')}}</h1>
<nav class="parts" aria-label="{{_('sch_parts')}}">
  <a href="#hours">{{_('weekly_hours')}}</a>
  <a href="#roster">{{_('duty_roster')}}</a>
  <a href="#preview_card">{{_('duty_preview')}}</a>
  <a href="#time_rules">{{_('tr_title')}}</a>
  <a href="#calendar">{{_('cal2_nav')}}</a>
</nav>
% bound = config['bound_numbers']
<section class="card" id="hours">
  <h2>{{_('weekly_hours')}}</h2>
  <p class="hint">{{_('hours_hint')}} {{_('hours_past_midnight')}}</p>
  <p id="hours_calendar"><b>{{_('hours_calendar_on') if config['schedule'].get('follow_calendar', True) else _('hours_calendar_off')}}</b></p>
  % include('errors.tpl', errors=errors if where == 'hours' else [])
  <form method="post" action="/schedule">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="calendar_part" value="1">
    % for day in weekdays:
    <label>{{_('day_' + day)}} <input name="{{day}}" value="{{hours.get(day, '')}}" placeholder="09:00-12:00, 13:30-18:00"></label>
    % end
    <label class="check wide"><input type="checkbox" name="follow_calendar" value="1" {{'checked' if hours['follow_calendar'] else ''}}> {{_('hours_follow_calendar')}}</label>
    <p class="hint">{{_('hours_calendar_hint')}}</p>
    <label>{{_('hours_adjusted_label')}}
      <select name="adjusted">
        % for d in weekdays:
        <option value="{{d}}" {{'selected' if hours['adjusted'] == d else ''}}>{{_('day_' + d)}}</option>
        % end
        <option value="" {{'selected' if not hours['adjusted'] else ''}}>{{_('tr_adjusted_own_hours')}}</option>
      </select></label>
    <button>{{_('save')}}</button>
  </form>
</section>
<section class="card" id="roster">
  <h2>{{_('duty_roster')}}</h2>
  <p class="hint">{{_('roster_hint')}}</p>
  % if not bound:
  <p class="empty">{{_('roster_no_people')}} <a href="/staff">{{_('nav_staff')}}</a></p>
  % end
  % if not config['duty_roster']['entries']:
  <p class="empty">{{_('roster_none')}}</p>
  % end
  % for n, row in enumerate(roster, 1):
  % key = 'roster:' + (row['index'] or 'new')
  <form method="post" action="/schedule/roster" class="entry{{' new' if not row['index'] else ''}}" id="roster-{{row['index'] or 'new'}}">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="index" value="{{row['index']}}">
    <h3>{{_('roster_entry', n=n) if row['index'] else _('roster_new')}}</h3>
    % include('errors.tpl', errors=errors if where == key else [])
    <fieldset class="days"><legend>{{_('days')}}</legend>
      % for d in weekdays:
      <label class="check"><input type="checkbox" name="days" value="{{d}}" {{'checked' if d in row['days'] else ''}}> {{_('dshort_' + d)}}</label>
      % end
    </fieldset>
    <label>{{_('roster_hours')}} <small>{{_('roster_hours_hint')}}</small>
      <input name="hours" value="{{row['hours']}}" placeholder="{{_('whole_day')}}"></label>
    <label>{{_('roster_person')}}
      <select name="person">
        <option value="">{{_('roster_choose')}}</option>
        % for b in bound:
        <option value="{{b['id']}}" {{'selected' if b['id'] == row['person'] else ''}}>{{b['name']}} ({{b['id']}})</option>
        % end
      </select></label>
    <div class="buttons">
      <button>{{_('save') if row['index'] else _('roster_add')}}</button>
      % if row['index']:
      <button name="delete" value="1" class="danger">{{_('delete')}}</button>
      % end
    </div>
  </form>
  % end
  <form method="post" action="/schedule/roster/default" class="entry" id="roster-default">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <h3>{{_('duty_default')}}</h3>
    % include('errors.tpl', errors=errors if where == 'default' else [])
    <p class="hint">{{_('roster_default_hint')}}</p>
    <label>{{_('roster_person')}}
      <select name="default">
        <option value="">{{_('nobody')}}</option>
        % for b in bound:
        <option value="{{b['id']}}" {{'selected' if b['id'] == roster_default else ''}}>{{b['name']}} ({{b['id']}})</option>
        % end
      </select></label>
    <div class="buttons"><button>{{_('save')}}</button></div>
  </form>
  <form method="post" action="/schedule/roster/holiday" class="entry" id="roster-holiday">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <h3>{{_('duty_holiday')}}</h3>
    % include('errors.tpl', errors=errors if where == 'holiday' else [])
    <p class="hint">{{_('duty_holiday_hint')}}</p>
    <label>{{_('roster_person')}}
      <select name="holiday">
        <option value="">{{_('nobody')}}</option>
        % for b in bound:
        <option value="{{b['id']}}" {{'selected' if b['id'] == roster_holiday else ''}}>{{b['name']}} ({{b['id']}})</option>
        % end
      </select></label>
    <div class="buttons"><button>{{_('save')}}</button></div>
  </form>
  <p class="hint">{{_('sch_saved_note')}} <a href="/config/duty_roster">{{_('edit_raw')}}</a></p>
</section>
<section class="card" id="preview_card">
  <h2>{{_('duty_preview')}}</h2>
  <form method="get" action="/schedule#preview_card">
    <label>{{_('at_time')}} <input type="datetime-local" name="at" value="{{at}}"></label>
    <button>{{_('show')}}</button>
  </form>
  % include('errors.tpl', errors=preview_errors)
  % if preview:
  % from web_ui.explain_text import holiday_name
  <p id="preview">{{_('open') if preview['open'] else _('closed')}}{{(' · ' + holiday_name(lang, preview['holiday'])) if preview.get('holiday') else ''}} · {{_('on_duty')}}: <b>{{preview.get('on_duty_name') or preview['on_duty'] or _('nobody')}}</b></p>
  % include('explain.tpl', result=preview)
  % end
</section>
<section class="card" id="time_rules">
  <h2>{{_('tr_title')}}</h2>
  <p class="hint">{{_('tr_hint')}}</p>
  % if config['time_rules']:
  <div class="scroll"><table class="list"><thead><tr><th>{{_('tr_name')}}</th><th>{{_('tr_weekly')}}</th><th>{{_('tr_dates')}}</th><th>{{_('tr_holidays')}}</th><th>{{_('tr_adjusted_shown')}}</th><th>{{_('tr_used_by')}}</th><th></th></tr></thead><tbody>
  % for r in config['time_rules']:
    <tr><td>{{r['name']}}</td>
      <td>{{'; '.join(_('day_' + d) + ' ' + ', '.join(r['weekly'].get(d, [])) for d in weekdays if r['weekly'].get(d)) or '-'}}</td>
      <td>{{'; '.join(x['date'] + ' ' + (', '.join(x['hours']) or _('closed')) for x in r['dates']) or '-'}}</td>
      <td>{{_('tr_holidays_' + r['holidays'])}}</td>
      <td>{{_('day_' + r['adjusted_workday_hours']) if r['adjusted_workday_hours'] else _('tr_adjusted_own')}}</td>
      <td>{{', '.join(name for name, _key in rule_users[r['name']]) or _('tr_unused')}}</td>
      <td><a href="/schedule?rule={{r['name']}}#rule_form">{{_('edit')}}</a></td></tr>
  % end
  </tbody></table></div>
  % else:
  <p class="empty">{{_('tr_none')}}</p>
  % end
  <form method="post" action="/schedule/rule" id="rule_form" class="entry">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="original" value="{{rule['original']}}">
    <h3>{{_('tr_edit_title', name=rule['original']) if rule['original'] else _('tr_new')}}</h3>
    % include('errors.tpl', errors=errors if where == 'rule' else [])
    % if rule['original']:
    <p class="hint">{{_('tr_editor_hint')}} <a href="/schedule#rule_form">{{_('tr_new')}}</a></p>
    % end
    <label>{{_('tr_name')}} <small>{{_('tr_name_hint')}}</small>
      <input name="name" value="{{rule['name']}}" required autocapitalize="none"></label>
    <fieldset><legend>{{_('tr_weekly')}}</legend>
      <p class="hint">{{_('tr_weekly_hint')}}</p>
      % for day in weekdays:
      <label>{{_('day_' + day)}} <input name="w_{{day}}" value="{{rule['w_' + day]}}" placeholder="08:30-12:00, 13:00-17:30"></label>
      % end
    </fieldset>
    <label class="wide">{{_('tr_dates_label')}} <small>{{_('tr_dates_hint')}}</small>
      <textarea name="dates" rows="3" placeholder="2026-12-31 08:30-12:00">{{rule['dates']}}</textarea></label>
    <label>{{_('tr_holidays_label')}}
      <select name="holidays">
        % for mode in ('closed', 'weekly'):
        <option value="{{mode}}" {{'selected' if rule['holidays'] == mode else ''}}>{{_('tr_holidays_' + mode)}}</option>
        % end
      </select></label>
    <label>{{_('tr_adjusted_label')}}
      <select name="adjusted">
        % for d in weekdays:
        <option value="{{d}}" {{'selected' if rule['adjusted'] == d else ''}}>{{_('day_' + d)}}</option>
        % end
        <option value="" {{'selected' if not rule['adjusted'] else ''}}>{{_('tr_adjusted_own_hours')}}</option>
      </select></label>
    <div class="buttons">
      <button>{{_('tr_save')}}</button>
      % if rule['original']:
      <button name="delete" value="1" class="danger">{{_('delete')}}</button>
      % end
    </div>
  </form>
  <p class="hint"><a href="/config/time_rules">{{_('edit_raw')}}</a> · <a href="/config/settings">{{_('edit_raw')}} ({{_('sec_settings')}})</a></p>
</section>
<section class="card" id="calendar">
  <h2>{{_('cal2_title', year=calendar['year'])}}</h2>
  <p class="hint">{{_('cal2_hint')}}</p>
  <form method="get" action="/schedule#calendar">
    <label>{{_('cal_around')}} <input type="date" name="day" value="{{cal_day}}"></label>
    <button>{{_('show')}}</button>
  </form>
  % if calendar['calendar'] == 'none':
  <p>{{_('cal2_none')}}</p>
  % elif not calendar['known'] and calendar['company_days']:
  <p>{{_('cal2_unknown_own', year=calendar['year'])}}</p>
  % elif not calendar['known']:
  <p>{{_('cal2_unknown', year=calendar['year'])}}</p>
  % end
  % if spans:
  <div class="scroll"><table class="list" id="holidays"><thead><tr><th>{{_('cal_date')}}</th><th>{{_('cal_length')}}</th><th>{{_('cal2_what')}}</th><th>{{_('cal2_source')}}</th></tr></thead><tbody>
  % for d in spans:
  % is_own = d['source'] == 'company'
  % if d['holiday']:
  % what = _('cal2_company_holiday') if is_own else _('cal_holiday')
  % else:
  % what = _('cal2_company_workday') if is_own else _('cal2_workday')
  % end
  % from web_ui.explain_text import holiday_name
  % what = _('cal2_named', what=what, name=d['name'] if is_own else holiday_name(lang, d['name'])) if d['name'] else what
    <tr class="{{'workday' if d['adjusted_workday'] else 'holiday'}}{{' company' if is_own else ''}}"><td>{{d['first']}}{{(' – ' + d['last']) if d['last'] != d['first'] else ''}}</td>
      <td>{{_('cal_n_days', n=d['days'])}}</td>
      <td>{{what}}</td>
      <td>{{_('cal2_source_company') if is_own else _('cal2_source_package')}}</td></tr>
  % end
  </tbody></table></div>
  % else:
  <p class="empty">{{_('cal2_empty', year=calendar['year'])}}</p>
  % end
  <h3 id="own_days">{{_('own_title')}}</h3>
  <p class="hint">{{_('own_hint')}}</p>
  % include('errors.tpl', errors=errors if where == 'calendar' else [])
  % if own_days:
  <div class="scroll"><table class="list" id="company_days"><thead><tr><th>{{_('cal_date')}}</th><th>{{_('own_kind')}}</th><th>{{_('own_name')}}</th><th></th></tr></thead><tbody>
  % for s in own_days:
    <tr class="{{s['kind']}}"><td>{{s['first']}}{{(' – ' + s['last']) if s['last'] != s['first'] else ''}}{{(' (' + _('cal_n_days', n=s['days']) + ')') if s['days'] > 1 else ''}}</td>
      <td>{{_('own_kind_' + s['kind'])}}</td><td>{{s['name'] or _('own_unnamed')}}</td>
      <td><form method="post" action="/schedule/calendar" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="kind" value="{{s['kind']}}"><input type="hidden" name="first" value="{{s['first']}}"><input type="hidden" name="last" value="{{s['last']}}">
        <button name="remove" value="1" class="link danger">{{_('own_remove')}}</button></form></td></tr>
  % end
  </tbody></table></div>
  % else:
  <p class="empty">{{_('own_none')}}</p>
  % end
  <form method="post" action="/schedule/calendar" class="entry" id="own_form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('own_kind')}}
      <select name="kind">
        % for kind in ('holiday', 'workday'):
        <option value="{{kind}}" {{'selected' if own_form.get('kind') == kind else ''}}>{{_('own_kind_' + kind)}}</option>
        % end
      </select></label>
    <label>{{_('own_first')}} <input type="date" name="first" value="{{own_form.get('first', '')}}" required></label>
    <label>{{_('own_last')}} <input type="date" name="last" value="{{own_form.get('last', '')}}"></label>
    <label>{{_('own_name')}} <small>{{_('own_name_hint')}}</small> <input name="name" value="{{own_form.get('name', '')}}" maxlength="64"></label>
    <div class="buttons"><button>{{_('own_add')}}</button></div>
  </form>
  <p class="hint"><a href="/config/calendar">{{_('edit_raw')}}</a></p>
</section>
