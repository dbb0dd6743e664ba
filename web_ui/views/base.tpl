<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · {{company or _('product')}}</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header>
  <a class="brand" href="/">{{company or _('product')}}</a>
  % if logged_in:
  <nav>
    % for href, key in (("/", "nav_dashboard"), ("/staff", "nav_staff"), ("/schedule", "nav_schedule"), ("/rules", "nav_rules"), ("/records", "nav_records"), ("/reports", "nav_reports"), ("/settings", "nav_settings"), ("/feature-codes", "nav_feature_codes"), ("/prompts", "nav_prompts"), ("/voicemail", "nav_voicemail"), ("/system", "nav_system")):
    <a href="{{href}}" class="{{'here' if path == href else ''}}">{{_(key)}}</a>
    % end
  </nav>
  % end
  <span class="tools">
    % if lang == "en":
    <a href="/lang/zh-CN?back={{path}}" lang="zh-CN">中文</a>
    % else:
    <a href="/lang/en?back={{path}}" lang="en">English</a>
    % end
    % if logged_in:
    <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button class="link">{{_('logout')}}</button></form>
    % end
  </span>
</header>
<main>
% for kind, key in flash:
<p class="flash {{kind}}">{{_(key)}}</p>
% end
{{!base}}
</main>
</body>
</html>
