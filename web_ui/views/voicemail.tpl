% rebase('base.tpl', title=_('nav_voicemail'))
<h1>{{_('nav_voicemail')}}</h1>
<p class="hint">{{_('vm_intro', code=code)}}</p>
<p class="hint" id="storage">{{_('vm_storage', used=used_mb, limit=limit_mb)}}</p>
% if storage['warning']:
<p class="flash error" id="storage-warning">{{_('vm_storage_warning', limit=storage['warning'].get('limit_mb', limit_mb), deleted=storage['warning'].get('deleted', 0), time=warned)}}</p>
% end
% if not messages:
<section class="card"><p class="empty">{{_('vm_none')}}</p></section>
% end
% for box in sorted(boxes):
<section class="card" id="box-{{box}}">
  <h2>{{_('vm_box', box=box)}} <small>{{_('vm_box_counts', total=boxes[box]['total'], unheard=boxes[box]['unheard'])}}</small></h2>
  <table class="list voicemail">
    <thead><tr><th>{{_('vm_caller')}}</th><th>{{_('vm_region')}}</th><th>{{_('vm_time')}}</th><th>{{_('vm_duration')}}</th><th>{{_('vm_listen')}}</th><th>{{_('vm_state')}}</th><th></th></tr></thead>
    <tbody>
    % for m in [m for m in messages if m['box'] == box]:
    <tr id="message-{{m['id']}}" class="{{'' if m['heard'] else 'unheard'}}">
      <td>{{m['caller'] or _('vm_withheld')}}</td>
      <td>{{m['region']}}</td>
      <td>{{m['time'][:16].replace('T', ' ')}}</td>
      <td class="duration">{{_('vm_seconds', s='%.1f' % m['duration_s'])}}</td>
      <td><audio controls preload="none" src="{{m['audio_url']}}"></audio></td>
      <td>{{_('vm_heard') if m['heard'] else _('vm_new')}}</td>
      <td>
        <form method="post" action="/voicemail/{{m['id']}}/heard" class="inline">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="heard" value="{{'0' if m['heard'] else '1'}}">
          <button>{{_('vm_mark_new') if m['heard'] else _('vm_mark_heard')}}</button>
        </form>
        <form method="post" action="/voicemail/{{m['id']}}/delete" class="inline">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button>{{_('vm_delete')}}</button>
        </form>
      </td>
    </tr>
    % end
    </tbody>
  </table>
</section>
% end
