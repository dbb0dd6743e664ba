% from web_ui.i18n import reason_text
% from web_ui.field_names import field_label
% if errors:
<div class="errors" role="alert">
  <p>{{_('not_saved')}}</p>
  <ul>
  % for field, reason in errors:
    <li><b data-field="{{field}}">{{field_label(lang, field)}}</b>: {{reason_text(lang, reason)}}</li>
  % end
  </ul>
</div>
% end
