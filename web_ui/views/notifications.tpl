% rebase('base.tpl', title=_('ntf_title'))
% def cls(field):
%   return 'bad' if ('notifications.' + field) in bad else ''
% end
% smtp = n['smtp']
<h1>{{_('ntf_title')}}</h1>
<p class="hint">{{_('ntf_intro')}}</p>
% include('errors.tpl')
<form method="post" action="/notifications" class="card" id="notification-settings">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <fieldset><legend>{{_('fld_smtp')}}</legend>
    <p class="hint">{{_('ntf_smtp_hint')}}</p>
    <label>{{_('fld_host')}} <input name="smtp_host" value="{{smtp['host']}}" maxlength="253" autocomplete="off" class="{{cls('smtp.host')}}"></label>
    <label>{{_('fld_security')}}
      <select name="smtp_security" class="{{cls('smtp.security')}}">
        % for sec in securities:
        <option value="{{sec}}" {{'selected' if sec == smtp['security'] else ''}}>{{_('ntf_security_' + sec)}}</option>
        % end
      </select></label>
    <label>{{_('fld_port')}} <small>{{_('ntf_port_hint')}}</small>
      <input name="smtp_port" value="{{'' if smtp['port'] is None else smtp['port']}}" inputmode="numeric" maxlength="6" class="{{cls('smtp.port')}}"></label>
    <label>{{_('fld_user')}} <input name="smtp_user" value="{{smtp['user']}}" maxlength="254" autocomplete="off" class="{{cls('smtp.user')}}"></label>
    <label>{{_('password')}} <small>{{_('ntf_password_set') if password_set else _('ntf_password_none')}}</small>
      <input type="password" name="smtp_password" value="" autocomplete="new-password" placeholder="{{_('ntf_password_keep') if password_set else ''}}" class="{{cls('smtp.password')}}"></label>
    % if password_set:
    <label class="check"><input type="checkbox" name="smtp_clear_password" value="1"> {{_('ntf_password_clear')}}</label>
    % end
    <label>{{_('fld_from_address')}} <input name="smtp_from" value="{{smtp['from_address']}}" maxlength="254" inputmode="email" class="{{cls('smtp.from_address')}}"></label>
    <label class="check"><input type="checkbox" name="smtp_verify" value="1" {{'checked' if smtp['verify_certificate'] else ''}}> {{_('fld_verify_certificate')}} <small>{{_('ntf_verify_hint')}}</small></label>
  </fieldset>
  <fieldset><legend>{{_('ntf_recipients')}}</legend>
    <label>{{_('fld_emails')}} <small>{{_('ntf_list_hint')}}</small>
      <textarea name="emails" rows="3" class="{{cls('emails')}}">{{'\n'.join(n['emails']) if isinstance(n['emails'], list) else n['emails']}}</textarea></label>
    <label>{{_('fld_sms_numbers')}} <small>{{_('ntf_list_hint')}}</small>
      <textarea name="sms_numbers" rows="2" class="{{cls('sms_numbers')}}">{{'\n'.join(n['sms_numbers']) if isinstance(n['sms_numbers'], list) else n['sms_numbers']}}</textarea></label>
  </fieldset>
  <fieldset><legend>{{_('ntf_events')}}</legend>
    % for event in ('missed_calls', 'voicemail'):
    <p class="event" id="event-{{event}}"><b>{{_('fld_' + event)}}</b>
      <label class="check"><input type="checkbox" name="{{event}}_email" value="1" {{'checked' if n[event]['email'] else ''}}> {{_('fld_email')}}</label>
      <label class="check"><input type="checkbox" name="{{event}}_sms" value="1" {{'checked' if n[event]['sms'] else ''}}> {{_('fld_sms')}}</label>
    </p>
    % end
    <label>{{_('fld_batch_seconds')}} <small>{{_('ntf_batch_hint')}}</small>
      <input name="batch_seconds" value="{{n['batch_seconds']}}" inputmode="numeric" maxlength="4" class="{{cls('batch_seconds')}}"></label>
    <label>{{_('ntf_language')}}
      <select name="language" class="{{cls('language')}}">
        % for code in languages:
        <option value="{{code}}" {{'selected' if code == n['language'] else ''}}>{{_('ntf_lang_' + code)}}</option>
        % end
      </select></label>
    <label>{{_('fld_caller_sms_text')}} <small>{{_('ntf_caller_sms_hint')}}</small>
      <textarea name="caller_sms_text" rows="2" maxlength="300" class="{{cls('caller_sms_text')}}">{{n['caller_sms_text']}}</textarea></label>
  </fieldset>
  <button>{{_('save')}}</button>
</form>
<p><a href="/system#notifications">{{_('ntf_outbox')}}</a></p>
