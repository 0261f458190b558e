#!/usr/bin/env bash
# Jifen on PostgreSQL against pgbench, on one throwaway local server in one run:
#   1. pgbench TPC-B-like: pgbench -i -s 10, then pgbench -c 8 -j 2 -T 20;
#   2. Jifen transfers (one per transaction, the code path of `jifen transfer`), 8 concurrent
#      clients, 20 s, over 10,000 accounts (uniform), then over 10 hot accounts;
#   3. `jifen serve` on the same server over HTTP with wrk: POST /v1/transfers at 1, 8,
#      32 and 128 connections, uniform (100 volunteers) and 10 hot accounts, group commit on
#      (--batch-max 64) and off (--batch-max 1); then verify and the ledger check (each 2xx once).
#   then the peer pgledger (SQL functions; its SQL from $PGLEDGER_SQL or the local mirror, loaded at
#   bench time) through pgbench, uniform and on 10 hot accounts, as a second anchor;
# Prints transfers per second for each; then ratio= (in-process Jifen ÷ pgbench, uniform case);
# the last line is pg_ratio= (HTTP transfers/s, group commit, 32 connections, uniform ÷ pgbench tps).
# Environment: BENCH_SECONDS (default 20), BENCH_SERVE_SECONDS (each HTTP run, default 10),
# BENCH_CLIENTS (default "1 8 32 128"), BENCH_SHORT=1 (5 s runs), BENCH_VOLUNTEERS (default 100),
# BENCH_CONFIG (release, or debug to skip a release build), SWIFT_SCRATCH_PATH (another build directory).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup postgres
scripts/setup wrk
seconds="${BENCH_SECONDS:-20}"
config="${BENCH_CONFIG:-release}"
scratch=()
[ -n "${SWIFT_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$SWIFT_SCRATCH_PATH")
swift build -c "$config" "${scratch[@]}" --product jifen-pg-bench >&2
swift build -c "$config" "${scratch[@]}" --product jifen >&2
bin="$(swift build -c "$config" "${scratch[@]}" --show-bin-path)/jifen-pg-bench"
J="$(swift build -c "$config" "${scratch[@]}" --show-bin-path)/jifen"
source scripts/lib/serve-load.sh
work=$(mktemp -d /tmp/jifen-bench-pg.XXXXXX)

source scripts/lib/postgres.sh
trap 'serve_stop; pg_throwaway_stop; rm -rf "$work"' EXIT
pg_throwaway_start
pg() { "${PG_AS[@]}" "$PG_BIN/$1" -h "$PG_DIR" -p "$PG_PORT" -U postgres "${@:2}"; }

