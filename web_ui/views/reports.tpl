% rebase('base.tpl', title=_('nav_reports'))
% from web_ui.charts import bar_chart
% from web_ui.pages import duration_text as clock
<h1>{{_('nav_reports')}}</h1>
<form method="get" action="/reports" class="card filters">
  <label>{{_('since')}} <input type="date" name="since" value="{{params.get('since', '')}}"></label>
  <label>{{_('until')}} <input type="date" name="until" value="{{params.get('until', '')}}"></label>
  <button>{{_('show')}}</button>
</form>
% include('errors.tpl')
% if report:
% t = report['total']
<section class="card">
  <h2>{{_('totals')}} <small>{{first_day}} – {{last_day}}</small></h2>
  <dl class="totals">
  % for key in ('calls', 'answered', 'missed', 'busy', 'abandoned', 'blocked'):
    <div><dt>{{_('col_' + key)}}</dt><dd>{{t[key]}}</dd></div>
  % end
    <div><dt>{{_('col_talk_s')}}</dt><dd>{{clock(t['talk_s'])}}</dd></div>
    <div><dt>{{_('col_avg_talk_s')}}</dt><dd>{{clock(t['avg_talk_s'])}}</dd></div>
  </dl>
</section>
% for part in ('by_week' if weekly else 'by_day', 'by_hour', 'by_agent', 'by_group', 'by_region'):
<section class="card">
  <h2>{{_(part)}}</h2>
  % if report[part]:
  {{!bar_chart(report[part], _('col_calls'), _('col_answered'))}}
  <div class="scroll"><table class="list">
    <thead><tr><th></th>
    % keys = ('calls', 'answered', 'missed', 'busy', 'abandoned', 'talk_s', 'avg_talk_s') + (('transfers',) if part == 'by_agent' else ())
    % for key in keys:
    <th>{{_('col_' + key)}}</th>
    % end
    </tr></thead><tbody>
    % for row in report[part]:
    <tr><td>{{row['key'] or '-'}}{{(' ' + row['name']) if row.get('name') and row['name'] != row['key'] else ''}}</td>
    % for key in keys:
    <td>{{clock(row[key]) if key.endswith('_s') else row.get(key, 0)}}</td>
    % end
    </tr>
    % end
  </tbody></table></div>
  % else:
  <p class="empty">{{_('no_data')}}</p>
  % end
</section>
% end
% end
