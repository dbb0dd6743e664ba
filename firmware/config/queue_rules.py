"""The hold queue as a plan step (Q1, Q2, Q4, R7): its settings in the config.

A plan step whose `do` is "queue" carries a `QueueSpec` in its `queue` field. The
caller's line is answered and the caller waits with music for the members of ring
group `group`, who are rung one caller at a time in queue order as they become free
(calls/queue_call.py). Exits (`on`): `timeout` (waited `max_wait_s`, or the office
closed and `after_hours` is false), `full` (`max_length` callers wait already, or the
media engine has no room for another player), `left` (the caller keyed `leave_key`).
An exit not named falls through to the next step. `callback_key` ends the call with
a callback request in the owner's callback list (calls/callbacks.py).

docs/config.md ("plans", queue) describes every field; validate_queue.py checks them.
"""

from __future__ import annotations

from dataclasses import dataclass

QUEUE_EXITS = ("timeout", "full", "left")


@dataclass(frozen=True)
class QueueSpec:
    group: str  # the ring group whose members take the queue's calls; the queue's name
    music: str = "music"  # a prompt name, looping while the caller waits
    announce_every_s: int = 30  # position and expected wait this often; 0: never
    max_wait_s: int = 600  # then the `timeout` exit
    max_length: int = 10  # callers waiting at most; one more leaves by `full`
    leave_key: str | None = None  # the caller leaves by the `left` exit ("1")
    callback_key: str | None = None  # the caller asks to be called back ("2")
    after_hours: bool = True  # Q4: callers waiting stay when the office closes
    entry_prompt: str | None = "queue_hold"  # said once, before the music
