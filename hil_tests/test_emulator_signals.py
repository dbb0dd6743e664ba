"""The emulator process stops on SIGTERM, also when signals come in a burst (a box
killed with -9 sends its parent-death SIGTERM while a test's own SIGTERM follows)."""

from __future__ import annotations

import signal


def test_a_burst_of_sigterms_stops_the_emulator_cleanly(emulator):
    for _ in range(50):
        emulator.proc.send_signal(signal.SIGTERM)
    assert emulator.proc.wait(10) == 0
