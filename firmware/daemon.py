"""The box process: wiring, the event loop, systemd notification, signals.

`switchboard run` lands here. It loads the config, opens the board (starting the
PSTN emulator first for a simulated board run from a checkout), starts one GSM
driver per modem, follows the analog ports, drives the LEDs, answers the local
control socket, tells systemd it is ready and pings its watchdog, and stops
cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from board.base import BoardError
from firmware import gcwatch, paths
from firmware.errors import SwitchboardError
from firmware.sdnotify import Notifier
from firmware.webpage import WebPage

log = logging.getLogger("switchboard")


def _board_name(args: argparse.Namespace) -> str:
    if args.board:
        return args.board
    if args.board_file:
        try:
            return args.board_file.read_text().strip()
        except OSError as exc:
            raise SwitchboardError(
                f"cannot read the board name from {args.board_file}: {exc}") from exc
    raise SwitchboardError("say which board to run on: --board NAME (sim for the simulator)")


def _clock_option(args: argparse.Namespace, name: str) -> str | None:
    """`--clock`: only a simulated board runs at a chosen time (a real box keeps the
    system's time, which NTP sets); the text must read as a time."""
    from firmware.clock import parse_clock

    text = getattr(args, "clock", None)
    if text is None:
        return None
    if not name.startswith("sim"):
        raise SwitchboardError(f"--clock is only for a simulated board (sim, sim-2gsm); board "
                               f"{name} keeps the system's time")
    try:
        parse_clock(text)
    except ValueError as exc:
        raise SwitchboardError(str(exc)) from None
    return text


def _prepare_world(args: argparse.Namespace, name: str, data: Path):
    """For a simulated board: the emulator given, or one we start now."""
    from firmware import simworld

    if not name.startswith("sim"):
        return None
    if args.emulator_rundir:
        return simworld.read_world(args.emulator_rundir)
    if not paths.running_from_checkout():
        raise SwitchboardError("a sim board needs the PSTN emulator, which ships only with a "
                               "checkout; pass --emulator-rundir to use a running one")
    return simworld.start_world(data / "run" / "pstn", shape=name, port=args.emulator_port)


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    world = None
    try:
        name = _board_name(args)
        clock_at = _clock_option(args, name)
        world = _prepare_world(args, name, data)
        if world is not None:
            print(f"PSTN emulator control: {world.control_url}", flush=True)
        from board.realtime import short_switch_interval
        from firmware.box import Box

        short_switch_interval()  # audio threads (board/realtime.py) wait less for the GIL
        box = Box.create(board_name=name, data_dir=data,
                         board_options={"rundir": world.rundir} if world else {},
                         web=args.web, clock_at=clock_at)
        return asyncio.run(_serve(box))
    except (SwitchboardError, BoardError) as exc:
        log.error("%s", exc)
        return 2
    finally:
        if world is not None:
            world.stop()


async def _serve(box) -> int:
    notifier = Notifier()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await box.start()
    page = WebPage(box.web, box.data_dir)
    started = not page.wanted or await page.start()
    gcwatch.settle()  # what start-up built is never walked again (firmware/gcwatch.py)
    gcwatch.watch()
    if started:
        notifier.ready(box.summary())
        print("switchboard: ready", flush=True)
    else:  # calls are answered; the page's absence is said loudly, never "ready"
        notifier.ready(f"{box.summary()}; NO WEB PAGE: {page.problem}")
        page.announce_down()
        page.keep_trying(lambda: print("switchboard: ready", flush=True))
    watchdog = asyncio.create_task(_watchdog(box, notifier))
    try:
        await stop.wait()
        log.info("stopping")
        notifier.stopping()
    finally:
        watchdog.cancel()
        await page.stop()
        await box.stop()
    return 0


async def _watchdog(box, notifier: Notifier) -> None:
    """Ping systemd and the board's hardware watchdog while the loop is alive."""
    interval = min(notifier.watchdog_interval or 5.0, 5.0)
    while True:
        notifier.watchdog()
        box.board.watchdog_kick()
        notifier.status(box.summary())
        await asyncio.sleep(interval)
