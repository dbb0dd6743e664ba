"""The Prompts page and its API: what callers hear (docs/prompts.md, docs/web.md).

The page lists every prompt that plays (the owner's, and the built-in defaults the
owner has not replaced), in Chinese and English, each with a player (HTML5 <audio>
on the WAV), uploads a WAV or MP3 file, speaks a typed text, deletes the owner's
prompts, and sets which prompts the box says (the config's `prompts` section:
language, greeting per schedule, ringback message).

Uploads and speech run here, in the page's low-priority process (sox, espeak-ng),
through `BoxService.prompts()`; the box plays the files from the next call on. A
refusal names the field (file, text, name, lang) with a reason in the owner's
language, and nothing is stored. A prompt the config names is not deleted while no
default of its name would be left: the refusal names where it is used.

API (JSON; errors as everywhere in docs/web.md):
- `GET /api/prompts`: {"prompts": [...], "languages", "limits"}
- `GET /api/prompts/{lang}/{name}`: one prompt; `GET /api/prompts/{lang}/{name}/audio`:
  its WAV (audio/wav, 8 kHz mono 16-bit)
- `POST /api/prompts`: multipart/form-data (name, lang, file): an upload; or JSON
  {"name", "lang", "text"}: speak the text. 201 with the prompt; 422 refused.
- `DELETE /api/prompts/{lang}/{name}`: 200; 404 unknown; 409 a default alone, or used.
- The config's `prompts` section: `GET|PUT /api/prompt-settings`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import bottle

from firmware.service import (
    PROMPT_LANGUAGES,
    PROMPT_MAX_BYTES,
    PROMPT_MAX_SECONDS,
    PROMPT_MAX_TEXT,
    PromptError,
    PromptInUse,
    UnknownPrompt,
)
from web_ui import api, pages
from web_ui import app as core
from web_ui.app import Web

HERE = "/prompts"
NUMBER_NAME = re.compile(r"n\d+")
# the store's fields as the page's error list names them (fld_prompt_* in the catalogue)
PAGE_FIELDS = {"file": "prompt_file", "text": "prompt_text", "name": "prompt_name",
               "lang": "prompt_lang"}
SETTING_FIELDS = ("greeting_open", "greeting_closed", "greeting_holiday", "ringback")


def install(app: bottle.Bottle, web: Web) -> None:
    _install_page(app, web)
    _install_api(app, web)


# --- the page ---------------------------------------------------------------------------


def _install_page(app: bottle.Bottle, web: Web) -> None:
    @app.get(HERE)
    def prompts_page() -> Any:
        return page(web)

    @app.post(f"{HERE}/upload")
    def upload() -> Any:
        form = _form()
        try:
            name, lang = form.get("name", ""), form.get("lang", "")
            web.service.prompts().upload(name, lang, *_file())
        except PromptError as exc:
            return page(web, exc.errors, "upload", form)
        pages.flash("ok", "pr_stored")
        bottle.redirect(f"{HERE}#list")

    @app.post(f"{HERE}/speak")
    def speak() -> Any:
        form = core.form()
        try:
            web.service.prompts().speak(form.get("name", ""), form.get("lang", ""),
                                        form.get("text", ""))
        except PromptError as exc:
            return page(web, exc.errors, "speak", dict(form))
        pages.flash("ok", "pr_stored")
        bottle.redirect(f"{HERE}#list")

    @app.post(f"{HERE}/<lang>/<name>/delete")
    def delete(lang: str, name: str) -> Any:
        try:
            web.service.delete_prompt(name, lang)
        except PromptError as exc:
            return page(web, exc.errors, "list", status=_status(exc))
        pages.flash("ok", "pr_deleted")
        bottle.redirect(f"{HERE}#list")

    @app.post(f"{HERE}/settings")
    def save_settings() -> Any:
        form = core.form()
        section = settings_from_form(form, web.service.config().get("prompts") or {})
        return pages._save(web, {"prompts": section}, None, f"{HERE}#settings",
                           lambda errors: page(web, errors, "settings", section))


def settings_from_form(form: Any, current: dict[str, Any]) -> dict[str, Any]:
    """The `prompts` section from the settings form: an empty choice is null (none)."""
    section = {**current, "language": (form.get("language") or "").strip()}
    for field in SETTING_FIELDS:
        section[field] = (form.get(field) or "").strip() or None
    return section


def page(web: Web, errors: list | None = None, where: str = "",
         draft: dict[str, Any] | None = None, status: int | None = None) -> str:
    """The Prompts page; `errors` go in the card `where`, with what the owner typed."""
    if errors:
        bottle.response.status = status or 422
        errors = [(PAGE_FIELDS.get(field, field), why) for field, why in errors]
    config = web.service.config()
    settings = {**(config.get("prompts") or {}), **(draft or {})} if where == "settings" \
        else config.get("prompts") or {}
    prompts = [_with_links(entry) for entry in web.service.prompts().list()]
    # the settings' choices: every prompt but the numbers (said by the queue, not chosen)
    names = sorted({e["name"] for e in prompts if not NUMBER_NAME.fullmatch(e["name"])})
    return pages.render("prompts", web, prompts=prompts, names=names, settings=settings,
                        errors=errors or [], where=where, draft=draft or {},
                        bad={field for field, _ in errors or []},
                        languages=PROMPT_LANGUAGES, fields=SETTING_FIELDS,
                        max_mib=PROMPT_MAX_BYTES // (1024 * 1024),
                        max_minutes=PROMPT_MAX_SECONDS // 60, max_text=PROMPT_MAX_TEXT,
                        used=_users(web))


def _users(web: Web) -> dict[str, list[str]]:
    section = web.service.config().get("prompts") or {}
    out: dict[str, list[str]] = {}
    for field in SETTING_FIELDS:
        if section.get(field):
            out.setdefault(section[field], []).append(f"prompts.{field}")
    return out


def _with_links(entry: dict[str, Any]) -> dict[str, Any]:
    base = f"/api/prompts/{entry['lang']}/{quote(entry['name'])}"
    return {**entry, "url": base, "audio_url": f"{base}/audio"}


def _form() -> dict[str, Any]:
    """The posted fields; a form bottle cannot read (a broken multipart body, bytes that
    are not UTF-8) has none, so the store names the first field it misses."""
    try:
        return dict(core.form())
    except bottle.HTTPError:
        return {}


def _file() -> tuple[str, Any]:
    """The uploaded file's name and stream (None if no file was sent: the store says
    "file: missing")."""
    try:
        upload = bottle.request.files.get("file")
    except bottle.HTTPError:
        return "", None
    if upload is None or not hasattr(upload, "file"):
        return "", None
    return _filename(upload.raw_filename or ""), upload.file


def _filename(raw: str) -> str:
    """Bottle reads the multipart header as Latin-1; a browser sends UTF-8 (营业时间.mp3)."""
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


# --- the API ----------------------------------------------------------------------------


def _install_api(app: bottle.Bottle, web: Web) -> None:
    @app.get("/api/prompts")
    def list_prompts() -> Any:
        return _answer(lambda: {
            "prompts": [_with_links(e) for e in web.service.prompts().list()],
            "languages": list(PROMPT_LANGUAGES),
            "limits": {"bytes": PROMPT_MAX_BYTES, "seconds": PROMPT_MAX_SECONDS,
                       "text_chars": PROMPT_MAX_TEXT}})

    @app.post("/api/prompts")
    def add_prompt() -> Any:
        return _answer(lambda: _add(web), created=True)

    @app.get("/api/prompts/<lang>/<name>")
    def one_prompt(lang: str, name: str) -> Any:
        return _answer(lambda: _with_links(web.service.prompts().info(name, lang)))

    @app.get("/api/prompts/<lang>/<name>/audio")
    def prompt_audio(lang: str, name: str) -> Any:
        return _answer(lambda: _audio(web, name, lang))

    @app.delete("/api/prompts/<lang>/<name>")
    def delete_prompt(lang: str, name: str) -> Any:
        return _answer(lambda: web.service.delete_prompt(name, lang))

    @app.get("/api/prompt-settings")
    def get_settings() -> Any:
        return _answer(lambda: web.service.config().get("prompts") or {})

    @app.put("/api/prompt-settings")
    def put_settings() -> Any:
        return _answer(lambda: _put_settings(web, api._body()))


def _add(web: Web) -> dict[str, Any]:
    store = web.service.prompts()
    if bottle.request.content_type.startswith("multipart/form-data"):
        form = _form()
        return _with_links(store.upload(form.get("name", ""), form.get("lang", ""), *_file()))
    body = api._body()
    body = body if isinstance(body, dict) else {}  # not an object: "name" is refused first
    return _with_links(store.speak(body.get("name"), body.get("lang"), body.get("text")))


def _audio(web: Web, name: str, lang: str) -> bottle.HTTPResponse:
    store = web.service.prompts()
    store.info(name, lang)  # UnknownPrompt (404), or a bad name or language (422)
    path = store.path(name, lang)
    # static_file: streamed from the file, with Range for the player's seeking
    response = bottle.static_file(path.name, root=str(path.parent), mimetype="audio/wav")
    response.set_header("Content-Disposition", f'inline; filename="{lang}-{name}.wav"')
    return response


def _put_settings(web: Web, value: Any) -> dict[str, Any]:
    config = web.service.config()
    config["prompts"] = value
    web.service.replace_config(config)
    return web.service.config()["prompts"]


def _answer(fn: Any, created: bool = False) -> Any:
    """api._guarded, and the prompts' own refusals: 422 refused input, 404 unknown,
    409 in use or a default alone."""
    try:
        result = api._guarded(fn, ())
    except PromptError as exc:
        return _error(exc, _status(exc))
    if created and isinstance(result, bottle.HTTPResponse) and result.status_code == 200:
        result.status = 201
    return result


def _status(exc: PromptError) -> int:
    if isinstance(exc, UnknownPrompt):
        return 404
    if isinstance(exc, PromptInUse) or exc.reason.code == "prompt_default":
        return 409
    return 422


def _error(exc: PromptError, status: int) -> bottle.HTTPResponse:
    body = {"error": str(exc), "errors": api.error_entries(exc.errors)}
    response = bottle.HTTPResponse(json.dumps(body, ensure_ascii=False), status)
    response.content_type = "application/json"
    return response
