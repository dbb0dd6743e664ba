"""Routing decision time: how long `plan_inbound` takes for one inbound call.

    .venv/bin/python bench/routing.py [--calls 2000] [--write docs/benchmarks.md]

Pure code, so no box is started: this times the function the call core calls when a
call arrives (blocking, caps, routes in order, the plan, its check), including the
caller's region lookup (the box's region table), on one core, as the call core asks
(`explain=False`: only the routes the route index says can match this caller are
tried, and no "why not" is written for the others; `route explain` walks them all):

1. the documented example config (docs/example-config.json: 2 routes, 2 time rules,
   a plan graph, a blacklist, caps), callers from every province, instants spread
   over 2026 (holidays included), this month's usage given;
2. the same with 1,000 routes (number prefixes, provinces, cities, area codes,
   carriers, 20 time rules) in front of the example's, so a caller that matches none
   of them is tried against all 1,000 (the worst case), and a 1,000-entry blacklist.

Each decision is timed alone (perf_counter_ns), after 1,000 warm-up calls from other
callers (phonenumbers loads its data per number prefix on first use); p50/p99 and
decisions per second (calls / total time). With --write, the results replace the "routing" section.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import add_load_options, load_note, write_section
from firmware import gcwatch
from firmware.config.validate import check_config
from firmware.region import preload
from firmware.routing import plan_inbound
from firmware.routing.caps import LineUsage, Usage

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "example-config.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PROVINCES = ["北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏",
             "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南",
             "四川", "贵州", "云南", "陕西", "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏",
             "新疆"]
CITIES = ["杭州", "宁波", "南京", "苏州", "广州", "深圳", "成都", "武汉", "西安", "长沙"]
AREA_CODES = ["10", "21", "22", "23", "20", "755", "571", "25", "27", "28", "29", "24"]
CARRIERS = ["中国移动", "中国联通", "中国电信"]
MOBILE_SEGMENTS = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157",
                   "158", "159", "182", "183", "187", "188", "130", "131", "132", "155",
                   "156", "185", "186", "133", "153", "180", "181", "189", "177", "199"]


def callers(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        if rng.random() < 0.7:
            out.append(f"+86{rng.choice(MOBILE_SEGMENTS)}{rng.randrange(10**8):08d}")
        else:
            code = rng.choice(AREA_CODES)
            digits = 8 if len(code) == 2 else 7
            out.append(f"+86{code}{rng.randrange(2 * 10**(digits - 1), 10**digits)}")
    return out


def instants(rng: random.Random, n: int) -> list[datetime]:
    start = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    return [start + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(n)]


def big_config(rng: random.Random) -> dict:
    raw = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    rules = [{"name": f"t{i}", "weekly": {d: [f"{h:02d}:00-{(h + 3) % 24:02d}:30"]
                                          for d in days if rng.random() < 0.6
                                          for h in [rng.randrange(24)]}}
             for i in range(20)]
    routes = []
    for i in range(1000):
        kind = i % 5
        callers = ({"numbers": [f"+861{rng.randrange(10**5, 10**6)}*"]} if kind == 0 else
                   {"provinces": [rng.choice(PROVINCES)], "carriers": ["中国移动"]} if kind == 1
                   else {"cities": [rng.choice(CITIES)]} if kind == 2 else
                   {"area_codes": [rng.choice(AREA_CODES)], "numbers": ["+8699*"]}
                   if kind == 3 else {"carriers": [rng.choice(CARRIERS)],
                                      "numbers": ["+8699*"]})
        route = {"name": f"r{i}", "callers": callers, "to": rng.choice(
            ["ring_group:sales", "duty", "forward_chain", "plan:zhejiang", "busy"])}
        if kind in (1, 2):  # make most of these miss on time so the walk goes on
            route["when"] = f"t{rng.randrange(20)}"
            route["unless"] = "office_hours"
        routes.append(route)
    raw["time_rules"] += rules
    raw["routes"] = routes + raw["routes"]
    raw["blocking"]["blacklist"] = [f"+86170{rng.randrange(10**8):08d}" for _ in range(999)] + \
        ["+86165*"]
    return raw


def measure(raw: dict, calls: int, seed: int) -> dict:
    config = check_config(raw)
    rng = random.Random(seed)
    who, when = callers(rng, calls), instants(rng, calls)
    usage = Usage("2026-11", {"gsm0": LineUsage(120, 900.0, 300.0)})
    # Warm up with other callers: phonenumbers loads its geocoder and carrier data per
    # number prefix on first use, which the box does once, not per call.
    warm = random.Random(seed + 1)
    for c, t in zip(callers(warm, 1000), instants(warm, 1000), strict=True):
        plan_inbound(config, "gsm0", c, t, 2, usage=usage)
    gcwatch.settle()  # as the box does once it is up (firmware/gcwatch.py)
    gcwatch.watch()
    times, matched = [], 0
    t_all = time.perf_counter()
    for c, t in zip(who, when, strict=True):
        t0 = time.perf_counter_ns()
        plan = plan_inbound(config, "gsm0", c, t, 2, usage=usage, explain=False)
        times.append((time.perf_counter_ns() - t0) / 1e6)
        matched += bool(plan.route)
    total = time.perf_counter() - t_all
    times.sort()

    def pct(q: float) -> float:
        return round(times[min(len(times) - 1, round(q / 100 * (len(times) - 1)))], 3)

    return {"routes": len(config.routes), "calls": calls, "p50_ms": pct(50), "p99_ms": pct(99),
            "max_ms": round(times[-1], 3), "mean_ms": round(statistics.fmean(times), 3),
            "per_second": round(calls / total), "matched_a_route": matched}


def markdown(results: dict) -> str:
    small, big = results["example"], results["big"]
    rows = [f"| {name} | {r['routes']} | {r['calls']} | {r['p50_ms']} ms | {r['p99_ms']} ms "
            f"| {r['max_ms']} ms | {r['per_second']} | {r['matched_a_route']} |"
            for name, r in (("the example config", small),
                            ("1,000 routes in front, 1,000-entry blacklist", big))]
    return "\n".join([
        "## Routing decision time (`bench/routing.py`)",
        "",
        f"Command: `.venv/bin/python bench/routing.py --calls {small['calls']} "
        "--write docs/benchmarks.md`  ",
        f"Measured {results['when']} on {results['machine']}, one core, {results['load']}. "
        "One decision is "
        "`plan_inbound` for one inbound call: the caller's region (phonenumbers' offline "
        "data), blocking, caps against this month's usage, the routes in order, the plan "
        "and its check. Callers from every province (70 % mobiles), instants over 2026.",
        "",
        "| config | routes | calls | p50 | p99 | max | decisions/s | matched a route |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "With 1,000 routes most callers match none of them: the route index "
        "(firmware/routing/index.py) gives the few routes filed under the caller's number "
        "prefixes, area code, province, city or carrier, and only those are tried, in "
        "order, before the example's own routes. The blacklist is a set of numbers and "
        "prefixes looked up by the caller's own prefixes. The garbage collector is settled "
        "as in the box (firmware/gcwatch.py).",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--write", type=Path, help="markdown file to update")
    add_load_options(ap)
    args = ap.parse_args(argv)
    start_note = load_note(args)
    preload("CN")
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    results = {"example": measure(example, args.calls, args.seed),
               "big": measure(big_config(random.Random(args.seed)), args.calls, args.seed),
               "when": time.strftime("%Y-%m-%d"),
               "load": f"{start_note}, {load_note(args, 'end')}",
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                          f"{platform.python_version()}"}
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.write:
        write_section(args.write, "routing", markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
