% for r in recs:
%   if r['state'] == 'ready':
<audio controls preload="none" src="{{r['url']}}" title="{{_('rec_play')}}"></audio> <a href="{{r['url']}}?download=1" download>{{_('rec_download')}}</a>
%   else:
<span>{{_('rec_pending')}}</span>
%   end
% end
