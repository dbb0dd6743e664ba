"""An agent's keys during a call, read as feature codes (R12, T1-T4): pure, no I/O.

`CodeCollector` is fed what the agent keys while talking to a caller: DTMF digits
(heard in a desk phone's audio, or a mobile's digits reported by its line) and hook
flashes (`FLASH`). It answers what the call should do next (`Step`):

- `IDLE`: nothing for the call (digits that are no code are let go: the caller heard
  them as tones, nothing else happens);
- `HOLD`: a code that takes a target was keyed (`*8`), or a hook flash: the caller
  goes on hold (music) and the agent hears dial tone while keying the target;
- `TARGET`: a digit of the target was keyed (the agent's dial tone stops);
- `DONE`: code and target are complete (`#` ends the target); `name` and `target` say
  which handler runs with what;
- `GIVE_UP`: the agent gave up (a second flash, `*` while keying a target, a code
  after a flash that is no in-call code, or a pause longer than `inter_digit_s`):
  the caller is connected again.

After a flash the agent keys code, target and `#` as without it (flash first is what
analog users expect; the caller is on hold from the flash on). A code that takes no
target (`cancel`, `swap`) is DONE as soon as it is keyed, with target "".
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass

FLASH = "F"  # a hook flash in a desk port's key queue (no DTMF key is "F")
END = "#"
INTER_DIGIT_S = 6.0  # a pause this long while keying a code or target: give up
DIGITS = "0123456789"


class Act(enum.StrEnum):
    IDLE = "idle"
    CODE = "code"  # keying the start of a code: nothing to do yet
    HOLD = "hold"
    TARGET = "target"
    DONE = "done"
    GIVE_UP = "give_up"


@dataclass(frozen=True)
class Step:
    act: Act
    name: str = ""  # the code's field name ("blind_transfer") once known
    target: str = ""  # the target keyed so far (DONE: all of it, without "#")


class CodeCollector:
    """`codes`: {field name: code} (config.feature_codes.in_call()); `no_target`: the
    names whose code takes no target (DONE as keyed)."""

    def __init__(self, codes: dict[str, str], no_target: Collection[str] = ("cancel", "swap"),
                 inter_digit_s: float = INTER_DIGIT_S):
        self.codes = {name: code for name, code in codes.items() if code}
        self.no_target = set(no_target)
        self.inter_digit_s = inter_digit_s
        self._reset()

    def _reset(self) -> None:
        self.keyed = ""  # code digits keyed so far
        self.name = ""  # the code once complete
        self.target = ""
        self.held = False  # the caller is on hold (a flash, or a code with a target)

    @property
    def busy(self) -> bool:
        """Keying is under way: a pause longer than `timeout_s` gives up."""
        return bool(self.keyed or self.name or self.held)

    @property
    def timeout_s(self) -> float | None:
        return self.inter_digit_s if self.busy else None

    def key(self, key: str) -> Step:
        """A key the agent pressed (a DTMF digit, or FLASH)."""
        if key == FLASH:
            return self._flash()
        if self.name:
            return self._target_key(key)
        return self._code_key(key)

    def timeout(self) -> Step:
        """`timeout_s` passed without a key."""
        if not self.busy:
            return Step(Act.IDLE)
        held = self.held
        self._reset()
        return Step(Act.GIVE_UP) if held else Step(Act.IDLE)

    def _flash(self) -> Step:
        if self.held:  # a second flash: back to the caller
            self._reset()
            return Step(Act.GIVE_UP)
        self._reset()
        self.held = True
        return Step(Act.HOLD)

    def _code_key(self, key: str) -> Step:
        keyed = self.keyed + key
        name = next((n for n, code in self.codes.items() if code == keyed), "")
        if name:
            self.keyed = ""
            if name in self.no_target:
                self._reset()
                return Step(Act.DONE, name)
            self.name = name
            if self.held:
                return Step(Act.CODE, name)  # on hold since the flash already
            self.held = True
            return Step(Act.HOLD, name)
        if any(code.startswith(keyed) for code in self.codes.values()):
            self.keyed = keyed
            return Step(Act.CODE)
        held = self.held
        self._reset()
        return Step(Act.GIVE_UP) if held else Step(Act.IDLE)

    def _target_key(self, key: str) -> Step:
        if key == END:
            name, target = self.name, self.target
            self._reset()
            return Step(Act.DONE, name, target) if target else Step(Act.GIVE_UP)
        if key not in DIGITS:  # "*" (or A-D) while keying a target: give up
            self._reset()
            return Step(Act.GIVE_UP)
        self.target += key
        return Step(Act.TARGET, self.name, self.target)

    def pending(self) -> Step:
        """What was keyed when the agent left mid-way: DONE with the target keyed so far
        (hanging up ends the target as `#` does), or GIVE_UP when no target was keyed."""
        name, target = self.name, self.target
        held = self.held
        self._reset()
        if name and target:
            return Step(Act.DONE, name, target)
        return Step(Act.GIVE_UP) if held else Step(Act.IDLE)
