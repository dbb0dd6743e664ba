"""Why a `notifications` section was refused (validate_notify.py): catalogue entries
added to reasons.REASONS (their Chinese: web_ui/messages_notify.py)."""

NOTIFY_REASONS: dict[str, str] = {
    "not_email": '"{value}" is not an e-mail address like "owner@example.com"',
    "not_host": '"{value}" is not a server name or address like "smtp.example.com"',
    "too_many_recipients": "{count} recipients: at most {max}",
    "notify_needs_smtp": "e-mail notifications need the SMTP server: its host and the "
                         "from address",
    "notify_needs_emails": "e-mail notifications need at least one e-mail address to send to",
    "notify_needs_sms_numbers": "SMS notifications need at least one mobile number to send to",
    "password_needs_user": "a password needs the user name too",
}
