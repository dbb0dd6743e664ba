% # A hold queue's, voicemail's or caller SMS's settings (queue_forms.py): s, here, kind
% def prompt_pick(field, blank):
  % value = s.get(field, '')
  % names = prompt_names + ([value] if value and value not in prompt_names else [])
  <select name="{{here}}.{{field}}">
    % if blank:
    <option value="">{{_(blank)}}</option>
    % end
    % for n in names:
    <option value="{{n}}" {{'selected' if n == value else ''}}>{{n}}</option>
    % end
  </select>
% end
% def whole_field(field, label, hint=''):
  <label class="{{bad(here + '.' + field)}}">{{_(label)}} <input name="{{here}}.{{field}}" value="{{s.get(field, '')}}" inputmode="numeric" size="5">
  % if hint:
    <small>{{_(hint)}}</small>
  % end
  </label>
% end
% def key_pick(field, label):
  % value = s.get(field, '')
  <label class="{{bad(here + '.' + field)}}">{{_(label)}} <select name="{{here}}.{{field}}">
    <option value="">{{_('qf_no_key')}}</option>
    % for k in menu_keys:
    <option value="{{k}}" {{'selected' if k == value else ''}}>{{k}}</option>
    % end
    % if value and value not in menu_keys:
    <option value="{{value}}" selected>{{value}}</option>
    % end
  </select></label>
% end
% if kind == 'queue':
  % value = s.get('queue.group', '')
  % names = [g['name'] for g in queue_groups]
  <label class="wide {{bad(here + '.queue.group')}}">{{_('qf_group')}} <select name="{{here}}.queue.group">
    <option value="">{{_('qf_pick_group')}}</option>
    % for g in queue_groups:
    <option value="{{g['name']}}" {{'selected' if g['name'] == value else ''}}>{{_('qf_group_option', name=g['name'], members=g['members'] or '-', strategy=_('strategy_' + g['strategy']))}}</option>
    % end
    % if value and value not in names:
    <option value="{{value}}" selected>{{value}}</option>
    % end
  </select></label>
  <label class="{{bad(here + '.queue.music')}}">{{_('qf_music')}}
  % prompt_pick('queue.music', '')
  </label>
  <label class="{{bad(here + '.queue.entry_prompt')}}">{{_('qf_entry_prompt')}}
  % prompt_pick('queue.entry_prompt', 'qf_no_prompt')
  </label>
  % whole_field('queue.announce_every_s', 'qf_announce_every_s', 'qf_announce_hint')
  % whole_field('queue.max_wait_s', 'qf_max_wait_s')
  % whole_field('queue.max_length', 'qf_max_length')
  % key_pick('queue.leave_key', 'qf_leave_key')
  % key_pick('queue.callback_key', 'qf_callback_key')
  <label><input type="checkbox" name="{{here}}.queue.after_hours" value="on" {{'checked' if s.get('queue.after_hours') == 'on' else ''}}> {{_('qf_after_hours')}}</label>
  <p class="hint">{{_('qf_queue_hint')}} <a href="/staff">{{_('qf_group_link')}}</a></p>
% elif kind == 'voicemail':
  % value = s.get('voicemail.box', '')
  % boxes = [b['box'] for b in voicemail_boxes]
  <label class="wide {{bad(here + '.voicemail.box')}}">{{_('qf_box')}} <select name="{{here}}.voicemail.box">
    <option value="">{{_('qf_pick_box')}}</option>
    % for b in voicemail_boxes:
    <option value="{{b['box']}}" {{'selected' if b['box'] == value else ''}}>{{_('qf_box_' + b['kind'], box=b['box'], label=b['label'] or '-')}}</option>
    % end
    % if value and value not in boxes:
    <option value="{{value}}" selected>{{value}}</option>
    % end
  </select></label>
  <label class="{{bad(here + '.voicemail.greeting')}}">{{_('qf_vm_greeting')}}
  % prompt_pick('voicemail.greeting', 'qf_vm_greeting_default')
  </label>
  % whole_field('voicemail.max_s', 'qf_max_s')
  % whole_field('voicemail.silence_s', 'qf_silence_s', 'qf_silence_hint')
  <p class="hint">{{_('qf_voicemail_hint')}}</p>
% else:
  <label class="wide {{bad(here + '.sms_caller.text')}}">{{_('qf_sms_text')}} <textarea name="{{here}}.sms_caller.text" rows="2" maxlength="300" placeholder="{{caller_sms_text}}">{{s.get('sms_caller.text', '')}}</textarea></label>
  <label class="{{bad(here + '.sms_caller.prompt')}}">{{_('qf_sms_prompt')}}
  % prompt_pick('sms_caller.prompt', 'qf_sms_prompt_default')
  </label>
  <p class="hint">{{_('qf_sms_hint')}}</p>
% end
