#!/usr/bin/env bash
# The notifier's benchmark: 10,000 events to a loopback receiver that fails 30% of
# first attempts; prints deliveries per second of the first pass and the time until all are
# delivered. Last line: deliveries_per_second=N. Goal: at least 1000.
# Usage: scripts/bench-notify.sh [--events N] [--fail-percent P]
# JIFEN_SCRATCH_PATH picks the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${JIFEN_SCRATCH_PATH:-.build}"
swift build -c release --product jifen-notify-bench --scratch-path "$scratch" >&2
exec "$scratch/release/jifen-notify-bench" "$@"
