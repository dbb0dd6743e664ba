% # Each analog line's number, exchange profile and disconnect method (web_ui/analog_forms.py);
% # used by the Settings page and the first-run setup. Needs: analog, cls, analog_profiles,
% # disconnect_methods, disconnect_defaults.
% from html import escape as html_escape
% for i, f in enumerate(analog):
% usual = disconnect_defaults.get(f.get('profile')) or disconnect_defaults.get('cn')
<fieldset class="line" id="line-{{f['name']}}"><legend>{{_('set_fxo_line', name=f['name'])}}</legend>
  <label>{{_('set_fxo_number')}} <small>{{_('set_fxo_number_hint')}}</small>
    <input name="fxo{{i}}_number" value="{{f.get('number') or ''}}" inputmode="tel" class="{{cls('lines.fxo[%d].number' % i)}}"></label>
  <label>{{_('set_fxo_profile')}} <small>{{_('set_fxo_profile_hint')}}</small>
    <select name="fxo{{i}}_profile" class="{{cls('lines.fxo[%d].profile' % i)}}">
      % for p in analog_profiles:
      <option value="{{p}}" {{'selected' if f.get('profile') == p else ''}}>{{_('set_profile_' + p)}}</option>
      % end
      % if f.get('profile') not in analog_profiles:
      <option value="{{f.get('profile') or ''}}" selected>{{f.get('profile') or '-'}}</option>
      % end
    </select></label>
  <label>{{_('set_fxo_disconnect')}} <small>{{_('set_fxo_disconnect_hint')}}</small>
    <select name="fxo{{i}}_disconnect" class="{{cls('lines.fxo[%d].disconnect' % i)}}">
      <option value="default" {{'selected' if not f.get('disconnect') else ''}}{{!''.join(' data-usual-%s="%s"' % (p, html_escape(_('set_disc_default', method=_('set_disc_' + m)))) for p, m in disconnect_defaults.items() if m)}}>{{_('set_disc_default', method=_('set_disc_' + usual))}}</option>
      % for m in disconnect_methods:
      <option value="{{m}}" {{'selected' if f.get('disconnect') == m else ''}}>{{_('set_disc_' + m)}}</option>
      % end
      % if f.get('disconnect') and f.get('disconnect') not in disconnect_methods:
      <option value="{{f['disconnect']}}" selected>{{f['disconnect']}}</option>
      % end
    </select></label>
</fieldset>
% end
% if analog:
<script src="/static/analog.js"></script>
% end
