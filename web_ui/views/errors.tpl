% from web_ui.i18n import reason_text
% if errors:
<div class="errors" role="alert">
  <p>{{_('not_saved')}}</p>
  <ul>
  % for field, reason in errors:
    <li><code>{{field}}</code>: {{reason_text(lang, reason)}}</li>
  % end
  </ul>
</div>
% end
