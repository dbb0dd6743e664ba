#!/usr/bin/env bash
# The issue-10 figures on a Raspberry Pi (or any machine): one command, from a checkout.
#
#   bench/pi.sh [OUT]        (OUT defaults to docs/benchmarks-$(uname -m).md)
#
# Runs the same scripts as docs/benchmarks.md on the simulated board (the PSTN emulator
# plays the lines, so no modem is needed): memory of the box's processes, routing
# decisions with 1,000 routes, call setup and audio, and the web page under load. Each
# script refuses a busy machine (load average over 1.0); stop other work first. On a Pi
# the emulator takes a core of its own: the box's figures are what count (the emulator
# is not on a real box).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-docs/benchmarks-$(uname -m).md}
scripts/setup.sh
PY=.venv/bin/python

quiet() {  # each script refuses a busy machine: let the last one's load fade (<= 10 min)
  for _ in $(seq 120); do
    awk '{exit !($1 <= 1.0)}' /proc/loadavg && return 0
    sleep 5
  done
  echo "bench: the machine stays busy (load $(cut -d' ' -f1 /proc/loadavg)); stop other work" >&2
  return 1
}

echo "bench: writing $OUT"
quiet && $PY -m bench.memory --write "$OUT"
quiet && $PY bench/routing.py --calls 2000 --write "$OUT"
quiet && $PY -m bench.calls --calls 200 --routes 1000 --audio-calls 50 --tones 3 --write "$OUT"
quiet && $PY bench/audio_bridge.py --bursts 300 --rounds 6 --write "$OUT"
quiet && $PY bench/analog_dsp.py --write "$OUT"
quiet && $PY -m bench.web --records 100000 --clients 20 --seconds 30 --think 1 --routes 1000 \
    --write "$OUT"
echo "bench: done: $OUT"
