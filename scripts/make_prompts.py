#!/usr/bin/env python3
"""Make the default prompts (firmware/prompts/defaults.py): every phrase the box says,
in Chinese and English, spoken by espeak-ng and converted by sox to 8 kHz mono.

    .venv/bin/python scripts/make_prompts.py [--out DIR] [--force]

scripts/setup.sh runs it; it does nothing when the prompts are current.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from firmware.prompts import PromptError
from firmware.prompts.defaults import build
from firmware.prompts.store import DEFAULTS_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULTS_DIR)
    parser.add_argument("--force", action="store_true", help="make them even if current")
    args = parser.parse_args(argv)
    try:
        made = build(args.out, force=args.force)
    except PromptError as exc:
        print(f"make_prompts: {exc}", file=sys.stderr)
        return 1
    print(f"make_prompts: {made} prompts made in {args.out}" if made
          else f"make_prompts: the prompts in {args.out} are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
