#!/usr/bin/env bash
# Jifen on PostgreSQL against pgbench, on one throwaway local server in one run:
#   1. pgbench TPC-B-like: pgbench -i -s 10, then pgbench -c 8 -j 2 -T 20;
#   2. Jifen transfers (one per transaction, the code path of `jifen transfer`), 8 concurrent
#      clients, 20 s, over 10,000 accounts (uniform), then over 10 hot accounts.
# Prints transfers per second for each; the last line is ratio= (Jifen ÷ pgbench, uniform case).
# Environment: BENCH_SECONDS (default 20), BENCH_CONFIG (release, or debug to skip a release build),
# SWIFT_SCRATCH_PATH (another build directory).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup postgres
seconds="${BENCH_SECONDS:-20}"
config="${BENCH_CONFIG:-release}"
scratch=()
[ -n "${SWIFT_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$SWIFT_SCRATCH_PATH")
swift build -c "$config" "${scratch[@]}" --product jifen-pg-bench >&2
bin="$(swift build -c "$config" "${scratch[@]}" --show-bin-path)/jifen-pg-bench"

source scripts/lib/postgres.sh
trap pg_throwaway_stop EXIT
pg_throwaway_start
pg() { "${PG_AS[@]}" "$PG_BIN/$1" -h "$PG_DIR" -p "$PG_PORT" -U postgres "${@:2}"; }

pg createdb pgbench
pg pgbench -i -s 10 -q pgbench >/dev/null 2>&1
pgb=$(pg pgbench -c 8 -j 2 -T "$seconds" pgbench 2>/dev/null | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
printf 'pgbench TPC-B-like, scale 10, 8 clients, 2 threads, %ss: %.0f tps\n' "$seconds" "$pgb"

# Jifen reaches the server over its unix socket, as pgbench does.
url="postgres://postgres@localhost:$PG_PORT/jifen_test?host=$PG_DIR"
run=$("$bin" "$url&schema=uniform" 10000 8 "$seconds")
uniform=$(sed -n 's/^transfers_per_second=//p' <<<"$run")
echo "jifen transfers, 10,000 accounts, 8 clients, ${seconds}s: ${uniform} transfers/s ($(sed -n 's/^client_cpu_ms_per_transfer=//p' <<<"$run") ms of jifen's CPU each)"
run=$("$bin" "$url&schema=hot" 10 8 "$seconds")
hot=$(sed -n 's/^transfers_per_second=//p' <<<"$run")
echo "jifen transfers, 10 hot accounts, 8 clients, ${seconds}s: ${hot} transfers/s ($(sed -n 's/^client_cpu_ms_per_transfer=//p' <<<"$run") ms of jifen's CPU each)"
python3 -c "import sys; print('ratio=%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$uniform" "$pgb"
