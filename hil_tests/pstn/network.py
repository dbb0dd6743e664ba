"""The emulated mobile network: subscribers, calls, routing, forwarding.

It connects three kinds of ends: subscribers (scripted phones out in the
network), the box's SIMs (emulated modems) and, for box-to-box calls, the box
itself on both sides. Everything runs under `lock` (an RLock shared with the
modems and the scheduler), so a command handler, a timer and an HTTP request
each see one consistent world. Callers of the public methods hold the lock.

Routing of a dialled number (`resolve`): a box SIM first follows its call
forwarding (unconditional; busy; not reachable), then rings if it can; any
other number must be a registered subscriber, or the call fails with cause 1
(unassigned number).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, fields
from typing import Any

from hil_tests.pstn import audio_support
from hil_tests.pstn.calls import CLI_VALIDITY, DEFAULT_CAUSE, Call, Subscriber, check_number
from hil_tests.pstn.calls import number_key as key
from hil_tests.pstn.eventlog import EventLog
from hil_tests.pstn.recording import KEEP_ENDED
from hil_tests.pstn.scheduler import Scheduler

MAX_FORWARD_HOPS = 5
CAUSE_LINK_LOST = 41


class Conflict(RuntimeError):
    """The request does not fit the current state (HTTP 409)."""


@dataclass
class NetConfig:
    """Network timings (seconds); POST /config changes them at run time."""

    setup_s: float = 0.5          # ATD until the callee alerts (or busy/unreachable)
    no_answer_s: float = 30.0     # alerting callee released with cause 19
    ring_timeout_s: float = 60.0  # unanswered call into the box released with cause 19

    def update(self, body: dict) -> None:
        for f in fields(self):
            if f.name in body:
                value = body[f.name]
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise ValueError(f"{f.name}: must be a number >= 0")
                setattr(self, f.name, float(value))


class Network:
    """Owns the world lock, the scheduler, the subscribers and every call."""

    def __init__(self, log: EventLog, config: NetConfig | None = None):
        self.lock = threading.RLock()
        self.log = log
        self.sched = Scheduler(self.lock, log)
        self.config = config or NetConfig()
        self.subscribers: dict[str, Subscriber] = {}
        self.calls: dict[str, Call] = {}
        self.modems: list[Any] = []
        self.lines: list[Any] = []  # the box's analog lines (exchange.AnalogLine)
        self._ids = itertools.count(1)
        self._recorded: deque[Call] = deque()  # calls whose recordings are kept

    # --- lookups ----------------------------------------------------------

    def modem(self, mid: str) -> Any:
        for m in self.modems:
            if mid in (m.imei, m.number) or key(mid) == key(m.number):
                return m
        raise KeyError(f"no modem {mid!r} (modems: {', '.join(m.imei for m in self.modems)})")

    def modem_by_number(self, number: str) -> Any:
        return next((m for m in self.modems if key(m.number) == key(number)), None)

    def line(self, lid: str) -> Any:
        for line in self.lines:
            if lid == line.id or key(lid) == key(line.number):
                return line
        raise KeyError(f"no line {lid!r} (lines: {', '.join(x.id for x in self.lines) or 'none'})")

    def line_by_number(self, number: str) -> Any:
        from hil_tests.pstn.exchange import same_number

        return next((x for x in self.lines if same_number(x.number, number)), None)

    def call(self, cid: str) -> Call:
        if cid not in self.calls:
            raise KeyError(f"no call {cid!r}")
        return self.calls[cid]

    def live_calls(self, modem: Any = None) -> list[Call]:
        return [c for c in self.calls.values()
                if c.live and c.idx is not None and (modem is None or c.modem is modem)]

    # --- subscribers ------------------------------------------------------

    def add_subscriber(self, body: dict) -> Subscriber:
        sub = Subscriber.from_body(body)
        if self.modem_by_number(sub.number) is not None:
            raise Conflict(f"number: {sub.number} is a box SIM, not a subscriber")
        self.subscribers[key(sub.number)] = sub
        self.log.add("subscriber", **sub.to_dict())
        return sub

    # --- routing ----------------------------------------------------------

    def resolve(self, number: str, via: list[str]) -> tuple[str, Any]:
        """Where a call to `number` goes: ("modem", m) | ("subscriber", s) | ("end", cause)."""
        line = self.line_by_number(number)
        if line is not None:
            return self._resolve_line(line, via)
        m = self.modem_by_number(number)
        if m is None:
            sub = self.subscribers.get(key(number))
            return ("subscriber", sub) if sub is not None else ("end", 1)
        if len(via) >= MAX_FORWARD_HOPS:
            return "end", 25
        target = m.forward_target(reachable=m.reachable(), busy=bool(self.live_calls(m)))
        if target is not None:
            via.append(m.number)
            self.log.add("call_forwarded", modem=m.imei, by=m.number, to=target[1],
                         reason=target[0])
            return self.resolve(target[1], via)
        if not m.reachable():
            return "end", 20
        if self.live_calls(m):
            return "end", 17
        return "modem", m

    def _resolve_line(self, line: Any, via: list[str]) -> tuple[str, Any]:
        """An analog line: its forwarding (service codes), else it rings unless busy."""
        if len(via) >= MAX_FORWARD_HOPS:
            return "end", 25
        target = line.forward_target()
        if target is not None:
            via.append(line.number)
            self.log.add("call_forwarded", line=line.id, by=line.number, to=target[1],
                         reason=target[0])
            return self.resolve(target[1], via)
        return ("end", 17) if line.busy() else ("line", line)

    # --- calls into the box (a subscriber calls a SIM) ---------------------

    def place_call(self, body: dict) -> Call:
        frm = check_number(body.get("from"), "from")
        to = check_number(body.get("to"), "to")
        cli = body.get("cli", "withheld" if body.get("withheld") else "valid")
        if cli not in CLI_VALIDITY or not isinstance(body.get("withheld", False), bool):
            raise ValueError("cli: must be valid, withheld or unavailable (withheld: a boolean)")
        abandon = body.get("abandon_after_s")
        if abandon is not None and (not isinstance(abandon, int | float) or abandon < 0):
            raise ValueError("abandon_after_s: must be a number >= 0")
        if self.modem_by_number(to) is None and self.line_by_number(to) is None:
            raise KeyError(f"to: {to} is not a box SIM or analog line number")
        name = body.get("name")
        if name is not None and (not isinstance(name, str) or not 0 < len(name) <= 32
                                 or not name.isprintable()):
            raise ValueError("name: the caller's name for caller ID, 1..32 printable characters")
        clip_text = body.get("clip_text")
        if clip_text is not None and (not isinstance(clip_text, str) or len(clip_text) > 60
                                      or '"' in clip_text or not clip_text.isprintable()):
            raise ValueError("clip_text: printable text without quotes, at most 60 characters")
        call = self._new_call("to_box", frm, to)
        call.cli, call.caller = cli, self.subscribers.get(key(frm))
        call.clip_text, call.cid_name = clip_text, name
        call.modem = self.modem_by_number(to)
        self._route(call, to)
        if abandon is not None and call.live:
            self.after(call, float(abandon), self._abandon, call)
        return call

    def _abandon(self, call: Call) -> None:
        if call.state in ("ringing", "alerting"):
            self.end(call, 16, "far")

    def _route(self, call: Call, number: str) -> None:
        kind, target = self.resolve(number, call.forwarded_via)
        if call.forwarded_via:
            call.forwarded_to = number if kind == "end" else target.number
        if kind == "end":
            self.end(call, target, "network")
        elif kind == "subscriber":
            self._ring_subscriber(call, target)
        elif kind == "line":
            self._ring_line(call, target)
        else:
            self._ring_modem(call, target)

    def _ring_modem(self, call: Call, modem: Any) -> None:
        call.modem, call.idx = modem, modem.free_idx()
        self._set_state(call, "ringing")
        modem.incoming(call)
        self.after(call, self.config.ring_timeout_s, self._ring_timeout, call)
        no_reply = modem.forward_no_reply()
        if no_reply is not None and call.peer is None:
            self.after(call, no_reply[1], self._forward_no_reply, call, no_reply[0])

    def _ring_line(self, call: Call, line: Any) -> None:
        call.modem, call.idx, call.line = None, None, line
        self._set_state(call, "ringing")
        line.incoming(call)
        self.after(call, self.config.ring_timeout_s, self._ring_timeout, call)
        no_reply = line.forward_no_reply()
        if no_reply is not None and call.peer is None:
            self.after(call, no_reply[1], self._line_no_reply, call, no_reply[0])

    def _line_no_reply(self, call: Call, number: str) -> None:
        if call.state != "ringing":
            return
        line = call.line
        self.log.add("call_forwarded", line=line.id, by=line.number, to=number,
                     reason="no_reply", call=call.id)
        call.forwarded_via.append(line.number)
        call.line = None
        line.call_gone(call, 16)
        self._route(call, number)

    def _ring_timeout(self, call: Call) -> None:
        if call.state == "ringing":
            self.end(call, 19, "network")

    def _forward_no_reply(self, call: Call, number: str) -> None:
        if call.state != "ringing":
            return
        modem = call.modem
        self.log.add("call_forwarded", modem=modem.imei, by=modem.number, to=number,
                     reason="no_reply", call=call.id)
        call.forwarded_via.append(modem.number)
        modem.call_gone(call, 16)
        call.idx = None
        self._route(call, number)

    # --- calls from the box (ATD) -------------------------------------------

    def dial(self, modem: Any, number: str) -> Call:
        """The box dialled `number` on `modem`; the verdict comes after setup_s."""
        call = self._new_call("from_box", modem.number, number)
        call.modem, call.idx = modem, modem.free_idx()
        self._set_state(call, "dialing")
        self.after(call, self.config.setup_s, self._route_from_box, call)
        return call

    def dial_line(self, line: Any, number: str) -> Call:
        """The box dialled `number` on analog line `line`; the verdict comes after setup_s."""
        call = self._new_call("from_box", line.number, number)
        call.line = line
        self._set_state(call, "dialing")
        self.after(call, self.config.setup_s, self._route_from_box, call)
        return call

    def _route_from_box(self, call: Call) -> None:
        if call.state != "dialing":
            return
        kind, target = self.resolve(call.to, call.forwarded_via)
        if call.forwarded_via:
            call.forwarded_to = call.to if kind == "end" else target.number
        if kind == "end":
            self.end(call, target, "network")
        elif kind == "subscriber":
            self._ring_subscriber(call, target)
        else:
            peer = self._new_call("to_box", call.frm, target.number)
            call.peer, peer.peer = peer, call
            if kind == "line":
                self._ring_line(peer, target)
            else:
                self._ring_modem(peer, target)
            if call.live and peer.live:
                self._set_state(call, "alerting")

    def _ring_subscriber(self, call: Call, sub: Subscriber) -> None:
        call.far = sub
        if sub.behaviour in ("busy", "unreachable", "congestion"):
            self.end(call, sub.cause or DEFAULT_CAUSE[sub.behaviour], "far")
            return
        self._set_state(call, "alerting")
        timeout = self.config.no_answer_s
        if sub.behaviour == "answer":
            self.after(call, sub.answer_after_s, self._far_answer, call)
        elif sub.behaviour == "reject":
            self.after(call, sub.answer_after_s, self._far_release, call, sub.cause or 21)
        elif sub.no_answer_after_s is not None:
            timeout = sub.no_answer_after_s
        self.after(call, timeout, self._far_release, call, 19)

    def _far_release(self, call: Call, cause: int) -> None:
        if call.state == "alerting":
            self.end(call, cause, "network" if cause == 19 else "far")

    def _far_answer(self, call: Call) -> None:
        if call.state == "alerting":
            self._activate(call, call.far)

    # --- state changes ------------------------------------------------------

    def answer(self, call: Call) -> None:
        """The box answered a ringing call (ATA)."""
        self._activate(call, call.caller)
        if call.peer is not None and call.peer.live:
            self._activate(call.peer, None)

    def _activate(self, call: Call, party: Subscriber | None) -> None:
        call.t_answer = time.monotonic()
        self._set_state(call, "active")
        if party is None:
            return
        if party.play is not None:
            self._send(call, party.play)
        if party.hangup_after_s is not None:
            self.after(call, party.hangup_after_s, self._hangup_if_live, call)

    def _hangup_if_live(self, call: Call) -> None:
        if call.live:
            self.end(call, 16, "far")

    def box_hangup(self, call: Call, cause: int | None = None) -> None:
        """The box released the call (ATH, AT+CHUP): rejecting a ringing call is cause 21
        (AT+CHLD=0, user busy: 17)."""
        if cause is None:
            cause = 21 if call.state == "ringing" else 16
        self.end(call, cause, "box")

    def far_hangup(self, call: Call, cause: int = 16) -> Call:
        """The test, as the far party, hangs up (POST /calls/{id}/hangup)."""
        if not call.live:
            raise Conflict(f"call {call.id} has already ended (cause {call.cause})")
        if call.peer is not None:
            where = (f"modem {call.peer.modem.imei}" if call.peer.modem is not None
                     else f"line {call.peer.line.id}")
            raise Conflict(f"call {call.id}'s far party is the box ({where}); hang up there")
        self.end(call, cause, "far")
        return call

    def end(self, call: Call, cause: int, by: str) -> None:
        if not call.live:
            return
        for timer in call.timers:
            timer.cancel()
        call.cause, call.ended_by, call.t_end = cause, by, time.monotonic()
        self._set_state(call, "ended")
        call.audio_enabled = False
        if call.idx is not None:
            call.modem.call_gone(call, cause)
        elif call.line is not None:
            call.line.call_gone(call, cause)
        if call.peer is not None and call.peer.live:
            self.end(call.peer, cause, by)

    def modem_lost(self, modem: Any) -> None:
        """A modem dropped off the network (unplug, reset, SIM loss): its calls end."""
        for call in self.live_calls(modem):
            self.end(call, CAUSE_LINK_LOST, "network")

    def _set_state(self, call: Call, state: str) -> None:
        call.state = state
        self.log.add("call", id=call.id, state=state, direction=call.direction, cause=call.cause,
                     **{"from": call.frm, "to": call.to},
                     modem=call.modem.imei if call.modem is not None else None,
                     **({"line": call.line.id} if call.line is not None else {}))
        if call.idx is not None and state != "ended":
            call.modem.call_state(call)
        elif call.line is not None and state != "ended":
            call.line.call_state(call)

    # --- DTMF and audio -------------------------------------------------------

    def box_dtmf(self, call: Call, digit: str, via: str) -> None:
        """The box signalled a DTMF digit (AT^DTMF / AT+VTS): the far party hears it."""
        t = time.monotonic()
        call.at_dtmf.append({"digit": digit, "t": t, "source": via})
        self.log.add("dtmf_from_box", call=call.id, digit=digit, via=via,
                     modem=call.modem.imei if call.modem else None)
        if call.peer is not None and call.peer.idx is not None:
            call.peer.modem.far_dtmf(call.peer, digit)

    def far_send(self, call: Call, body: dict) -> float:
        """The far party plays a tone or DTMF to the box (POST /calls/{id}/send)."""
        audio_support.check_send(body)
        if call.peer is not None:
            raise Conflict(f"call {call.id}'s far party is the box; it sends its own audio")
        if call.state != "active":
            raise Conflict(f"call {call.id} is {call.state}; the far party sends audio "
                           "only on an active call")
        return self._send(call, body)

    def _send(self, call: Call, body: dict) -> float:
        t = call.queue_far_audio(body)
        self.log.add("far_send", call=call.id, t_play=t, **body)
        if "dtmf" in body and call.idx is not None:
            step = (audio_support.DTMF_ON_MS + audio_support.DTMF_OFF_MS) / 1000
            for i, digit in enumerate(body["dtmf"].upper()):
                delay = max(0.0, t + i * step - time.monotonic())
                self.after(call, delay, self._far_digit, call, digit)
        return t

    def _far_digit(self, call: Call, digit: str) -> None:
        if call.state == "active" and call.idx is not None:
            call.modem.far_dtmf(call, digit)

    # --- helpers ----------------------------------------------------------------

    def _new_call(self, direction: str, frm: str, to: str) -> Call:
        cid = f"c{next(self._ids)}"
        call = Call(cid, direction, frm, to, lambda what, entry: self.log.add(
            "call_heard", call=cid, what=what, **entry))
        self.calls[call.id] = call
        self._bound_recordings(call)
        return call

    def _bound_recordings(self, new: Call) -> None:
        """Only the newest KEEP_ENDED ended calls keep their recordings (memory)."""
        self._recorded.append(new)
        ended = [c for c in self._recorded if not c.live]
        for call in ended[:max(0, len(ended) - KEEP_ENDED)]:
            call.release_recording(f"the recording of call {call.id} was dropped: only the "
                                   f"last {KEEP_ENDED} ended calls keep theirs")
            self._recorded.remove(call)

    def after(self, call: Call, delay: float, fn: Any, *args: Any) -> None:
        """Run fn(*args) after `delay` s unless the call ends first."""
        call.timers.append(self.sched.call_later(delay, fn, *args))

    def status(self) -> dict:
        return {"config": asdict(self.config),
                "subscribers": [s.to_dict() for s in self.subscribers.values()]}