pg createdb pgbench
pg pgbench -i -s 10 -q pgbench >/dev/null 2>&1
pgb=$(pg pgbench -c 8 -j 2 -T "$seconds" pgbench 2>/dev/null | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
printf 'pgbench TPC-B-like, scale 10, 8 clients, 2 threads, %ss: %.0f tps\n' "$seconds" "$pgb"

# Jifen reaches the server over its unix socket, as pgbench does.
url="postgres://postgres@localhost:$PG_PORT/jifen_test?host=$PG_DIR"
run=$("$bin" "$url&schema=uniform" 10000 8 "$seconds")
run_uniform=$run
uniform=$(sed -n 's/^transfers_per_second=//p' <<<"$run")
echo "jifen transfers, 10,000 accounts, 8 clients, ${seconds}s: ${uniform} transfers/s ($(sed -n 's/^client_cpu_ms_per_transfer=//p' <<<"$run") ms of jifen's CPU each)"
run=$("$bin" "$url&schema=hot" 10 8 "$seconds")
hot=$(sed -n 's/^transfers_per_second=//p' <<<"$run")
echo "jifen transfers, 10 hot accounts, 8 clients, ${seconds}s: ${hot} transfers/s ($(sed -n 's/^client_cpu_ms_per_transfer=//p' <<<"$run") ms of jifen's CPU each)"
echo "jifen on the wire (uniform run): $(grep -E '^(statements|round_trips)_per_transfer=' <<<"$run_uniform" | tr '\n' ' ')"

# --- pg: the peer pgledger (a ledger written as SQL functions) as a second anchor ---------------
# Its SQL is loaded at bench time, never committed: from $PGLEDGER_SQL (with the vendored
# uuid-to-ulid.sql beside it, under vendor/scoville-pgsql-ulid/, when there), else from the local
# mirror of github.com/pgr0ss/pgledger. The files go in the server's directory, which its user reads. Its transfer function, 8 clients, uniform over 10,000
# accounts and on 10 hot accounts, for as long as the Jifen runs.
pgledger_mirror=/work/.mirror/pgr0ss+pgledger/repo
pgledger_src=""
if [ -n "${PGLEDGER_SQL:-}" ]; then
  if [ -f "$PGLEDGER_SQL" ]; then
    ulid="$(dirname "$PGLEDGER_SQL")/vendor/scoville-pgsql-ulid/uuid-to-ulid.sql"
    { [ -f "$ulid" ] && cat "$ulid"; cat "$PGLEDGER_SQL"; } > "$PG_DIR/pgledger.sql"
    pgledger_src="$PGLEDGER_SQL"
  else
    pgledger_skip="PGLEDGER_SQL=$PGLEDGER_SQL is not a file"
  fi
elif git -C "$pgledger_mirror" rev-parse -q --verify HEAD:pgledger.sql >/dev/null 2>&1; then
  { git -C "$pgledger_mirror" show HEAD:vendor/scoville-pgsql-ulid/uuid-to-ulid.sql 2>/dev/null
    git -C "$pgledger_mirror" show HEAD:pgledger.sql; } > "$PG_DIR/pgledger.sql"
  pgledger_src="$pgledger_mirror at $(git -C "$pgledger_mirror" rev-parse --short HEAD)"
else
  pgledger_skip="PGLEDGER_SQL is unset and there is no mirror at $pgledger_mirror"
fi
pgl_uniform=""; pgl_hot=""
if [ -n "$pgledger_src" ]; then
  pgledger_run() { # ACCOUNTS -> transfers/s of pgledger_create_transfer, 8 clients
    local db="pgledger_$1"
    pg createdb "$db"
    pg psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$PG_DIR/pgledger.sql" >/dev/null
    pg psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "
      CREATE TABLE bench_account (n INT PRIMARY KEY, id TEXT NOT NULL);
      INSERT INTO bench_account SELECT g, (pgledger_create_account('a' || g, 'PTS')).id FROM generate_series(1, $1) g;" >/dev/null
    cat > "$PG_DIR/pgledger-$1.sql" <<SQL
\\set a random(1, $1)
\\set b random(1, $(( $1 - 1 )))
SELECT pgledger_create_transfer((SELECT id FROM bench_account WHERE n = :a),
    (SELECT id FROM bench_account WHERE n = CASE WHEN :b >= :a THEN :b + 1 ELSE :b END), 1);
SQL
    pg pgbench -n -c 8 -j 2 -T "$seconds" -f "$PG_DIR/pgledger-$1.sql" "$db" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
  }
  pgl_uniform=$(pgledger_run 10000 || true)
  pgl_hot=$(pgledger_run 10 || true)
fi
if [ -n "$pgl_uniform" ]; then
  printf 'anchor pgledger (%s): pgledger_create_transfer, 8 clients, %ss: %.0f transfers/s over 10,000 accounts, %.0f on 10 hot accounts\n' \
    "$pgledger_src" "$seconds" "$pgl_uniform" "${pgl_hot:-0}"
  printf 'in process, uniform: pgbench %.0f tps, pgledger %.0f/s, jifen %s/s; hot: pgledger %.0f/s, jifen %s/s\n' \
    "$pgb" "$pgl_uniform" "$uniform" "${pgl_hot:-0}" "$hot"
  python3 -c "import sys; print('pgledger_ratio=%.2f (jifen ÷ pgledger, uniform)' % (float(sys.argv[1]) / float(sys.argv[2])))" "$uniform" "$pgl_uniform"
  python3 -c "import sys; print('pgledger_vs_pgbench=%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$pgl_uniform" "$pgb"
else
  echo "anchor pgledger: skipped (${pgledger_skip:-its SQL did not load or pgbench failed on it})"
fi
# --- end pg ----------------------------------------------------------------------------------------
python3 -c "import sys; print('ratio=%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$uniform" "$pgb"

# 3. Over HTTP: one `jifen serve` on the same PostgreSQL.
serve_seconds="${BENCH_SERVE_SECONDS:-10}"
[ "${BENCH_SHORT:-0}" = 1 ] && serve_seconds="${BENCH_SERVE_SECONDS:-5}"
export JIFEN_DB="$url&schema=serve" JIFEN_ACTOR=李主任 JIFEN_LANG=en
serve_community "$J" "${BENCH_VOLUNTEERS:-100}" "$work/tokens"
serve_lua "$work"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure); HTTP runs of ${serve_seconds}s"
for batch in 64 1; do
  serve_start "$J" "$JIFEN_DB" "$batch" "$work"
  mode=$([ "$batch" = 1 ] && echo off || echo on)
  for hot in 0 10; do
    shape=$([ "$hot" = 0 ] && echo uniform || echo hot10)
    for c in ${BENCH_CLIENTS:-1 8 32 128}; do
      serve_transfers "pg-batch_$mode-$shape-c$c" "$c" "$hot" "$work" "$serve_seconds" | tee -a "$work/results"
    done
  done
  serve_stop
done
verified=$("$J" --json verify | python3 -c 'import json,sys; d=json.load(sys.stdin); print("ok" if d["ok"] else "FAULTS " + json.dumps(d["faults"], ensure_ascii=False))')
pg psql -X -q -At -d jifen_test -c "SELECT memo FROM serve.transfer WHERE memo LIKE 'bench-%'" > "$work/ledger-memos"
echo "jifen verify: $verified"
echo "ledger check: $(serve_check "$work" "$work/ledger-memos")"
on32=$(sed -n 's/^pg-batch_on-uniform-c32 .*transfers_per_second=\([0-9]*\) .*/\1/p' "$work/results")
echo "goal: PostgreSQL, 32 clients over HTTP: >= 0.35x pgbench tps; reached $(python3 -c "print(f'{${on32:-0}/$pgb:.2f}')")x"
python3 -c "import sys; print('pg_ratio=%.3f' % (float(sys.argv[1]) / float(sys.argv[2])))" "${on32:-0}" "$pgb"
