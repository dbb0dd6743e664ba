"""`switchboard feature-codes`: every code a desk phone keys, as the config has them.

    switchboard feature-codes [--json] [--data DIR]

From the running box's config (or the store when no box runs): the dial-tone codes
(available, unavailable, pickup, directed pickup, voicemail) and the in-call codes
(blind and attended transfer, three-way, cancel, swap), each with how it is keyed and
what it does (docs/feature-codes.md). `--json`: `{name: code}` as `GET /api/feature-codes`.
"""

from __future__ import annotations

import argparse
import json

from firmware import paths
from firmware.config.feature_codes_schema import DIAL_TONE, IN_CALL
from firmware.config.feature_codes_view import VOICEMAIL, feature_codes_of

OK = 0
WHAT = {
    "available": ("{code}", "this phone's extension takes ring-group calls again"),
    "unavailable": ("{code}", "ring groups pass this phone's extension over"),
    "pickup": ("{code}", "answer the call ringing longest in my ring groups"),
    "pickup_extension": ("{code} + extension", "answer the call ringing at that extension"),
    VOICEMAIL: ("{code}, then the PIN", "listen to this extension's voicemail"),
    "blind_transfer": ("{code} + target + #", "transfer the caller; back to you if nobody "
                                              "answers"),
    "attended_transfer": ("{code} + target + #", "talk to the target first, hang up to "
                                                 "hand over"),
    "threeway": ("{code} + target + #", "add a third party to the call"),
    "cancel": ("{code}", "attended transfer: back to the caller"),
    "swap": ("{code}", "attended transfer: switch between the two"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("feature-codes", help="the codes desk phones key: "
                                   "pickup, availability, voicemail, transfers")
    paths.add_data_option(parser)
    parser.add_argument("--json", action="store_true", help="print {name: code} as JSON")
    parser.set_defaults(func=_list)


def _list(args: argparse.Namespace) -> int:
    from firmware.service import BoxService

    data = args.data or paths.default_data_dir()
    service = BoxService.of_running_box(data) if paths.control_socket(data).exists() \
        else BoxService(data)
    found = feature_codes_of(service.config())
    if args.json:
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return OK
    for title, names in (("from dial tone", (*DIAL_TONE, VOICEMAIL)),
                         ("during a call (analog phones: hook flash first)", IN_CALL)):
        print(f"{title}:")
        for name in names:
            keyed, what = WHAT[name]
            print(f"  {keyed.format(code=found[name]):<22} {name:<18} {what}")
    return OK
