"""Factory reset from the System page and the API (issue 9 §1).

The owner types the word the page asks for, exactly (`WORD`, capitals and all: "reset"
or " RESET" is refused); the page offers the backup download first. Then the box
forgets what is the owner's (`BoxService.factory_reset`, firmware/reset.py: config,
call records, agents' availability and ring groups' positions, returning callers,
this month's cap counters), and the page forgets the password, the API tokens and
every session: the next visit is a first run. `POST /api/factory-reset` with
`{"confirm": "RESET"}` does the same for a script.
"""

from __future__ import annotations

from typing import Any

import bottle

from firmware.service import BadQuery
from web_ui import api
from web_ui.app import Web
from web_ui.messages_reasons import form_reason

WORD = "RESET"


def confirmed(value: Any) -> bool:
    """Only the exact word counts."""
    return isinstance(value, str) and value == WORD


def reset_everything(web: Web) -> dict[str, Any]:
    """The box first (if it refuses or does not answer, the owner keeps the password),
    then the page's own: password, tokens, sessions."""
    result = web.service.factory_reset()
    web.owner.forget()
    web.sessions.drop_all()
    return result


def install(app: bottle.Bottle, web: Web) -> None:
    @app.post("/api/factory-reset")
    def factory_reset_api() -> Any:
        def run() -> Any:
            body = api._body()
            if not isinstance(body, dict) or not confirmed(body.get("confirm")):
                raise BadQuery("confirm", form_reason("type_reset"))
            return {"reset": True, **reset_everything(web)}

        return api._guarded(run)
