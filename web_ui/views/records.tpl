% rebase('base.tpl', title=_('nav_records'))
% from web_ui.explain_text import route_words
<h1>{{_('nav_records')}}</h1>
<form method="get" action="/records" class="card filters">
  <label>{{_('since')}} <input type="date" name="since" value="{{params.get('since', '')}}"></label>
  <label>{{_('until')}} <input type="date" name="until" value="{{params.get('until', '')}}"></label>
  <label>{{_('rec_number_or_name')}} <input name="number" value="{{params.get('number', '')}}" placeholder="{{_('rec_number_hint')}}"></label>
  <label>{{_('region')}} <input name="region" value="{{params.get('region', '')}}" placeholder="{{_('rec_region_hint')}}"></label>
  <label>{{_('line')}} <input name="line" value="{{params.get('line', '')}}" size="6"></label>
  <label>{{_('agent')}} <input name="agent" value="{{params.get('agent', '')}}"></label>
  <label>{{_('result')}} <select name="result">
    <option value="">{{_('any')}}</option>
    % for r in ('answered', 'missed', 'abandoned', 'busy', 'failed', 'blocked', 'forwarded', 'voicemail', 'in_progress', 'interrupted'):
    <option value="{{r}}" {{'selected' if params.get('result') == r else ''}}>{{_('result_' + r)}}</option>
    % end
  </select></label>
  <button>{{_('search')}}</button>
  <a class="button" href="/records.csv?{{filters}}" download>{{_('export_csv')}}</a>
</form>
% include('errors.tpl')
<p id="found">{{_('n_calls', n=found['total'])}}</p>
<div class="scroll">
<table class="list records">
<thead><tr><th>{{_('started')}}</th><th>{{_('caller')}}</th><th>{{_('region')}}</th><th>{{_('line')}}</th><th>{{_('result')}}</th><th>{{_('answered_by')}}</th><th>{{_('talk')}}</th><th>{{_('end_reason')}}</th><th>{{_('route')}}</th><th>{{_('rec_recording')}}</th></tr></thead>
<tbody>
% for c in found['calls']:
<tr><td>{{(c['started_at'] or '')[:19].replace('T', ' ')}}</td><td>{{c['caller'] or ('-' if c['result'] == 'forwarded' else _('withheld'))}}</td><td>{{c['region']}}</td><td>{{c['line']}}</td><td>{{_('result_' + c['result'])}}</td><td>{{c['answered_by']}}
% for leg in [leg for leg in (c.get('legs') or []) if leg.get('target_kind') == 'transfer' and leg.get('outcome') == 'completed']:
<br><small class="transfer">{{_('rec_transferred_by', who=leg['agent'] or leg['agent_id'])}}</small>
% end
</td><td>{{_('rec_seconds', n=int(c['talk_s'])) if c['talk_s'] else ''}}</td><td>{{_('end_reason_' + c['end_reason']) if c.get('end_reason') else ''}}</td><td>{{route_words(lang, c['route'])}}</td><td class="recording">
% include('recording_cell.tpl', recs=c.get('recordings') or [])
</td></tr>
% end
</tbody></table>
</div>
% if query and found['total'] > query.limit:
<nav class="pages">
  % if query.offset > 0:
  <a href="/records?{{filters + "&" if filters else ""}}offset={{max(0, query.offset - query.limit)}}">{{_('prev')}}</a>
  % end
  <span>{{query.offset // query.limit + 1}} / {{(found['total'] + query.limit - 1) // query.limit}}</span>
  % if query.offset + query.limit < found['total']:
  <a href="/records?{{filters + "&" if filters else ""}}offset={{query.offset + query.limit}}">{{_('next')}}</a>
  % end
</nav>
% end
