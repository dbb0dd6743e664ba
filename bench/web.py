"""The web page under load while a call is up: page and API latency, and the call's audio.

    .venv/bin/python -m bench.web [--records 100000] [--clients 20] [--seconds 30]
                                  [--think 1.0] [--routes 1000] [--write docs/benchmarks.md]

Builds a data dir with `--records` call records (a year of calls, bulk-inserted)
and a one-group office (with `--routes` routes and a 1,000-entry blacklist in front,
as bench/calls.py), starts the real box (`switchboard run --board sim`, with
the PSTN emulator) with its web page, connects one call (caller on gsm0 <-> desk
phone fxs0), and while the caller plays one unbroken 1 kHz tone, `--clients`
threads request, round-robin, for `--seconds`, each waiting `--think` seconds between
its requests (a browser polling its dashboard about once a second: the latency a
person sees); then the same clients with no think time (the throughput ceiling:
requests per second, and what that does to the call):

- dashboard: the page `/` and the live `/api/status` it polls;
- records search: `/api/records` by caller number over 90 days, and the records
  page at a deep offset;
- reports: `/api/reports` over the last 30 days, and the reports page for a year.

Measured: p50/p95/max per kind; the event loop's responsiveness (a control-socket
ping every 50 ms during the load: the loop answers it, so its round trip is the
loop's lag); and the call's audio: the desk phone must hear the caller's tone as
ONE tone of the full length. The emulator's analyser ends a tone when no frame
arrives for 50 ms (2.5 frames), so one unbroken tone means the box kept sending a
frame every 20 ms throughout the load. The box's own frame counters (underruns,
drops) are read before and after.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.calls import with_routes
from bench.report import add_load_options, load_note, write_section
from firmware.cdr.region import describe
from firmware.cdr.store import CdrStore, records_path
from firmware.config.store import ConfigStore
from firmware.control import control_request
from firmware.paths import control_socket
from hil_tests.boxrig import start_box, wait_gsm_state
from hil_tests.calls_rig import CALLER, SIM, heard_tone, office
from hil_tests.pstn.testing import wait_for
from web_ui.owner import Owner

CALLERS = ["+8613588888888", "+862161234567", "+8601062345678", "+8613912345678",
           "+8618611112222", "+8602087654321", "+8613700001111", "+8615900002222"]
AGENTS = [("801", "Desk 1"), ("802", "Desk 2")]
RESULTS = ["answered"] * 6 + ["missed", "abandoned", "busy"]


def fill_records(data: Path, n: int, now: datetime) -> None:
    """`n` calls over the last year, one leg each, in one transaction (a bench, not the box)."""
    with CdrStore(records_path(data), preload_regions=False) as store:
        db = store.connection
        db.execute("PRAGMA synchronous = OFF")
        regions = {c: describe(c, "CN") for c in CALLERS}
        rng = random.Random(7)
        calls, legs = [], []
        starts = sorted(now - timedelta(seconds=rng.uniform(0, 365 * 86400)) for _ in range(n))
        for i, start in enumerate(starts):  # in time order, as the box writes them
            caller = rng.choice(CALLERS)
            r = regions[caller]
            result = rng.choice(RESULTS)
            ring = rng.uniform(2, 20)
            talk = rng.uniform(20, 400) if result == "answered" else 0.0
            ext, name = rng.choice(AGENTS)
            end = start + timedelta(seconds=ring + talk)
            cid = f"b{i}"
            calls.append((cid, "in", "gsm0", caller, "", r.e164, r.region_text, r.province,
                          r.city, r.carrier, r.kind, r.country, "open hours > desk",
                          start.astimezone(UTC).isoformat(), start.timestamp(),
                          end.astimezone(UTC).isoformat(), end.timestamp(), result,
                          name if result == "answered" else "", ring, talk, "normal"))
            answered = start + timedelta(seconds=ring) if talk else None
            legs.append((cid, 1, ext, "extension", name, "desk", "",
                         start.astimezone(UTC).isoformat(), start.timestamp(),
                         answered.astimezone(UTC).isoformat() if answered else None,
                         answered.timestamp() if answered else None,
                         end.astimezone(UTC).isoformat(), end.timestamp(), ring, talk,
                         "answered" if talk else "no_answer", ""))
        db.execute("BEGIN")
        db.executemany("INSERT INTO calls (id, direction, line, caller, callee, e164, region,"
                       " province, city, carrier, number_kind, country, route, started_at,"
                       " started_ts, ended_at, ended_ts, result, answered_by, ring_s, talk_s,"
                       " cause) VALUES (" + ", ".join("?" * 22) + ")", calls)
        db.executemany("INSERT INTO legs (call_id, seq, target, target_kind, agent, ring_group,"
                       " line, started_at, started_ts, answered_at, answered_ts, ended_at,"
                       " ended_ts, ring_s, talk_s, outcome, cause)"
                       " VALUES (" + ", ".join("?" * 17) + ")", legs)
        db.execute("COMMIT")
        db.execute("ANALYZE")


class Client:
    def __init__(self, base: str, token: str, cookie: str):
        self.base, self.token, self.cookie = base, token, cookie

    def get(self, path: str) -> float:
        headers = {"Authorization": f"Bearer {self.token}"} if path.startswith("/api/") \
            else {"Cookie": self.cookie}
        t0 = time.monotonic()
        with urllib.request.urlopen(urllib.request.Request(self.base + path, headers=headers),
                                    timeout=30) as reply:
            reply.read()
            if reply.status != 200:
                raise RuntimeError(f"{path}: {reply.status}")
        return time.monotonic() - t0


def login(base: str, password: str) -> str:
    """The session cookie after a login through the page (the pages need one)."""
    opener = urllib.request.build_opener(_NoRedirect())
    with opener.open(base + "/login") as reply:
        cookie = reply.headers["Set-Cookie"].split(";")[0]
        page = reply.read().decode()
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    body = urllib.parse.urlencode({"csrf": csrf, "password": password}).encode()
    request = urllib.request.Request(base + "/login", data=body,
                                     headers={"Cookie": cookie, "Origin": base})
    try:
        opener.open(request)
    except urllib.error.HTTPError as exc:
        if exc.code != 303:
            raise
        return exc.headers["Set-Cookie"].split(";")[0]
    raise RuntimeError("login did not redirect")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def requests_for(now: datetime) -> dict[str, list[str]]:
    day = now.date()
    quote = urllib.parse.quote
    return {
        "dashboard": ["/", "/api/status"],
        "records search": [f"/api/records?number={quote('135 8888 8888')}&since="
                           f"{day - timedelta(days=90)}&limit=50",
                           "/records?offset=5000"],
        "reports": [f"/api/reports?since={day - timedelta(days=30)}&until={day}",
                    f"/reports?since={day - timedelta(days=365)}&until={day}"],
    }


def load(client: Client, plan: dict[str, list[str]], clients: int, seconds: float,
         think: float = 0.0) -> dict:
    times: dict[str, list[float]] = {kind: [] for kind in plan}
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    jobs = [(kind, path) for kind, paths in plan.items() for path in paths]

    def worker(k: int) -> None:
        i = k
        while time.monotonic() < deadline:
            kind, path = jobs[i % len(jobs)]
            i += 1
            try:
                took = client.get(path)
            except Exception as exc:
                with lock:
                    errors.append(f"{path}: {exc}")
                continue
            with lock:
                times[kind].append(took)
            if think:  # a person's browser: about one request per `think` seconds
                time.sleep(think * random.uniform(0.8, 1.2))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    while time.monotonic() < deadline:  # --clients 0: the call alone, for comparison
        time.sleep(0.1)
    return {"times": times, "errors": errors, "seconds": seconds}


def ping_loop(data: Path, stop: threading.Event, out: list[float]) -> None:
    path = control_socket(data)
    while not stop.is_set():
        t0 = time.monotonic()
        control_request(path, "ping", {}, timeout=10)
        out.append(time.monotonic() - t0)
        stop.wait(0.05)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def stats(values: list[float]) -> dict:
    ms = [v * 1000 for v in values] or [0.0]
    return {"n": len(values), "p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1),
            "p99_ms": round(pct(ms, 99), 1), "max_ms": round(max(ms), 1)}


def run(records: int, clients: int, seconds: float, think: float, routes: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="sb-bench-web-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        ConfigStore(data).replace(with_routes(office(members=("801",), ring_time=20), routes))
        now = datetime.now(UTC)
        t0 = time.monotonic()
        fill_records(data, records, now)
        fill_s = time.monotonic() - t0
        owner = Owner(data / "web")
        password = "Bench-pass-2026!"
        owner.set_password(password)
        token = owner.add_token("bench")
        box = start_box(data, "sim")
        try:
            wait_gsm_state(box, "ready", "gsm0")
            _world_first(data)
            return _measure(box, data, token, login(box.web_url, password), clients, seconds,
                            records, fill_s, think) | {"routes": routes, "think": think}
        finally:
            box.stop()


def _world_first(data: Path) -> None:
    """The emulator plays the telco and the phones, which have CPUs of their own: give it
    the first claim on this machine's CPU time among normal threads (nice -10, root only),
    so what it hears is what the box sent. Not real-time: on two cores a real-time
    emulator (its Python DSP is heavy) starves the box's event loop while it holds the
    GIL, and the box's audio threads wait for it (seen: loop ping max 255 ms)."""
    info = json.loads((data / "run" / "pstn" / "emulator.json").read_text())
    try:  # a Linux thread's nice value is its own: every thread of the process
        for task in Path(f"/proc/{int(info['pid'])}/task").iterdir():
            os.setpriority(os.PRIO_PROCESS, int(task.name), -10)
    except PermissionError:
        print("bench: cannot raise the emulator's priority (not root)", file=sys.stderr)


