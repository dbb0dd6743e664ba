% rebase('base.tpl', title=_('setup_title'))
<h1>{{_('setup_title')}}</h1>
<p>{{_('setup_intro')}}</p>
% if error:
<p class="errors" role="alert">{{_(error)}}</p>
% end
<form method="post" action="/setup" class="card narrow">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <label>{{_('password')}} <input type="password" name="password" autocomplete="new-password" required minlength="10"></label>
  <label>{{_('password_again')}} <input type="password" name="again" autocomplete="new-password" required></label>
  <p class="hint">{{_('pw_rules')}}</p>
  <button>{{_('setup_button')}}</button>
</form>
