"""Words of the page's defences (docs/web.md "Security"): key -> (English, Simplified
Chinese), merged into web_ui/messages.py `MESSAGES` at its end."""

SECURITY_MESSAGES: dict[str, tuple[str, str]] = {
    "err_too_large": ("The request is too large (at most 3 MiB); nothing was changed.",
                      "请求过大（最多 3 MiB），没有任何改动。"),
    "err_bad_length": ("The request's Content-Length is not a whole number.",
                       "请求的 Content-Length 不是整数。"),
    "err_token_wait": ("Too many wrong API tokens from this address; try again after the "
                       "Retry-After seconds.",
                       "来自此地址的错误 API 令牌过多，请在 Retry-After 指定的秒数之后再试。"),
    "login_unlock_hint": ("Locked out? On the box's console: switchboard web unlock (or "
                          "switchboard web password to set a new password).",
                          "无法登录？请在本机控制台运行 switchboard web unlock（或运行 "
                          "switchboard web password 设置新密码）。"),
}
