"""The notification settings form -> the config's `notifications` section, and the
SMTP password kept secret like the SIM PIN (web_ui/settings_forms.py).

Only shape is checked here (a port or a number of seconds that is not a whole number);
addresses, numbers and what needs what are the config validator's
(firmware/config/validate_notify.py), so the page and the API refuse the same things
with the same words, named at the config's field (`notifications.emails[1]`).

The password is never put back into a page or an API answer: `mask_password` shows a
set one as `PASSWORD_MASK`; a password field left empty (the form) or sent as
`PASSWORD_MASK` (JSON) keeps the stored one (`keep_password`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from firmware.service import EMAIL_RE, BadQuery, is_digits
from web_ui.messages_reasons import form_reason

__all__ = ["EMAIL_RE", "PASSWORD_MASK", "draft", "keep_in_config", "keep_password",
           "mask_in_config", "mask_password", "section"]

PASSWORD_MASK = "********"
SECURITY = ("tls", "starttls", "none")
LANGUAGES = ("zh", "en")
_SPLIT = re.compile(r"[\s,;，；、]+")


def _text(form: Mapping[str, Any], name: str) -> str:
    return str(form.get(name) or "").strip()


def split_list(text: str) -> list[str]:
    """"a@b.cn, c@d.cn" or one a line -> ["a@b.cn", "c@d.cn"]."""
    return [item for item in _SPLIT.split(text or "") if item]


def _whole(form: Mapping[str, Any], name: str, field: str, empty: Any) -> Any:
    value = _text(form, name)
    if not value:
        return empty
    if not is_digits(value, 1, 9):  # longer: the validator says the range
        raise BadQuery(field, form_reason("not_whole_number", value=value))
    return int(value)


def section(form: Mapping[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The `notifications` section from the form over `current` (the stored one)."""
    new = copy.deepcopy(current)
    smtp = dict(new.get("smtp") or {})
    smtp.update(host=_text(form, "smtp_host"), security=_text(form, "smtp_security") or "tls",
                user=_text(form, "smtp_user"), from_address=_text(form, "smtp_from"),
                verify_certificate=bool(form.get("smtp_verify")),
                port=_whole(form, "smtp_port", "notifications.smtp.port", None))
    password = str(form.get("smtp_password") or "")
    if form.get("smtp_clear_password"):
        smtp["password"] = ""
    elif password:
        smtp["password"] = password
    new["smtp"] = smtp
    new["emails"] = split_list(_text(form, "emails"))
    new["sms_numbers"] = split_list(_text(form, "sms_numbers"))
    for event in ("missed_calls", "voicemail"):
        new[event] = {"email": bool(form.get(f"{event}_email")),
                      "sms": bool(form.get(f"{event}_sms"))}
    new["batch_seconds"] = _whole(form, "batch_seconds", "notifications.batch_seconds", 0)
    new["language"] = _text(form, "language") or "zh"
    new["caller_sms_text"] = _text(form, "caller_sms_text")
    return new


def mask_password(value: Any) -> Any:
    """The section with a set password shown as PASSWORD_MASK (a copy)."""
    if not isinstance(value, dict) or not isinstance(value.get("smtp"), dict):
        return value
    shown = copy.deepcopy(value)
    if shown["smtp"].get("password"):
        shown["smtp"]["password"] = PASSWORD_MASK
    return shown


def keep_password(value: Any, current: Any) -> Any:
    """`value` (a section sent back) with PASSWORD_MASK replaced by the stored password."""
    if not isinstance(value, dict) or not isinstance(value.get("smtp"), dict):
        return value
    if value["smtp"].get("password") != PASSWORD_MASK:
        return value
    kept = copy.deepcopy(value)
    stored = (current or {}).get("smtp") or {}
    kept["smtp"]["password"] = stored.get("password", "") if isinstance(stored, dict) else ""
    return kept


def draft(form: Mapping[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """What the owner typed, to show again with the reasons (never the password)."""
    try:
        shown = section(form, stored)
    except BadQuery:
        shown = section({k: v for k, v in form.items()
                         if k not in ("smtp_port", "batch_seconds")}, stored)
        shown["smtp"]["port"] = _text(form, "smtp_port")
        shown["batch_seconds"] = _text(form, "batch_seconds")
    return mask_password({**shown, "smtp": {**shown["smtp"],
                                            "password": stored.get("smtp", {}).get("password",
                                                                                   "")}})


def mask_in_config(config: Any) -> Any:
    """A whole config (the backup) with its SMTP password masked."""
    if not isinstance(config, dict) or "notifications" not in config:
        return config
    return {**config, "notifications": mask_password(config["notifications"])}


def keep_in_config(config: Any, current: dict[str, Any]) -> Any:
    """A whole config (a restored backup) whose masked password is the box's own."""
    if not isinstance(config, dict) or "notifications" not in config:
        return config
    return {**config, "notifications": keep_password(config["notifications"],
                                                     current.get("notifications"))}