def _measure(box, data: Path, token: str, cookie: str, clients: int, seconds: float,
             records: int, fill_s: float, think: float) -> dict:
    emu = box.emulator
    emu.phone_auto_answer("fxs0", 0.2)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="call answered")
    time.sleep(1.0)  # let the answer's own tones pass
    client = Client(box.web_url, token, cookie)
    plan = requests_for(datetime.now(UTC))
    if os.environ.get("BENCH_ONLY"):  # an experiment: one kind of request only
        plan = {k: v for k, v in plan.items() if k == os.environ["BENCH_ONLY"]}
    for paths in plan.values():  # warm up: first-use imports and caches
        for path in paths:
            client.get(path)
    # The same tone and the same pings first without the load, then with it.
    quiet = _with_tone(emu, call, data, seconds, lambda: time.sleep(seconds))
    people, ceiling = _loaded(emu, call, data, client, plan, clients, seconds, think), \
        _loaded(emu, call, data, client, plan, clients, seconds, 0.0)
    emu.hangup(call["id"])
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d"), "machine": _machine(),
        "records": records, "fill_s": round(fill_s, 1), "clients": clients,
        "seconds": seconds, "quiet": quiet, "loaded": people, "ceiling": ceiling,
    }


def _loaded(emu, call: dict, data: Path, client: Client, plan: dict, clients: int,
            seconds: float, think: float) -> dict:
    """The tone and pings while `clients` load the page, each `think` s between requests."""
    result: dict = {}

    def under_load() -> None:
        # The clients are phones and laptops on the LAN, not processes on the box: here
        # they share its cores, so they run only on CPU time nothing else wants
        # (SCHED_IDLE, inherited by the client threads made below).
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        try:
            result.update(load(client, plan, clients, seconds, think))
        finally:
            os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))

    heard = _with_tone(emu, call, data, seconds, under_load)
    count = sum(len(v) for v in result["times"].values())
    return {**heard, "requests": {k: stats(v) for k, v in result["times"].items()},
            "per_second": round(count / seconds, 1), "errors": result["errors"][:5],
            "error_count": len(result["errors"])}


