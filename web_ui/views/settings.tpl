% rebase('base.tpl', title=_('nav_settings'))
% s = shown['settings']
% def cls(field):
%   return 'bad' if field in bad else ''
% end
<h1>{{_('nav_settings')}}</h1>
<p class="hint">{{_('set_intro')}} <a href="/welcome">{{_('set_wizard_link')}}</a></p>
<section class="card" id="company">
  <h2>{{_('set_company')}}</h2>
  % include('errors.tpl', errors=errors if where == 'company' else [])
  <form method="post" action="/settings/company">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('set_company_name')}} <input name="company_name" value="{{s['company_name']}}" maxlength="100" class="{{cls('settings.company_name')}}"></label>
    <label>{{_('set_country')}} <small>{{_('set_country_hint')}}</small>
      <input name="country" value="{{s['country']}}" maxlength="3" class="{{cls('settings.country')}}"></label>
    <label>{{_('set_timezone')}} <small>{{_('set_timezone_hint')}}</small>
      <input name="timezone" value="{{s['timezone']}}" list="timezones" class="{{cls('settings.timezone')}}"></label>
    <datalist id="timezones">
      % for zone in timezones:
      <option value="{{zone}}">
      % end
    </datalist>
    <label>{{_('set_prefix')}} <small>{{_('set_prefix_hint')}}</small>
      <input name="outside_line_prefix" value="{{s['outside_line_prefix']}}" maxlength="3" inputmode="numeric" class="{{cls('settings.outside_line_prefix')}}"></label>
    <label>{{_('set_holidays')}}
      <select name="holiday_calendar" class="{{cls('settings.holiday_calendar')}}">
        % for cal in calendars:
        <option value="{{cal}}" {{'selected' if cal == s['holiday_calendar'] else ''}}>{{_('set_cal_' + cal)}}</option>
        % end
      </select></label>
    <button>{{_('save')}}</button>
  </form>
</section>
<section class="card" id="lines">
  <h2>{{_('set_lines')}}</h2>
  <p class="hint">{{_('set_lines_hint', board=board_name or '-')}}</p>
  % include('errors.tpl', errors=errors if where == 'lines' else [])
  <form method="post" action="/settings/lines">
    <input type="hidden" name="csrf" value="{{csrf}}">
    % if not lines['gsm'] and not lines.get('fxo'):
    <p class="empty">{{_('set_no_outside_line')}}</p>
    % end
    % for i, g in enumerate(lines['gsm']):
    <fieldset class="line" id="line-{{g['name']}}"><legend>{{_('set_gsm_line', name=g['name'])}}</legend>
      <label>{{_('set_sim_number')}} <small>{{_('set_sim_number_hint')}}</small>
        <input name="gsm{{i}}_number" value="{{g['number'] or ''}}" inputmode="tel" class="{{cls('lines.gsm[%d].number' % i)}}"></label>
      <label>{{_('set_sim_pin')}} <small>{{_('set_pin_set') if g['sim_pin'] else _('set_pin_none')}}</small>
        <input type="password" name="gsm{{i}}_pin" value="" autocomplete="off" inputmode="numeric" maxlength="8" placeholder="{{_('set_pin_keep') if g['sim_pin'] else ''}}" class="{{cls('lines.gsm[%d].sim_pin' % i)}}"></label>
      % if g['sim_pin']:
      <label class="check"><input type="checkbox" name="gsm{{i}}_clear_pin" value="1"> {{_('set_pin_clear')}}</label>
      % end
    </fieldset>
    % end
    % include('analog_lines.tpl', analog=lines.get('fxo') or [])
    <fieldset class="ports"><legend>{{_('set_fxs_ports')}}</legend>
      % in_use = {p['name'] for p in lines['fxs']}
      % for port in board['fxs']:
      <label class="check"><input type="checkbox" name="fxs" value="{{port}}" {{'checked' if port in in_use else ''}}> {{port}}</label>
      % end
      % if not board['fxs']:
      <p class="empty">{{_('set_no_fxs')}}</p>
      % end
    </fieldset>
    <button>{{_('save')}}</button>
  </form>
</section>
<section class="card" id="inbound">
  <h2>{{_('set_inbound')}}</h2>
  <p class="hint">{{_('set_inbound_hint')}}</p>
  % include('errors.tpl', errors=errors if where == 'inbound' else [])
  <form method="post" action="/settings/inbound">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('set_answers')}}
      <select name="answer" class="{{cls('inbound.ring_group') or cls('answer')}}">
        <option value="">{{_('set_nobody')}}</option>
        % if groups:
        <optgroup label="{{_('set_ring_groups')}}">
        % for name in groups:
        <option value="group:{{name}}" {{'selected' if answer == 'group:' + name else ''}}>{{name}}</option>
        % end
        </optgroup>
        % end
        % if plans:
        <optgroup label="{{_('set_plans')}}">
        % for name in plans:
        <option value="plan:{{name}}" {{'selected' if answer == 'plan:' + name else ''}}>{{name}}</option>
        % end
        </optgroup>
        % end
      </select></label>
    <p class="hint">{{_('set_inbound_plan')}} <a href="/rules">{{_('nav_rules')}}</a> · <a href="/staff">{{_('nav_staff')}}</a></p>
    <button>{{_('save')}}</button>
  </form>
</section>
<section class="card" id="forward">
  <h2>{{_('forward_chain')}}</h2>
  <p class="hint">{{_('set_forward_hint')}}</p>
  % include('errors.tpl', errors=errors if where == 'forward' else [])
  <form method="post" action="/settings/forward">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('set_forward_entries')}}
      <textarea name="chain" rows="6" class="{{'bad' if any(f.startswith('forward_chain') for f in bad) else ''}}" placeholder="138 0013 8000&#10;zhang">{{chain_text}}</textarea></label>
    % if config['bound_numbers']:
    <p class="hint">{{_('set_forward_ids')}} {{', '.join(b['id'] + ' (' + b['name'] + ')' for b in config['bound_numbers'])}}</p>
    % end
    <button>{{_('save')}}</button>
  </form>
</section>
<p class="hint">{{_('set_json')}}
  % for section in ('settings', 'lines', 'inbound', 'forward_chain'):
  <a href="/config/{{section}}">{{section}}</a>
  % end
</p>
