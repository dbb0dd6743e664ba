% rebase('base.tpl', title=_('nav_system'))
<h1>{{_('nav_system')}}</h1>
% include('errors.tpl')
<section class="card">
  <h2>{{_('health')}}</h2>
  <table class="list"><thead><tr><th>{{_('line')}}</th><th>{{_('state')}}</th><th>{{_('signal')}}</th><th>{{_('registration')}}</th><th>{{_('sim')}}</th><th>{{_('reason')}}</th></tr></thead><tbody>
  % from web_ui.pages import live_word
  % from web_ui.dashboard_cells import bars
  % from web_ui.live_words import operator_name
  % for name, g in sorted(status['gsm'].items()):
  <tr><td>{{name}}</td><td>{{live_word(_, 'line', g.get('state'))}}</td><td>{{!bars(_, g.get('csq'))}} {{'' if g.get('csq') is None else '%s/31' % g.get('csq')}}</td><td>{{operator_name(_, g.get('operator')) or live_word(_, 'reg', g.get('registration'))}}</td><td>{{live_word(_, 'sim', g.get('sim'))}}</td><td>{{g.get('reason') or ''}}</td></tr>
  % end
  % from web_ui.analog_health import rows as analog_rows
  % for a in analog_rows(_, status):
  <tr class="service-{{a['in_service']}}"><td>{{a['name']}}</td><td>{{a['state']}}</td><td></td><td></td><td></td><td>{{a['service']}}</td></tr>
  % end
  % for name, state in sorted(status['ports'].items()):
  <tr><td>{{name}}</td><td>{{live_word(_, 'port', state)}}</td><td></td><td></td><td></td><td></td></tr>
  % end
  </tbody></table>
</section>
% audio = audio_health
% if audio:
<section class="card" id="audio">
  <h2>{{_('audio_health')}}</h2>
  <p class="hint">{{_('audio_health_hint')}}</p>
  <table class="list"><tbody>
    <tr><th>{{_('audio_frames')}}</th><td>{{audio['frames_out']}}</td></tr>
    <tr><th>{{_('audio_underruns')}}</th><td>{{audio['underruns']}}</td></tr>
    <tr><th>{{_('audio_late')}}</th><td>{{audio['late_ticks']}}</td></tr>
    <tr><th>{{_('audio_longest')}}</th><td>{{audio['max_tick_gap_ms']}} ms</td></tr>
    <tr><th>{{_('audio_cushions')}}</th><td>{{audio['cushions']}}</td></tr>
  </tbody></table>
</section>
% end
% include('notify_outbox.tpl')
% include('voicemail_storage.tpl')
% include('recording_storage.tpl')
<section class="card">
  <h2>{{_('backup')}}</h2>
  <p><a class="button" href="/system/backup">{{_('download_backup')}}</a></p>
  <form method="post" action="/system/restore" enctype="multipart/form-data">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('restore')}} <input type="file" name="file" accept="application/json,.json" required></label>
    <p class="hint">{{_('restore_hint')}}</p>
    <button>{{_('restore_button')}}</button>
  </form>
</section>
<section class="card">
  <h2>{{_('change_password')}}</h2>
  <form method="post" action="/system/password" class="narrow">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('current_password')}} <input type="password" name="current" autocomplete="current-password" required></label>
    <label>{{_('password')}} <input type="password" name="password" autocomplete="new-password" required></label>
    <label>{{_('password_again')}} <input type="password" name="again" autocomplete="new-password" required></label>
    <button>{{_('save')}}</button>
  </form>
</section>
<section class="card">
  <h2>{{_('api_tokens')}}</h2>
  % if new_token:
  <p class="flash ok">{{_('token_once', name=new_token[0])}} <code id="new-token">{{new_token[1]}}</code></p>
  % end
  <ul>
  % for t in tokens:
    <li>{{t['name']}} <form method="post" action="/system/tokens" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="name" value="{{t['name']}}"><button name="remove" value="1" class="link danger">{{_('delete')}}</button></form></li>
  % end
  </ul>
  <form method="post" action="/system/tokens">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('token_name')}} <input name="name" required maxlength="40"></label>
    <button>{{_('make_token')}}</button>
  </form>
  <p class="hint">{{_('api_hint')}} <a href="/api/openapi.json">/api/openapi.json</a></p>
</section>
<section class="card">
  <h2>{{_('advanced')}}</h2>
  <p>
  % from web_ui.messages import MESSAGES as section_words
  % for s in sections:
  <a href="/config/{{s}}">{{_('sec_' + s) if ('sec_' + s) in section_words else s}}</a>
  % end
  </p>
</section>
<section class="card danger-zone">
  <h2>{{_('factory_reset')}}</h2>
  <p>{{_('reset_clears')}}</p>
  <p id="reset-backup">{{_('reset_backup_first')}} <a class="button" href="/system/backup">{{_('download_backup')}}</a></p>
  <form method="post" action="/system/reset">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{_('type_reset')}} <input name="confirm" autocomplete="off" autocapitalize="characters" spellcheck="false"></label>
    <p class="hint">{{_('reset_word_hint')}}</p>
    <button class="danger">{{_('factory_reset')}}</button>
  </form>
</section>
