"""The notifier in the running box: its SMS lines, its bus handler, its control ops.

firmware/box.py calls `start_notifier(box)` once the call core runs and
`stop_notifier(box)` before it stops; `control_ops(box)` are the control socket's
"notify.*" ops the web page uses through firmware/service.py:

- "notify.status": the outbox (pending, failed with reasons, sent, missed calls
  waiting for their batch);
- "notify.retry" {"id": n or absent}: retry now, one or all;
- "notify.test" {"to": address or absent}: send a test e-mail and say how it went.

An SMS goes out on an outside line with the "sms" feature (firmware/lines/model.py);
until the lines are all in that registry, the box's GSM lines (all can send SMS). A
line that is on a call is not used: the SMS waits until one is free.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from firmware.calls.finished import CallFinished
from firmware.notify.notifier import NoSmsLine, Notifier, SmsLinesBusy
from firmware.notify.outbox import read_state, remove_outbox
from firmware.notify.recovered import tell_recovered

log = logging.getLogger("switchboard.notify")


def sms_lines(box: Any) -> list[Any]:
    registry = getattr(box, "lines", None)
    if registry is not None and hasattr(registry, "with_feature"):
        return list(registry.with_feature("sms"))
    return [line for _, line in sorted(getattr(box, "gsm", {}).items())]


def _in_service(line: Any) -> bool:
    """The GSM driver's own state ("ready"), else the line model's (`status_dict`:
    anything but "fault")."""
    state = getattr(getattr(line, "status", None), "state", None)
    if state is not None:
        return state == "ready"
    status_dict = getattr(line, "status_dict", None)
    return status_dict().get("state") != "fault" if callable(status_dict) else True


def _free(line: Any) -> bool:
    available = getattr(line, "available", None)
    if callable(available):
        return bool(available())
    return getattr(line, "call", None) is None


def box_sms_sender(box: Any) -> Any:
    """`send(number, text)` on the first free SMS line of the box."""

    async def send(number: str, text: str) -> None:
        lines = [line for line in sms_lines(box) if _in_service(line)]
        if not lines:
            raise NoSmsLine("no line that can send SMS is in service")
        free = next((line for line in lines if _free(line)), None)
        if free is None:
            raise SmsLinesBusy("every line that can send SMS is on a call")
        await free.send_sms(number, text)

    return send


def subscribe(bus: Any, notifier: Notifier) -> list[Any]:
    """The notifier listens to the bus: calls that ended, voicemail left, caller SMS
    wanted (firmware/notify/__init__.py). The unsubscribe functions."""
    from firmware.notify import CallerSmsWanted, VoicemailLeft, VoicemailStorageFull

    return [bus.subscribe(notifier.on_call_finished, CallFinished),
            bus.subscribe(lambda e: notifier.voicemail(e.meta, e.wav_path), VoicemailLeft),
            bus.subscribe(lambda e: notifier.caller_sms(e.number, e.text), CallerSmsWanted),
            bus.subscribe(lambda e: notifier.voicemail_storage(e.deleted, e.limit_mb),
                          VoicemailStorageFull)]


async def start_notifier(box: Any) -> Notifier | None:
    """Start the box's notifier; one that cannot start (its file unwritable) is logged
    and the box runs on without it: calls matter more than notices about them."""
    notifier = Notifier(box.data_dir, box.store.load, box.clock, box_sms_sender(box))
    try:
        await notifier.start()
    except Exception:
        log.exception("notifications cannot start; the box runs without them")
        box.notifier = None
        return None
    box.notifier = notifier
    await tell_recovered(notifier, getattr(box, "cdr", None))  # calls a crash left open
    loop = asyncio.get_running_loop()
    box._notify_unsubscribe = [
        *subscribe(box.bus, notifier),
        # a settings change applies at once (a shorter batch window, say)
        box.store.on_change(lambda _config: loop.call_soon_threadsafe(notifier.wake))]
    return notifier


async def stop_notifier(box: Any) -> None:
    for unsubscribe in getattr(box, "_notify_unsubscribe", None) or []:
        unsubscribe()
    box._notify_unsubscribe = []
    notifier = getattr(box, "notifier", None)
    if notifier is not None:
        await notifier.stop()
        box.notifier = None


async def clear_notifications(box: Any) -> None:
    """A factory reset: the running notifier forgets its outbox (or, with none running,
    the outbox's files go)."""
    notifier = getattr(box, "notifier", None)
    if notifier is not None:
        await notifier.clear()
    else:
        await asyncio.to_thread(remove_outbox, box.data_dir)


def control_ops(box: Any) -> dict[str, Any]:
    """The ops of the box's notifier (`box.notifier`, once started)."""
    def notifier() -> Notifier:
        found = getattr(box, "notifier", None)
        if found is None:
            raise RuntimeError("notifications are not running")
        return found

    return _ops(notifier)


def notifier_ops(notifier: Notifier) -> dict[str, Any]:
    """The same ops on one notifier (the facade in the box's own process)."""
    return _ops(lambda: notifier)


def _ops(notifier: Any) -> dict[str, Any]:
    async def status(args: dict[str, Any]) -> dict[str, Any]:
        return await asyncio.to_thread(read_state, notifier().path)

    async def retry(args: dict[str, Any]) -> dict[str, Any]:
        ident = args.get("id")
        if ident is not None and (not isinstance(ident, int) or isinstance(ident, bool)):
            raise ValueError("id: expected a whole number")
        return {"retried": await notifier().retry(ident)}

    async def test(args: dict[str, Any]) -> dict[str, Any]:
        to = args.get("to")
        if to is not None and not isinstance(to, str):
            raise ValueError("to: expected an e-mail address")
        return await notifier().send_test(to or None)

    return {"notify.status": status, "notify.retry": retry, "notify.test": test}
