"""The notifier: tells the owner of missed calls and voicemail by e-mail and SMS, and
sends the "nobody available" SMS to a caller (Q3, Q5, Q6).

Wiring (firmware/notify/wiring.py): it listens to `CallFinished` on the bus, reads the
config through `config_fn` at each step (a change applies at once, also to retries),
and sends SMS through `sms_send(number, text)` (an outside line with the "sms"
feature; tests pass a fake).

- A missed call is an inbound call nobody answered (`MISSED_RESULTS`; a call answered
  anywhere, forwarded-and-answered included, is never one). It is kept in the outbox
  and told with the others that arrive within `batch_seconds` of the first: one
  e-mail and one SMS per number for the whole batch.
- Every message goes into the outbox (outbox.py) first, then a pump task sends what is
  due, one at a time: e-mail on a worker thread (smtplib), SMS on the loop through the
  line. A failure is kept with its reason and retried after `RETRY_S` (1, 5, 30 min,
  then every 2 h) until `GIVE_UP_S` (a day; the caller's SMS: 30 min), then shown as
  failed on the System page until the owner retries it.
- Nothing here blocks the event loop: the outbox's SQLite runs on its own thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from firmware.notify import texts
from firmware.notify.email_send import SendFailed, build_email, send_email
from firmware.notify.outbox import (
    Failure,
    Message,
    MissedCall,
    Outbox,
    open_outbox,
    outbox_path,
)

log = logging.getLogger("switchboard.notify")

MISSED_RESULTS = frozenset({"missed", "abandoned", "busy", "failed", "interrupted"})
RETRY_S = (60.0, 300.0, 1800.0)
RETRY_EVERY_S = 7200.0
GIVE_UP_S = 86400.0
CALLER_SMS_GIVE_UP_S = 1800.0  # "nobody available" a day later would be no help
CALLER_SMS_QUIET_S = 3600.0  # one caller gets it at most once an hour
BUSY_RETRY_S = 10.0  # every SMS line is on a call: soon again, not counted as a try
START_GRACE_S = 120.0  # after the start, lines still coming up count as busy, not failed
IDLE_WAKE_S = 60.0  # the pump looks at the outbox at least this often
SmsSend = Callable[[str, str], Awaitable[Any]]
T = TypeVar("T")


class NoSmsLine(Exception):
    """No outside line that can send SMS is in service."""


class SmsLinesBusy(Exception):
    """Every line that can send SMS is on a call now."""


def retry_delay(tries: int) -> float:
    """Seconds before the next try after `tries` failed ones (1 min, 5 min, 30 min, 2 h...)."""
    return RETRY_S[tries - 1] if 0 < tries <= len(RETRY_S) else RETRY_EVERY_S


def is_missed(event: Any) -> bool:
    """An inbound call nobody answered: told to the owner."""
    return event.direction == "in" and event.result in MISSED_RESULTS \
        and not event.answered_by


class Notifier:
    """The box's notifier (see the module docstring); start and stop it on the loop."""

    def __init__(self, data_dir: Path | str, config_fn: Callable[[], Any], clock: Any,
                 sms_send: SmsSend | None = None, *, cafile: str | None = None,
                 smtp_timeout: float = 30.0):
        self.config_fn, self.clock = config_fn, clock
        self.sms_send = sms_send
        self.cafile, self.smtp_timeout = cafile, smtp_timeout
        self.path = outbox_path(data_dir)
        self._db_thread = ThreadPoolExecutor(1, thread_name_prefix="notify-db")
        self.outbox: Outbox | None = None
        self._wake = asyncio.Event()
        self._pump_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._results: dict[int, asyncio.Future[dict[str, Any]]] = {}
        # what `status` shows, refreshed by the pump (never read from disk on the loop)
        self.counts: dict[str, int] = {"pending": 0, "failed": 0, "missed_waiting": 0}
        self._started_ts = float("-inf")  # the box's time at start()

    # --- lifecycle ------------------------------------------------------------------

    async def start(self) -> None:
        self.outbox = await self._db(lambda: open_outbox(self.path))
        self._started_ts = self._now()
        await self.told_since()  # from the first start on, crashed calls are looked for
        self._pump_task = asyncio.create_task(self._pump(), name="notify-pump")
        log.info("notifications: outbox %s", self.path)

    async def stop(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._pump_task is not None:
            self._pump_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump_task
            self._pump_task = None
        if self.outbox is not None:
            await self._db(self.outbox.close)
            self.outbox = None
        self._db_thread.shutdown(wait=True)

    def wake(self) -> None:
        self._wake.set()

    async def _db(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db_thread, fn)

    def _spawn(self, coro: Any) -> None:
        if self.outbox is None:  # stopped (or never started): nothing can be kept now
            coro.close()
            log.warning("notifications are not running; a notice was not kept")
            return
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("notifications: %s", task.exception(), exc_info=task.exception())

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _starting(self) -> bool:
        """The box started less than `START_GRACE_S` ago: its lines may still be coming
        up (a modem's start, stray calls ended first), so a notice due now (one kept
        across the restart, a call the crash left open) waits for them."""
        return self._now() - self._started_ts < START_GRACE_S

    def now_ts(self) -> float:
        """The box's time now (unix seconds)."""
        return self._now()

    async def told_since(self) -> float:
        """Since when the outbox remembers every missed call it kept (outbox.py)."""
        now = self._now()
        return await self._db(lambda: self.outbox.told_since(now))

    async def keep_recovered(self, calls: list[MissedCall]) -> int:
        """Calls a crash left open that nobody answered (recovered.py): kept for the
        batch like any missed call, each once; noted only, while missed-call notices
        are off. How many were kept."""
        notify, _, _ = self._settings()
        tell = bool(notify.missed_calls.any)
        kept = 0
        for call in calls:
            kept += await self._db(lambda c=call: self.outbox.add_missed(c, told=tell))
        if kept:
            log.info("notifications: %d call(s) the last stop left unanswered kept for "
                     "the owner", kept)
            self.wake()
        return kept

    def _settings(self) -> tuple[Any, str, str]:
        config = self.config_fn()
        return config.notifications, config.settings.company_name, config.settings.timezone

    # --- what happens --------------------------------------------------------------

    def on_call_finished(self, event: Any) -> None:
        """Bus handler (on the loop): a missed call is kept for its batch."""
        if not is_missed(event):
            return
        notify, _, _ = self._settings()
        if not notify.missed_calls.any:
            return
        region = event.region
        call = MissedCall(call_id=event.call_id or f"call-{self._now()}",
                          at_ts=event.ended_at.timestamp() - event.ring_s,
                          caller="" if region.kind == "withheld" or not event.caller
                          else (region.e164 or event.caller),
                          region=region.region_text, line=event.line, result=event.result,
                          ring_s=event.ring_s, ended_ts=event.ended_at.timestamp())
        log.info("notifications: missed call from %s kept for the owner",
                 call.caller or "a withheld number")
        self._spawn(self._keep_missed(call))

    async def _keep_missed(self, call: MissedCall) -> None:
        await self._db(lambda: self.outbox.add_missed(call))
        self.wake()

    def voicemail(self, meta: dict[str, Any], wav_path: str | Path) -> None:
        """A new voicemail message (on the loop): e-mail with the WAV, and/or an SMS."""
        notify, company, zone = self._settings()
        if not notify.voicemail.any:
            return
        subject, body, sms = texts.voicemail_texts(meta, notify.language, company, zone)
        messages = []
        if notify.voicemail.email and notify.emails:
            messages.append(Message("voicemail", "email", notify.emails, body, subject,
                                    str(wav_path)))
        if notify.voicemail.sms:
            messages += [Message("voicemail", "sms", (n,), sms) for n in notify.sms_numbers]
        self._spawn(self._add(messages, GIVE_UP_S))

    def voicemail_storage(self, deleted: int, limit_mb: int) -> None:
        """The voicemail storage limit made the box delete old messages: told where new
        voicemail is told (e-mail and/or SMS)."""
        notify, company, _zone = self._settings()
        if not notify.voicemail.any:
            return
        subject, text = texts.storage_texts(notify.language, company, deleted, limit_mb)
        messages = []
        if notify.voicemail.email and notify.emails:
            messages.append(Message("voicemail", "email", notify.emails, text, subject))
        if notify.voicemail.sms:
            messages += [Message("voicemail", "sms", (n,), text) for n in notify.sms_numbers]
        self._spawn(self._add(messages, GIVE_UP_S))

    def caller_sms(self, number: str, text: str | None = None) -> bool:
        """Queue the "nobody available" SMS to `number` (E.164, a mobile: the caller of
        `nobody_available_sms`, caller_sms.py, checks it); False when the text is empty."""
        notify, _, _ = self._settings()
        text = notify.caller_sms_text if text is None else text
        if not text.strip():
            return False
        self._spawn(self._add_caller_sms(number, text.strip()))
        return True

    async def _add_caller_sms(self, number: str, text: str) -> None:
        now = self._now()
        if not await self._db(lambda: self.outbox.caller_sms_due(number, now,
                                                                  CALLER_SMS_QUIET_S)):
            log.info("notifications: %s had the caller SMS within the hour; not again", number)
            return
        await self._add([Message("caller_sms", "sms", (number,), text)], CALLER_SMS_GIVE_UP_S)

    async def _add(self, messages: list[Message], give_up_after: float) -> list[int]:
        now = self._now()
        ids = [await self._db(lambda m=m: self.outbox.add(m, now, give_up_after))
               for m in messages]
        self.wake()
        return ids

    async def send_test(self, to: str | None = None, wait_s: float = 38.0) -> dict[str, Any]:
        """A test e-mail to the owner's addresses (or `to`), tried at once; its state
        after the first try (or after `wait_s`): {"id", "state", "error"}."""
        notify, company, _ = self._settings()
        recipients = (to,) if to else notify.emails
        if not recipients:
            return {"id": None, "state": "failed",
                    "error": {"code": "no_recipients", "params": {},
                              "text": "no e-mail address to send to (notifications.emails)"}}
        subject, body = texts.test_email(notify.language, company)
        [ident] = await self._add([Message("test", "email", tuple(recipients), body, subject)],
                                  GIVE_UP_S)
        waiter = asyncio.get_running_loop().create_future()
        self._results[ident] = waiter
        try:
            return await asyncio.wait_for(waiter, wait_s)
        except TimeoutError:
            return await self._db(lambda: self.outbox.state_of(ident)) or {}
        finally:
            self._results.pop(ident, None)

    async def clear(self) -> None:
        """A factory reset: the old owner's notices and callers are forgotten."""
        await self._db(self.outbox.clear)
        self.counts = await self._db(self.outbox.counts)

    async def retry(self, ident: int | None = None) -> int:
        """The owner's "retry now": pending and failed messages (or one) are due now."""
        now = self._now()
        count = await self._db(lambda: self.outbox.retry(now, ident))
        self.wake()
        return count

    # --- the pump ------------------------------------------------------------------

    async def _pump(self) -> None:
        while True:
            self._wake.clear()  # before looking: a wake while looking is not lost
            try:
                await self._flush_batch()
                while (message := await self._db(lambda: self.outbox.due(self._now()))):
                    await self._send(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("notifications: the outbox pump failed; trying again")
            with contextlib.suppress(Exception):
                self.counts = await self._db(self.outbox.counts)
            await self._sleep()

    async def _sleep(self) -> None:
        waits = [IDLE_WAKE_S]
        next_due = await self._db(self.outbox.next_due)
        first = await self._db(self.outbox.first_missed)
        now = self._now()
        if next_due is not None:
            waits.append(next_due - now)
        if first is not None:
            waits.append(first + self._settings()[0].batch_seconds - now)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), max(0.0, min(waits)))

    async def _flush_batch(self) -> None:
        """The missed calls become messages once `batch_seconds` passed since the first."""
        first = await self._db(self.outbox.first_missed)
        notify, company, zone = self._settings()
        now = self._now()
        if first is None or now < first + notify.batch_seconds:
            return

        def messages(calls: list[MissedCall]) -> list[Message]:
            return missed_messages(calls, notify, company, zone)

        count = await self._db(lambda: self.outbox.take_missed(messages, now, GIVE_UP_S))
        log.info("notifications: %d missed call(s) told in one batch", count)

    async def _send(self, message: Message) -> None:
        assert message.id is not None
        try:
            if message.channel == "email":
                await self._send_email(message)
            else:
                await self._send_sms(message)
        except SmsLinesBusy as exc:
            await self._failed(message, Failure("sms_lines_busy", {}, str(exc)), count=False)
        except SendFailed as exc:
            await self._failed(message, _failure(exc))
        except NoSmsLine as exc:
            await self._failed(message, Failure("no_sms_line", {}, str(exc)),
                               count=not self._starting())
        except Exception as exc:  # a modem's refusal, a line that vanished, a bug
            code = "sms_failed" if message.channel == "sms" else "send_failed"
            await self._failed(message, Failure(code, {"error": str(exc)},
                                                f"not sent: {exc}"))
        else:
            now = self._now()
            await self._db(lambda: self.outbox.sent(message.id, now))
            log.info("notifications: %s %s sent to %s", message.kind, message.channel,
                     ", ".join(message.recipients))
            self._result(message.id)

    async def _send_email(self, message: Message) -> None:
        notify, company, _ = self._settings()
        smtp = notify.smtp
        msg = await asyncio.to_thread(build_email, smtp, list(message.recipients),
                                      message.subject, message.body, message.attachment,
                                      company)
        await asyncio.to_thread(send_email, smtp, msg, self.cafile, self.smtp_timeout)

    async def _send_sms(self, message: Message) -> None:
        if self.sms_send is None:
            raise NoSmsLine("the box has no line that can send SMS")
        for number in message.recipients:
            await self.sms_send(number, message.body)

    async def _failed(self, message: Message, failure: Failure, count: bool = True) -> None:
        now = self._now()
        tries = message.tries + (1 if count else 0)
        next_ts = now + (retry_delay(tries) if count else BUSY_RETRY_S)
        if next_ts > message.give_up_ts:
            next_ts = None
        await self._db(lambda: self.outbox.failed(message.id, now, failure, next_ts, count))
        log.warning("notifications: %s %s to %s failed (%s); %s", message.kind,
                    message.channel, ", ".join(message.recipients), failure.text,
                    "given up" if next_ts is None else f"again in {next_ts - now:.0f} s")
        self._result(message.id)

    def _result(self, ident: int) -> None:
        waiter = self._results.get(ident)
        if waiter is not None and not waiter.done():
            self._spawn(self._resolve(ident, waiter))

    async def _resolve(self, ident: int, waiter: asyncio.Future[dict[str, Any]]) -> None:
        state = await self._db(lambda: self.outbox.state_of(ident))
        if not waiter.done():
            waiter.set_result(state or {})


def missed_messages(calls: list[MissedCall], notify: Any, company: str, zone: str
                    ) -> list[Message]:
    """The batch's e-mail (to every address) and SMS (one per number)."""
    out = []
    if notify.missed_calls.email and notify.emails:
        subject, body = texts.missed_email(calls, notify.language, company, zone)
        out.append(Message("missed_calls", "email", tuple(notify.emails), body, subject))
    if notify.missed_calls.sms:
        text = texts.missed_sms(calls, notify.language, company, zone)
        out += [Message("missed_calls", "sms", (n,), text) for n in notify.sms_numbers]
    return out


def _failure(exc: SendFailed) -> Failure:
    return Failure(exc.code, dict(exc.params), str(exc))
