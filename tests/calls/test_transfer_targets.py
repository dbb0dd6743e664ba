"""What an agent keyed after *8: an extension, a bound mobile by its number (with or
without the outside-line prefix), an outside number after the prefix, or nothing valid."""

import pytest

from firmware.calls.transfer_targets import resolve_keyed
from firmware.routing.plan import TargetKind
from tests.calls.rig import MOBILES, office


@pytest.mark.parametrize(("keyed", "kind", "ident"), [
    ("802", TargetKind.EXTENSION, "802"),
    ("802#", TargetKind.EXTENSION, "802"),
    ("0" + MOBILES["zhang"][3:], TargetKind.MOBILE, "zhang"),
    (MOBILES["wang"][3:], TargetKind.MOBILE, "wang"),
    ("013912345678", TargetKind.NUMBER, "+8613912345678"),
    ("002161234567", TargetKind.NUMBER, "+862161234567"),
])
def test_targets(keyed, kind, ident):
    target, why = resolve_keyed(office(), keyed)
    assert target is not None, why
    assert (target.kind, target.id) == (kind, ident)
    if kind is TargetKind.EXTENSION:
        assert target.port == "fxs1"
    else:
        assert target.number.startswith("+86")


@pytest.mark.parametrize("keyed", ["", "#", "899", "13912345678", "0abc", "*"])
def test_nothing_valid_says_why(keyed):
    target, why = resolve_keyed(office(), keyed)
    assert target is None and why
