% s = rec_storage
% r = s.get('section') or {}
<section class="card" id="recording-storage">
  <h2>{{_('rec_storage_title')}}</h2>
  % if not s['enabled']:
  <p>{{_('rec_off')}}</p>
  % end
  <p>{{_('rec_count', n=s['count'])}}. {{_('rec_storage_used', used=s['used_mb'], limit=s['limit_mb'], days=_('rec_days', n=s['days']) if s['days'] else _('rec_days_forever'))}} <a href="/records">{{_('nav_records')}}</a></p>
  % if s['warning']:
  <div class="errors" role="alert"><p>{{_('rec_warning', limit=s['warning'].get('limit_mb', s['limit_mb']), n=s['warning'].get('deleted', 0), at=s['warned'])}}</p></div>
  % end
  <form method="post" action="/system/recording" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    % chosen = set(r.get('rules') or [])
    <fieldset><legend>{{_('fld_rules')}}</legend>
      <label><input type="checkbox" name="rule" value="all" {{'checked' if 'all' in chosen else ''}}> {{_('rec_rule_all')}}</label>
      % for kind, items in s.get('choices') or []:
      <p>{{_('rec_rule_' + kind)}}:
        % for rule, label in items:
        <label><input type="checkbox" name="rule" value="{{rule}}" {{'checked' if rule in chosen else ''}}> {{label}}</label>
        % end
      </p>
      % end
      <small>{{_('rec_rules_hint')}}</small>
    </fieldset>
    <label>{{_('fld_format')}} <select name="format">
      % for f in ('mp3', 'opus', 'wav'):
      <option value="{{f}}" {{'selected' if r.get('format', 'mp3') == f else ''}}>{{_('rec_format_' + f)}}</option>
      % end
    </select></label>
    <label><input type="checkbox" name="announce" value="1" {{'checked' if r.get('announce') else ''}}> {{_('rec_announce_box')}}</label>
    <label>{{_('fld_announcement')}} <input name="announcement" value="{{r.get('announcement', 'recorded')}}" size="20"></label>
    <label>{{_('fld_storage_limit_mb')}} <input name="storage_limit_mb" value="{{r.get('storage_limit_mb', 1000)}}" size="8" inputmode="numeric"></label>
    <label>{{_('fld_retention_days')}} <input name="retention_days" value="{{r.get('retention_days', 90)}}" size="5" inputmode="numeric"></label>
    <small>{{_('rec_retention_hint')}}</small>
    <button>{{_('rec_save')}}</button>
  </form>
</section>
