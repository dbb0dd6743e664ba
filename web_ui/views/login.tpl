% rebase('base.tpl', title=_('login_title'))
<h1>{{_('login_title')}}</h1>
% if error:
<p class="errors" role="alert">{{_(error, s=wait)}}</p>
% if error == 'login_wait':
<p class="hint">{{_('login_unlock_hint')}}</p>
% end
% end
<form method="post" action="/login" class="card narrow">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <label>{{_('password')}} <input type="password" name="password" autocomplete="current-password" required autofocus></label>
  <button>{{_('login_button')}}</button>
</form>
