"""The hold queue on the page (issue 12, Q1/Q2): the callback list's JSON API and the
dashboard's "mark done" button. The live queue itself is in /api/status ("queues",
the box's status) and drawn by views/queue_card.tpl and static/queue.js.

- `GET /api/callbacks[?state=open|done]`: {"callbacks": [entry...]} newest first
  (firmware/calls/callbacks.py);
- `POST /api/callbacks/<id>/done`: the entry, marked done; 404 when there is no such
  request, 400 when `<id>` is not a whole number;
- `POST /callbacks/<id>/done` (the dashboard's form): the same, then back to "/".
"""

from __future__ import annotations

from typing import Any

import bottle

from firmware.calls.callbacks import NoSuchCallback
from firmware.service import BadQuery
from web_ui import app as core
from web_ui.api import _guarded, _json
from web_ui.app import Web
from web_ui.messages_reasons import form_reason
from web_ui.pages import flash

STATES = ("open", "done")


def install(app: bottle.Bottle, web: Web) -> None:
    service = web.service

    @app.get("/api/callbacks")
    def callbacks() -> Any:
        return _guarded(lambda: {"callbacks": _listing(service, core.query().get("state"))},
                        ("state",))

    @app.post("/api/callbacks/<ident>/done")
    def callback_done(ident: str) -> Any:
        try:
            return _guarded(lambda: service.callback_done(_ident(ident)))
        except NoSuchCallback as exc:
            return _json({"error": str(exc)}, 404)

    @app.post("/callbacks/<ident>/done")
    def callback_done_form(ident: str) -> Any:
        try:
            service.callback_done(_ident(ident))
        except (BadQuery, NoSuchCallback):
            bottle.abort(404, "no such callback request")
        flash("ok", "callback_marked_done")
        bottle.redirect("/")


def _listing(service: Any, state: str | None) -> list[dict[str, Any]]:
    if state is not None and state not in STATES:
        raise BadQuery("state", form_reason("not_callback_state", value=state,
                                            choices=list(STATES)))
    return [e for e in service.callbacks() if state is None or e.get("state") == state]


def _ident(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise BadQuery("id", form_reason("not_callback_id", value=text))
    return int(text)


def open_callbacks(service: Any) -> list[dict[str, Any]]:
    """The requests still to call back, for the dashboard (never fails the page)."""
    try:
        return [e for e in service.callbacks() if e.get("state") == "open"]
    except Exception:  # an unreadable list is logged where it is read
        return []
