% # The settings of a step that answers the call (keypad_forms.py, queue_forms.py): s, here, kind, plan
% kind = s['do']
% if kind in answering:
<input type="hidden" name="{{here}}.settings_for" value="{{kind}}">
<div class="settings">
% def prompt_select(field, blank):
  % value = s.get(field, '')
  % names = prompt_names + ([value] if value and value not in prompt_names else [])
  <label class="{{bad(here + '.' + field)}}">{{_('kf_prompt')}} <select name="{{here}}.{{field}}">
    % if blank:
    <option value="">{{_(blank)}}</option>
    % end
    % for n in names:
    <option value="{{n}}" {{'selected' if n == value else ''}}>{{n}}</option>
    % end
  </select></label>
% end
% if kind == 'greeting':
  % prompt_select('greeting.prompt', 'kf_greeting_by_schedule')
  <p class="hint">{{_('kf_greeting_hint')}}</p>
% elif kind == 'menu':
  % prompt_select('menu.prompt', 'kf_pick_prompt')
  <label class="{{bad(here + '.menu.timeout_s')}}">{{_('kf_timeout_s')}} <input name="{{here}}.menu.timeout_s" value="{{s.get('menu.timeout_s', '')}}" inputmode="numeric" size="4"></label>
  <label class="{{bad(here + '.menu.max_tries')}}">{{_('kf_max_tries')}} <input name="{{here}}.menu.max_tries" value="{{s.get('menu.max_tries', '')}}" inputmode="numeric" size="4"></label>
  <label><input type="checkbox" name="{{here}}.menu.direct_dial" value="on" {{'checked' if s.get('menu.direct_dial') == 'on' else ''}}> {{_('kf_direct_dial')}}</label>
  <fieldset class="keys {{bad(here + '.menu.choices')}}"><legend>{{_('kf_choices')}}</legend>
  % for k in menu_keys:
    <label class="{{bad(here + '.menu.key.' + k)}}">{{_('kf_key', digit=k)}} <select name="{{here}}.menu.key.{{k}}" class="step-exit">
      <option value="">{{_('kf_no_choice')}}</option>
      % for j, t in enumerate(plan['steps']):
      <option value="{{j}}" {{'selected' if s.get('menu.key.' + k) == str(j) else ''}}>{{j + 1}}. {{t['id'] or '?'}}</option>
      % end
    </select></label>
  % end
  </fieldset>
% elif kind == 'pin':
  % prompt_select('pin.prompt', '')
  <label class="{{bad(here + '.pin.pins')}}">{{_('kf_pins')}} <input type="password" name="{{here}}.pin.pins" value="" autocomplete="new-password" placeholder="{{_('kf_pins_kept', n=s.get('pin.kept') or '0')}}"></label>
  <input type="hidden" name="{{here}}.pin.kept" value="{{s.get('pin.kept', '0')}}">
  <label class="{{bad(here + '.pin.max_digits')}}">{{_('kf_max_digits')}} <input name="{{here}}.pin.max_digits" value="{{s.get('pin.max_digits', '')}}" inputmode="numeric" size="4"></label>
  <label class="{{bad(here + '.pin.tries')}}">{{_('kf_tries')}} <input name="{{here}}.pin.tries" value="{{s.get('pin.tries', '')}}" inputmode="numeric" size="4"></label>
  <label class="{{bad(here + '.pin.timeout_s')}}">{{_('kf_timeout_s')}} <input name="{{here}}.pin.timeout_s" value="{{s.get('pin.timeout_s', '')}}" inputmode="numeric" size="4"></label>
  <p class="hint">{{_('kf_pins_hint')}}</p>
% elif kind == 'verify':
  % prompt_select('verify.prompt', '')
  <label class="wide {{bad(here + '.verify.numbers')}}">{{_('kf_numbers')}} <textarea name="{{here}}.verify.numbers" rows="2">{{s.get('verify.numbers', '')}}</textarea></label>
  <label class="{{bad(here + '.verify.min_digits')}}">{{_('kf_min_digits')}} <input name="{{here}}.verify.min_digits" value="{{s.get('verify.min_digits', '')}}" inputmode="numeric" size="4"></label>
  <label class="{{bad(here + '.verify.max_digits')}}">{{_('kf_max_digits')}} <input name="{{here}}.verify.max_digits" value="{{s.get('verify.max_digits', '')}}" inputmode="numeric" size="4"></label>
  <label class="{{bad(here + '.verify.tries')}}">{{_('kf_tries')}} <input name="{{here}}.verify.tries" value="{{s.get('verify.tries', '')}}" inputmode="numeric" size="4"></label>
  <label class="{{bad(here + '.verify.timeout_s')}}">{{_('kf_timeout_s')}} <input name="{{here}}.verify.timeout_s" value="{{s.get('verify.timeout_s', '')}}" inputmode="numeric" size="4"></label>
  <label class="wide {{bad(here + '.verify.hook.url')}}">{{_('kf_hook_url')}} <input name="{{here}}.verify.hook.url" value="{{s.get('verify.hook.url', '')}}" placeholder="http://192.168.1.20/check"></label>
  <label class="{{bad(here + '.verify.hook.timeout_s')}}">{{_('kf_hook_timeout_s')}} <input name="{{here}}.verify.hook.timeout_s" value="{{s.get('verify.hook.timeout_s', '')}}" inputmode="numeric" size="4"></label>
  <label class="{{bad(here + '.verify.hook.retries')}}">{{_('kf_hook_retries')}} <input name="{{here}}.verify.hook.retries" value="{{s.get('verify.hook.retries', '')}}" inputmode="numeric" size="4"></label>
  % downs = ['failed', 'ok'] + [x.strip() for x in s.get('verify.exit_names', '').split(',') if x.strip()]
  % down = s.get('verify.hook.when_down') or 'failed'
  % downs = downs + ([down] if down not in downs else [])
  <label class="{{bad(here + '.verify.hook.when_down')}}">{{_('kf_when_down')}} <select name="{{here}}.verify.hook.when_down">
    % for d in downs:
    <option value="{{d}}" {{'selected' if d == down else ''}}>{{_('kf_exit_' + d) if d in ('ok', 'failed') else d}}</option>
    % end
  </select></label>
  <input type="hidden" name="{{here}}.verify.exit_names" value="{{s.get('verify.exit_names', '')}}">
% elif kind in ('queue', 'voicemail', 'sms_caller'):
  % include('plan_step_holding.tpl')
% end
</div>
% end