def _with_tone(emu, call: dict, data: Path, seconds: float, during) -> dict:
    """Run `during()` while the caller plays one tone and the loop is pinged; what the
    desk phone heard of the tone, what the box's bridge saw (its audio health), the
    ping times, and the machine's load average."""
    tone_ms = int((seconds + 4) * 1000)
    before = _slots(data)
    t_tone = emu.send_to_call(call["id"], tone_hz=1000, ms=tone_ms)
    pings: list[float] = []
    stop = threading.Event()
    pinger = threading.Thread(target=ping_loop, args=(data, stop, pings))
    time.sleep(1.0)
    pinger.start()
    during()
    stop.set()
    pinger.join()
    loadavg = Path("/proc/loadavg").read_text().split()[0]
    wait_for(lambda: time.monotonic() > t_tone + tone_ms / 1000 + 1.0, tone_ms / 1000 + 10,
             interval=0.2, what="the tone to end")
    heard = [t for t in emu.phone_heard("fxs0")["tones"]
             if heard_tone({"tones": [t]}, 1000, t_tone - 0.01)]
    t_end = t_tone + tone_ms / 1000
    health = control_request(control_socket(data), "media", {}, timeout=10)
    after = health["slots"]
    # The tone's first frames meet a bridge that heard silence until then: the window
    # starts 0.1 s in, so the stream's own start is not counted as a stall.
    stalls = [s for s in health["stalls"] if t_tone + 0.1 <= s["t"] <= t_end]
    gaps = [{"t": round(a["t_end"] - t_tone, 3), "ms": round((b["t_start"] - a["t_end"]) * 1000)}
            for a, b in itertools.pairwise(heard)]
    time.sleep(0.5)

    def grew(slot: str, counter: str) -> int:
        return after.get(slot, {}).get(counter, 0) - before.get(slot, {}).get(counter, 0)

    box_stalls = [{"t": round(s["t"] - t_tone, 3), "slot": s["slot"], "kind": s["kind"],
                   "ms": s["ms"]} for s in stalls]
    return {"loop_ping": stats(pings), "loadavg": loadavg, "tone_ms": tone_ms,
            "pieces": len(heard),
            "heard_ms": [round((t["t_end"] - t["t_start"]) * 1000) for t in heard],
            "gaps": gaps, "ticks": {slot: grew(slot, "frames_out") for slot in after},
            "cushions": {slot: after[slot]["cushions"] for slot in after},
            "box_stalls": box_stalls, **_stall_counts(box_stalls)}


