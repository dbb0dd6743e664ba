"""Prompts to a leg: what `Audio.play` does (bridge.py's Audio inherits it).

    result = await audio.play(leg, ["welcome"], lang="zh", interruptible=True)
    result = await audio.play(leg, ["queue_position", 3, "queue_position_after"], lang)
    task = asyncio.create_task(audio.play(leg, ["music"], lang, loop=True))  # on hold
    audio.stop_prompt(leg)                       # the hold ends: play returns "stopped"
    await audio.greet(leg, config.prompts, "closed")  # the config's greeting, if any
    audio.ringback(leg, config.prompts)          # the company's message, else the tone

Names are prompt names (firmware/prompts: the owner's over the defaults); a whole
number says itself (prompts n0..n90, phrases.number_names). The result says how the
prompt ended: `finished` (played out), `interrupted` (a digit cut it short; `digit`
says which, and the digit still reaches the call core as always), `gone` (the leg
lost its audio: hung up, detached; a leg whose `ended` future settles stops hearing
the prompt at once) or `stopped` (stop_prompt, a tone or another
prompt replaced it). A missing prompt file plays as a beep (library.py logs it once).

Digits: Audio's own DTMF tap (desk phones) cuts an interruptible prompt short by
itself; a line whose digits come another way (a GSM modem's +DTMF report) hands each
digit to `audio.digit(leg_name, digit)` first. A cancelled `play` (the call's task
ended) stops its prompt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from firmware.prompts.library import PromptLibrary
from firmware.prompts.phrases import number_names
from firmware.prompts.store import PromptStore

FINISHED, INTERRUPTED, GONE, STOPPED = "finished", "interrupted", "gone", "stopped"


@dataclass(frozen=True)
class PlayResult:
    """How a prompt ended: `how` is finished, interrupted, gone or stopped."""

    how: str
    digit: str | None = None

    @property
    def finished(self) -> bool:
        return self.how == FINISHED


@dataclass(eq=False)
class _Playing:
    slot: Any
    done: asyncio.Future
    interruptible: bool
    digit: str | None = None
    stopped: bool = field(default=False)


async def _done_or_hung_up(done: asyncio.Future, ended: Any) -> Any:
    """The prompt's end (True: played out), or None as soon as the leg hung up (its
    `ended` future settled) while the prompt still plays."""
    if not isinstance(ended, asyncio.Future):
        return await asyncio.shield(done)
    if ended.done():
        return None if not done.done() else done.result()
    await asyncio.wait({done, ended}, return_when=asyncio.FIRST_COMPLETED)
    return done.result() if done.done() else None


def prompt_names(items: Sequence[str | int]) -> list[str]:
    """Prompt names with each whole number spelled as number prompts."""
    names: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise ValueError(f"a prompt is a name or a whole number, not {item!r}")
        names.extend(number_names(item) if isinstance(item, int) else [item])
    return names


class PromptPlayer:
    """Mixed into bridge.Audio: needs `media`, `attach(leg)`; see the module docstring."""

    media: Any
    prompts: PromptLibrary | None = None

    def _prompt_state(self) -> dict[str, _Playing]:
        state = self.__dict__.get("_prompts_playing")
        if state is None:
            state = self.__dict__["_prompts_playing"] = {}
        return state

    def library(self) -> PromptLibrary:
        """The prompts the box plays (the box sets `prompts` for its data dir; without
        one, the checkout's or the box's default data dir)."""
        if self.prompts is None:
            from firmware import paths

            self.prompts = PromptLibrary(PromptStore(paths.default_data_dir()))
        return self.prompts

    async def play(self, leg: Any, items: Sequence[str | int], lang: str = "zh", *,
                   interruptible: bool = False, loop: bool = False) -> PlayResult:
        """Play prompts `items` to `leg` and wait for their end (module docstring)."""
        clips = self.library().clips(prompt_names(items), lang)
        return await self.play_clips(leg, clips, interruptible=interruptible, loop=loop)

    async def play_clips(self, leg: Any, clips: list[Any], *, interruptible: bool = False,
                         loop: bool = False) -> PlayResult:
        """Play audio clips (PCM bytes or WAV paths in the prompt format: a voicemail
        message) to `leg` as `play` plays prompts."""
        if leg.slot is None and not self.attach(leg):
            return PlayResult(GONE)
        slot = leg.slot
        entry = _Playing(slot, self.media.play_prompt(slot, clips, loop=loop), interruptible)
        playing = self._prompt_state()
        playing[leg.name] = entry
        try:
            finished = await _done_or_hung_up(entry.done, getattr(leg, "ended", None))
        except asyncio.CancelledError:
            self._stop_slot(slot)
            raise
        finally:
            if playing.get(leg.name) is entry:
                del playing[leg.name]
        if finished is None:  # the party hung up: nobody is left to hear the rest
            self._stop_slot(slot)
            return PlayResult(GONE)
        if finished:
            return PlayResult(FINISHED)
        if entry.digit is not None:
            return PlayResult(INTERRUPTED, entry.digit)
        if entry.stopped or (leg.slot is slot and slot.attached):
            return PlayResult(STOPPED)
        return PlayResult(GONE)

    async def greet(self, leg: Any, settings: Any, schedule: str,
                    interruptible: bool = False) -> PlayResult | None:
        """The greeting the config (`settings`: config.prompts) names for the schedule
        ("open", "closed", "holiday"), in its language; None when it names none."""
        name = settings.greeting(schedule)
        if not name:
            return None
        return await self.play(leg, [name], settings.language, interruptible=interruptible)

    def ringback(self, leg: Any, settings: Any) -> asyncio.Task | None:
        """What a caller hears while a desk phone rings: the company's ringback message
        (config.prompts.ringback) looping, in a task that ends when anything else is
        played or connected to the leg; without one, the ringback tone (None)."""
        if not settings.ringback:
            self.tone(leg, "ringback")
            return None
        return asyncio.get_running_loop().create_task(
            self.play(leg, [settings.ringback], settings.language, loop=True),
            name=f"ringback-{leg.name}")

    def digit(self, leg_name: str, digit: str) -> bool:
        """A digit from `leg_name`: cut its interruptible prompt short (True if it did)."""
        entry = self._prompt_state().get(leg_name)
        if entry is None or not entry.interruptible or entry.done.done():
            return False
        entry.digit = digit
        self._stop_slot(entry.slot)
        return True

    def stop_prompt(self, leg: Any) -> None:
        """Stop the prompt playing to `leg`, if any: its `play` returns "stopped"."""
        entry = self._prompt_state().get(leg.name)
        if entry is not None and not entry.done.done():
            entry.stopped = True
            self._stop_slot(entry.slot)

    def prompt_playing(self, leg: Any) -> bool:
        entry = self._prompt_state().get(leg.name)
        return entry is not None and not entry.done.done()

    def _stop_slot(self, slot: Any) -> None:
        if slot.attached and slot.playing == "prompt":
            self.media.stop_tone(slot)
