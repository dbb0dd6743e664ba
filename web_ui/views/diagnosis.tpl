% # The dashboard's "calls now" card (web_ui/diagnosis.py); diagnosis.js refreshes it.
<link rel="stylesheet" href="/static/diagnosis.css">
<section class="card wide diagnosis" id="diagnosis" data-live="/api/diagnosis">
  <h2>{{_('diag_title')}}</h2>
  % if diagnosis is None:
  <p class="empty">{{_('diag_offline')}}</p>
  % else:
  <p id="office" class="office office-{{diagnosis['office']['state']}}"><strong>{{diagnosis['office']['message']}}</strong></p>
  <ul id="findings" class="findings">
    % for f in diagnosis['findings']:
    <li class="finding finding-{{f['severity']}}" data-code="{{f['code']}}"><strong>{{_('diag_severity_' + f['severity'])}}:</strong> {{f['message']}}</li>
    % end
  </ul>
  <p id="diag-ok" class="ok" {{'hidden' if diagnosis['findings'] else ''}}>{{_('diag_ok')}}</p>
  % end
</section>
<script type="application/json" id="diagnosis-words">{{!diagnosis_words}}</script>
<script src="/static/diagnosis.js"></script>