def _stall_counts(stalls: list[dict]) -> dict:
    """Late ticks of the bridge (one per tick: every slot sees it; counted at the desk
    phone's), the longest, and the GSM frames that missed their tick, in the window."""
    late = [s["ms"] for s in stalls if s["kind"] == "late" and s["slot"] == "fxs0"]
    missed = sum(max(1, round(s["ms"] / 20)) for s in stalls
                 if s["kind"] == "underrun" and s["slot"] == "gsm0")
    return {"late_ticks": len(late), "longest_late_ms": max(late, default=0),
            "gsm_missed": missed}


def _slots(data: Path) -> dict:
    return control_request(control_socket(data), "media", {}, timeout=10)["slots"]


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def markdown(r: dict, load: str) -> str:
    def rows(m: dict) -> list[str]:
        return [f"| {kind} | {s['n']} | {s['p50_ms']} ms | {s['p95_ms']} ms | {s['p99_ms']} ms "
                f"| {s['max_ms']} ms |" for kind, s in m["requests"].items()]

    def call_row(label: str, m: dict) -> str:
        p = m["loop_ping"]
        longest = max(m["heard_ms"], default=0)
        late = f" (longest gap {m['longest_late_ms']} ms)" if m["late_ticks"] else ""
        return (f"| {label} | {m['loadavg']} | p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, "
                f"p99 {p['p99_ms']} ms, max {p['max_ms']} ms | "
                f"{m['ticks'].get('fxs0', 0)} frames, {m['late_ticks']} late{late} | "
                f"{m['gsm_missed']} | {m['pieces']} (longest {longest} of "
                f"{m['tone_ms']} ms) |")

    people, ceiling = r["loaded"], r["ceiling"]
    return "\n".join([
        "## The web page under load during a call (`bench/web.py`)",
        "",
        f"Command: `.venv/bin/python -m bench.web --records {r['records']} --clients "
        f"{r['clients']} --seconds {r['seconds']:g} --think {r['think']:g} --routes "
        f"{r['routes']} --write docs/benchmarks.md`  ",
        f"Measured {r['when']} on {r['machine']}, {load}; the box on the `sim` board with "
        f"{r['records']:,} call records (a year; bulk-loaded in {r['fill_s']} s) and "
        f"{r['routes']:,} routes with a 1,000-entry blacklist in its config, one call "
        f"up (GSM caller <-> desk phone fxs0), {r['clients']} client threads for "
        f"{r['seconds']:g} s, each request timed from send to last byte. The page runs as "
        "its own process (SCHED_BATCH, nice 19, as on the box); the clients under "
        "SCHED_IDLE (they stand for phones and laptops on the LAN); the box's audio threads "
        "SCHED_FIFO 10 (board/realtime.py, as on the box); the emulator at nice -10 (it "
        "stands for the telco and the phones, which have their own CPUs).",
        "",
        f"People: each client waits about {r['think']:g} s between its requests (a browser "
        f"polling the dashboard): {people['per_second']} requests/s, errors "
        f"{people['error_count']}.",
        "",
        "| requests | n | p50 | p95 | p99 | max |",
        "|---|---|---|---|---|---|",
        *rows(people),
        "",
        f"Throughput ceiling: the same clients with no think time: {ceiling['per_second']} "
        f"requests/s, errors {ceiling['error_count']}.",
        "",
        "| requests | n | p50 | p95 | p99 | max |",
        "|---|---|---|---|---|---|",
        *rows(ceiling),
        "",
        "Dashboard: the page and `/api/status`; records search: by caller over 90 days, and "
        "the records page at offset 5000; reports: the API over 30 days and the page over a "
        "year (cached 15 s).",
        "",
        "| the call | load average | event loop: control-socket ping every 50 ms "
        "| the bridge's clock: frames to the desk phone, ticks over 50 ms late "
        "| GSM frames that missed their tick | caller's unbroken tone, heard at the desk "
        "phone in pieces |",
        "|---|---|---|---|---|---|",
        call_row("quiet (no web load)", r["quiet"]),
        call_row(f"{r['clients']} people ({r['think']:g} s think time)", people),
        call_row(f"{r['clients']} clients, no think time", ceiling),
        "",
        "The emulator's analyser ends a tone when no audio frame arrives for 50 ms (2.5 "
        "frames) or a frame is silent, so one piece as long as the tone means the desk phone "
        "got the caller's every frame in time. The box's own counters (`switchboard status`, "
        "`audio`) tell where a break came from: the bridge's clock running late (the box "
        "stalled: the web page or the loop held it up), or the GSM modem's frame arriving "
        "after the bridge's tick (device jitter: that tick carries silence; the port then "
        "keeps one frame of cushion, firmware/media/ports.py). "
        f"Breaks heard: quiet {_breaks(r['quiet'])}; people {_breaks(people)}; "
        f"no think time {_breaks(ceiling)}.",
    ])


def _breaks(m: dict) -> str:
    """Each gap the phone heard, and the box's stall at that moment (or none)."""
    if not m["gaps"]:
        return "none"
    words = []
    for gap in m["gaps"]:
        near = [s for s in m["box_stalls"] if abs(s["t"] - gap["t"]) < 0.1]
        cause = ", ".join(f"{s['slot']} {s['kind']} {s['ms']} ms" for s in near) or \
            "no stall in the box"
        words.append(f"at {gap['t']:.1f} s ({gap['ms']} ms: {cause})")
    return "; ".join(words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds each client waits between its requests")
    parser.add_argument("--routes", type=int, default=1000)
    parser.add_argument("--write", type=Path)
    add_load_options(parser)
    args = parser.parse_args(argv)
    start_note = load_note(args)
    result = run(args.records, args.clients, args.seconds, args.think, args.routes)
    load = f"{start_note}, {load_note(args, 'end')}"
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.write:
        write_section(args.write, "web", markdown(result, load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
