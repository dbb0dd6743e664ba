"""Shared pieces of the end-to-end call tests: an office config, a running box
with it, and the checks that read what the emulator's parties heard.

`office(...)` builds a config document like an owner would import: four desk
phones (801-804 on fxs0-fxs3), four staff mobiles, one ring group, a duty
roster and a forward chain; `open_now` picks a schedule that is open (or
closed) around the clock, whatever the holiday calendar says, so tests do not
depend on the hour or the day they run at (`calendar_office` follows the calendar:
its tests run the box at a chosen time, `--clock`).
"""

from __future__ import annotations

import json
from pathlib import Path

from hil_tests.boxrig import BoxProcess, run_cli, start_box, wait_gsm_state
from hil_tests.pstn.testing import wait_for

SIM = ["+8613900000001", "+8613900000002", "+8613900000003"]
CALLER = "+8613588888888"  # 浙江杭州, China Mobile
MOBILES = {"zhang": "+8613800000101", "wang": "+8613800000102", "david": "+8613800000103",
           "chen": "+8613800000104"}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def office(open_now: bool = True, lines: int = 1, members: tuple[str, ...] = ("801", "802"),
           ring_time: int = 5, total: int = 60,
           forward_chain: tuple[str, ...] = ("zhang", "wang", "david", "chen"),
           duty: str = "zhang") -> dict:
    return {
        "schema_version": 1,
        "settings": {"company_name": "测试公司", "country": "CN", "timezone": "Asia/Shanghai",
                     "outside_line_prefix": "0"},
        "lines": {"gsm": [{"name": f"gsm{i}", "modem": "auto", "number": SIM[i]}
                          for i in range(lines)],
                  "fxs": [{"name": f"fxs{i}"} for i in range(4)]},
        "extensions": [{"number": f"80{i + 1}", "name": f"Desk {i + 1}", "port": f"fxs{i}"}
                       for i in range(4)],
        "bound_numbers": [{"id": k, "name": k.title(), "number": v} for k, v in MOBILES.items()],
        "ring_groups": [{"name": "desk", "members": list(members), "strategy": "sequential",
                         "ring_time": ring_time, "total_ring_time": total}],
        "schedule": {**{d: (["00:00-24:00"] if open_now else []) for d in DAYS},
                     "follow_calendar": False},
        "duty_roster": {"entries": [], "default": duty},
        "forward_chain": list(forward_chain),
        "inbound": {"ring_group": "desk"},
    }


ANALOG_LINE = "+861062345678"  # the exchange's number for fxo0 (Beijing 010-6234-5678)


def analog_office(profile: str = "cn", disconnect: str | None = None, mixed: bool = False,
                  **options) -> dict:
    """`office(**options)` on the analog line fxo0 (and gsm0 too on sim-mixed)."""
    config = office(**options)
    config["lines"]["gsm"] = config["lines"]["gsm"][:1] if mixed else []
    config["lines"]["fxo"] = [{"name": "fxo0", "number": ANALOG_LINE, "profile": profile,
                               "disconnect": disconnect}]
    return config


def calendar_office(lines: int = 1, holiday_duty: str | None = "david") -> dict:
    """An office open mon-fri 09:00-18:00 that follows China's calendar (the default):
    zhang on duty after hours, `holiday_duty` on public holidays."""
    config = office(lines=lines, members=("801",), ring_time=10)
    config["schema_version"] = 2
    config["schedule"] = {d: ["09:00-18:00"] for d in DAYS[:5]}
    config["duty_roster"] = {"entries": [], "default": "zhang", "holiday": holiday_duty}
    return config


def box_with(tmp: Path, config: dict, board: str = "sim", *extra: str) -> BoxProcess:
    """A running box on `board` with `config` imported before it starts; `extra`: more
    options for `switchboard run` (`--clock 2026-10-01T10:00`)."""
    data = tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    path = tmp / "office.json"
    path.write_text(json.dumps(config, ensure_ascii=False))
    done = run_cli(data, "config", "import", str(path))  # before the box runs: no socket
    assert done.returncode == 0, done.stderr
    box = start_box(data, board, *extra)
    for i in range(GSM_LINES.get(board, 1)):
        wait_gsm_state(box, "ready", f"gsm{i}")
    if board in ("sim-analog", "sim-mixed"):
        wait_line_state(box, "idle", "fxo0")
    return box


GSM_LINES = {"sim-2gsm": 2, "sim-3gsm": 3, "sim-analog": 0, "sim-mixed": 1}


def wait_line_state(box: BoxProcess, state: str, line: str = "fxo0",
                    timeout: float = 20.0) -> dict:
    """The outside line `line` in the box's status ("lines") once it is in `state`."""
    def reached() -> dict | None:
        found = box.status().get("lines", {}).get(line)
        return found if found and found["state"] == state else None

    return wait_for(reached, timeout, interval=0.2, what=f"{line} {state}")


def wait_done_with(box: BoxProcess, port: str, line: str = "gsm0",
                   timeout: float = 10.0) -> dict:
    """The box's status once desk phone `port` is idle and no call holds `line`: the box
    is done with a call (its release of the outside line too) before a test's next one."""
    def done() -> dict | None:
        status = box.status()
        idle = status["ports"][port] == "idle"
        return status if idle and not any(c["line"] == line for c in status["calls"]) else None

    return wait_for(done, timeout, interval=0.05, what=f"{port} idle, no call on {line}")


def records(box: BoxProcess) -> list[dict]:
    done = box.cli("records", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def wait_record(box: BoxProcess, timeout: float = 20.0, **match) -> dict:
    """The first finished call record whose fields equal `match`."""
    def find():
        for rec in records(box):
            if rec["result"] != "in_progress" and all(rec.get(k) == v for k, v in match.items()):
                return rec
        return None

    return wait_for(find, timeout, interval=0.3, what=f"call record {match}")


def heard_tone(heard: dict, hz: float, after: float = 0.0) -> dict | None:
    """A tone entry of `heard` at `hz` (+-3 %) that started after `after`."""
    for tone in heard.get("tones", []):
        if abs(tone["hz"] - hz) <= hz * 0.03 and tone["t_start"] >= after:
            return tone
    return None


def ringing(emu, port: str) -> bool:
    """Is the emulator's desk phone on `port` ringing now?"""
    return any(p["port"] == port and p["ringing"] for p in emu.phones())
