% rebase('base.tpl', title=_('nav_rules'))
<h1>{{_('nav_rules')}}</h1>
<section class="card">
  <h2>{{_('inbound_route')}}</h2>
  <p>{{_('inbound_group')}}: <b>{{config['inbound']['ring_group'] or '-'}}</b> · {{_('forward_chain')}}: {{', '.join(config['forward_chain']) or '-'}}</p>
  <p><a href="/config/inbound">{{_('edit')}}</a> · <a href="/config/forward_chain">{{_('edit_forward')}}</a></p>
</section>
<section class="card">
  <h2>{{_('test_call')}}</h2>
  <form method="get" action="/rules">
    <label>{{_('caller')}} <input name="caller" value="{{params.get('caller', '')}}" inputmode="tel"></label>
    <label>{{_('line')}} <select name="line">
      % for g in config['lines']['gsm']:
      <option {{'selected' if params.get('line') == g['name'] else ''}}>{{g['name']}}</option>
      % end
      % if not config['lines']['gsm']:
      <option>gsm0</option>
      % end
    </select></label>
    <label>{{_('at_time')}} <input type="datetime-local" name="at" value="{{params.get('at', '')}}"></label>
    <button>{{_('test')}}</button>
  </form>
  % include('errors.tpl')
  % if result:
  <p>{{result['region'] or '-'}} · {{_('open') if result['open'] else _('closed')}} · {{' → '.join(result['steps'])}}</p>
  <pre class="explain" id="explanation">{{result['explanation']}}</pre>
  % end
</section>
