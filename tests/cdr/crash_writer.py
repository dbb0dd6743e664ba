"""A writer process for the crash test: writes scripted calls until it is killed.

Usage: python crash_writer.py PATH TAG [half]

Opens a writable CdrStore at PATH, prints "ready", then writes calls
`scripted_call(0, TAG)`, `scripted_call(1, TAG)`, ... (begin, route, legs, end),
printing each call's id once `end_call` has returned. With "half" it begins
one call, writes one leg, prints "half ID" and waits to be killed.
"""

from __future__ import annotations

import dataclasses
import sys

from firmware.cdr.region import Region
from firmware.cdr.store import CdrStore
from tests.cdr.helpers import Scripted, scripted_call, write_scripted

# Given with each call, so the writer never loads phonenumbers' geocoder (0.4 s a start).
REGION = Region(e164="+8613588888888", region_text="浙江省杭州市", province="浙江省",
                city="杭州市", carrier="中国移动", kind="mobile", country="CN")


def call(i: int, tag: str) -> Scripted:
    scripted = scripted_call(i, tag)
    scripted.start = dataclasses.replace(scripted.start, region=REGION)
    return scripted


def main(argv: list[str]) -> None:
    path, tag = argv[0], argv[1]
    store = CdrStore(path, preload_regions=False)
    print("ready", flush=True)
    if argv[2:] == ["half"]:
        half = call(1, tag)
        call_id = store.begin_call(half.start)
        store.add_leg(call_id, half.legs[0])
        print("half", call_id, flush=True)
        sys.stdin.read()  # the test kills us here
        return
    i = 0
    while True:
        print(write_scripted(store, call(i, tag)), flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1:])
