% # The dashboard's warnings (web_ui/owner_warnings.py): failed notices, voicemail storage.
% # warnings.js redraws the list from each /api/status live.js fetches.
% warns = status.get('warnings') or []
<section class="card wide warnings" id="warnings-card" {{'' if warns else 'hidden'}}>
  <h2>{{_('warn_title')}}</h2>
  <ul id="warnings" class="findings">
  % for w in warns:
    <li class="finding finding-{{w['severity']}}" data-code="{{w['code']}}">{{w['message']}}
      <a href="{{w['link']}}">{{_('warn_open_outbox') if w['code'] == 'notices_failed' else _('warn_open_voicemail')}}</a>
      % if w['code'] == 'voicemail_unheard_deleted':
      <form class="inline" method="post" action="/warnings/voicemail/dismiss"><input type="hidden" name="csrf" value="{{csrf}}"><button class="link" type="submit">{{_('warn_dismiss')}}</button></form>
      % end
    </li>
  % end
  </ul>
</section>
<script type="application/json" id="warning-words">{{!warning_words}}</script>
