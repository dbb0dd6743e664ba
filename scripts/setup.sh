#!/usr/bin/env bash
# Make this checkout runnable on a fresh Debian/Ubuntu machine: Debian packages
# (only those missing), a virtual environment in .venv with the project and its
# dev tools. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3 python3-venv python3-dev gcc make chromium fonts-wqy-microhei espeak-ng
              sox libsox-fmt-mp3 opus-tools)
# chromium and a CJK font: the web page's browser test and its screenshots
# espeak-ng: real Mandarin and English speech for the analog DSP tests (tests/lines/signals.py),
#   the default prompts and the owner's prompts typed as text (docs/prompts.md)
# sox, libsox-fmt-mp3: prompt uploads (WAV, MP3) converted to the bridge's 8 kHz mono;
#   call recordings encoded as MP3 (LAME) after the call (docs/recording.md)
# opus-tools: call recordings encoded as Opus (opusenc) when the owner chose "opus"

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY=$cand; break
    fi
  done
fi
[ -n "$PY" ] || { echo "setup: Python 3.11 is required" >&2; exit 1; }

stamp=.venv/.installed
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi

# The default prompts: every phrase the box says, zh and en, spoken at build time
# (firmware/data/prompts, not kept in git); nothing is done when they are current.
.venv/bin/python scripts/make_prompts.py
