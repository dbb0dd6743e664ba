% if errors:
<div class="errors" role="alert">
  <p>{{_('not_saved')}}</p>
  <ul>
  % for field, reason in errors:
    <li><code>{{field}}</code>: {{reason}}</li>
  % end
  </ul>
</div>
% end
