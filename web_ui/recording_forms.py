"""The recording settings: a form on the System page and `GET|PUT /api/recording-settings`.

The form (`POST /system/recording`, the System page's recordings card) edits the
config's `recording` section (docs/config.md): the rules one a line ("all",
"route:NAME", "ring_group:NAME", "agent:ID"), the format, the announcement on or off
and its prompt, the storage limit and the retention days. The box validates it as any
config write: a refusal re-renders the System page (422) with each field named in the
page's language and nothing changed. The API reads and replaces the section as JSON
(422 with every field when refused).
"""

from __future__ import annotations

from typing import Any

import bottle

from firmware.service import Reason
from web_ui import api, pages
from web_ui import app as core
from web_ui.app import Web
from web_ui.messages_reasons import form_reason

HERE = "/system#recording-storage"


def install(app: bottle.Bottle, web: Web) -> None:
    @app.post("/system/recording")
    def save_form() -> Any:
        form = core.form()
        value, problems = section_from_form(form, web.service.config().get("recording") or {})
        if problems:
            return pages._system_page(web, problems)
        return pages._save(web, "recording", value, HERE,
                           lambda errors: pages._system_page(web, errors))

    @app.get("/api/recording-settings")
    def get_settings() -> Any:
        return api._guarded(lambda: web.service.config().get("recording") or {})

    @app.put("/api/recording-settings")
    def put_settings() -> Any:
        return api._guarded(lambda: _put(web, api._body()))


def section_from_form(form: Any, old: dict[str, Any]
                      ) -> tuple[dict[str, Any], list[tuple[str, Reason]]]:
    """The section the form asks for, and the values it could not read (by field)."""
    problems: list[tuple[str, Reason]] = []
    value = dict(old)
    rules = [rule.strip() for rule in form.getall("rule")]
    value["rules"] = ["all"] if "all" in rules else list(dict.fromkeys(r for r in rules if r))
    value["format"] = form.get("format", old.get("format", "mp3"))
    value["announce"] = form.get("announce") == "1"
    value["announcement"] = form.get("announcement", "").strip() or "recorded"
    for name in ("storage_limit_mb", "retention_days"):
        raw = form.get(name, "").strip()
        try:
            value[name] = int(raw)
        except ValueError:
            problems.append((f"recording.{name}", form_reason("not_whole_number",
                                                             value=raw or '""')))
    return value, problems


def _put(web: Web, body: Any) -> dict[str, Any]:
    config = web.service.config()
    config["recording"] = body
    web.service.replace_config(config)  # ConfigError: 422 with every field (api._guarded)
    return web.service.config()["recording"]
