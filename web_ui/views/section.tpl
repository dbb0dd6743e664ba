% rebase('base.tpl', title=_('section_title', name=section))
<h1>{{_('section_title', name=section)}}</h1>
<p>{{_('section_intro')}}</p>
% include('errors.tpl')
<form method="post" action="/config/{{section}}" class="card">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <textarea name="value" rows="20" spellcheck="false" class="code">{{text}}</textarea>
  <button>{{_('save')}}</button>
</form>
