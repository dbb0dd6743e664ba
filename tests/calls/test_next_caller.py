"""A caller who rings in while the line's last call is still being released is taken
once the box lets go of the line (controller._offer_waiting), never lost."""

from __future__ import annotations

import asyncio

from firmware.calls.legs import OutsideLeg
from firmware.lines.gsm_calls import GsmCall
from firmware.lines.model import IncomingCall
from tests.calls.rig import Rig, office, settle, until


def test_the_caller_who_rang_during_a_release_is_taken_when_the_line_is_free(tmp_path):
    asyncio.run(_taken(tmp_path))


async def _taken(tmp_path):
    rig = Rig(tmp_path, office())
    line = rig.gsm["gsm0"]
    leg = OutsideLeg(line, line.ring("+8613800138000"))
    rig.core.owners["gsm0"] = leg  # the last call: the box is still releasing it
    line.end("normal", 16)
    new = line.call = GsmCall("gsm0", "in", "+8613900139000", False, 0.0)
    new.announced = True
    rig.core._on_incoming(IncomingCall("gsm0", "+8613900139000"))
    await settle()
    assert rig.core.owners["gsm0"] is leg and not rig.core.calls  # told while busy
    rig.core._free(leg)
    await until(lambda: isinstance(rig.core.owners.get("gsm0"), OutsideLeg)
                and rig.core.owners["gsm0"].call is new, "the next caller taken")
    assert [c.what for c in rig.core.calls.values()] == ["inbound +8613900139000 on gsm0"]
    await rig.core.stop()
    rig.close()


def test_a_line_left_idle_or_with_a_call_not_yet_announced_offers_nothing(tmp_path):
    asyncio.run(_nothing(tmp_path))


async def _nothing(tmp_path):
    rig = Rig(tmp_path, office())
    line = rig.gsm["gsm0"]
    leg = OutsideLeg(line, line.ring("+8613800138000"))
    rig.core.owners["gsm0"] = leg
    line.end("normal", 16)
    rig.core._free(leg)
    await settle()
    assert "gsm0" not in rig.core.owners and not rig.core.calls
    rig.core.owners["gsm0"] = leg
    line.call = GsmCall("gsm0", "in", "+8613900139000", False, 0.0)  # its CLIP not yet in
    rig.core._free(leg)
    await settle()
    assert "gsm0" not in rig.core.owners and not rig.core.calls  # the driver will tell it
    rig.close()
