#!/usr/bin/env bash
# `scripts/bench serve`: reads and transfers over HTTP against a release
# `jifen serve` on loopback, driven by wrk, each with its anchor in the same run:
#   reads      GET /v1/accounts/V…/balance (32 connections, each volunteer's own credential)
#              against wrk on GET /health of the same server: HTTP's own cost;
#   transfers  POST /v1/transfers (a volunteer giving 1 point to another, pairs varying, a unique
#              memo each) at 1, 8, 32 and 128 connections, over all volunteers (uniform) and over
#              10 hot accounts, with group commit on (--batch-max 64) and off (--batch-max 1),
#              against ../shared/bench/sqlite_limit.c at synchronous FULL on the same disk (the
#              SQLite store runs at FULL unless an admin set durability to normal).
# Then `jifen verify`, and a check that the ledger holds every transfer wrk got a 2xx for exactly
# once (by memo), and nothing else but the requests in flight when a run stopped.
# Last lines: read_ratio= (balance reads/s ÷ /health reqs/s), then ratio= (HTTP transfers/s with
# group commit, 32 connections, uniform ÷ sqlite_limit transfers/s).
# Environment: BENCH_SECONDS (each run, default 10), BENCH_VOLUNTEERS (default 100),
#              BENCH_TRANSFERS (sqlite_limit transfers per round, default 3000),
#              BENCH_CLIENTS (default "1 8 32 128"), BENCH_SHORT=1 (5 s runs),
#              BENCH_CONFIG=debug (the debug build: direction only), BENCH_READERS (jifen serve --readers).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup wrk
# BENCH_CONFIG=debug: the debug build, for direction only (counts and profiles; never a figure to report).
config="${BENCH_CONFIG:-release}"
swift build -c "$config" --product jifen >&2
J="$(swift build -c "$config" --show-bin-path)/jifen"
out=.build/bench
mkdir -p "$out"
anchor_src=../shared/bench/sqlite_limit.c
[ -f "$anchor_src" ] || anchor_src=/work/shared/bench/sqlite_limit.c
cc -O2 -o "$out/sqlite_limit" "$anchor_src" -lsqlite3
source scripts/lib/serve-load.sh

seconds="${BENCH_SECONDS:-10}"
[ "${BENCH_SHORT:-0}" = 1 ] && seconds="${BENCH_SECONDS:-5}"
volunteers="${BENCH_VOLUNTEERS:-100}"
n="${BENCH_TRANSFERS:-3000}"
clients_list="${BENCH_CLIENTS:-1 8 32 128}"
work=$(mktemp -d "$PWD/$out/serve.XXXXXX")        # on the same disk as the anchor's database
cleanup() { serve_stop; rm -rf "$work"; rm -f "$out"/anchor.db*; }
trap cleanup EXIT

export JIFEN_DB="$work/serve.sqlite" JIFEN_ACTOR=李主任 JIFEN_LANG=en
serve_community "$J" "$volunteers" "$work/tokens"
serve_lua "$work"
before=$("$J" --json verify | python3 -c 'import json,sys; print(json.load(sys.stdin)["transfers"])')
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs (other work on the machine skews every figure)"
durability=$(sqlite3 -readonly "$JIFEN_DB" "SELECT value FROM setting WHERE key = 'durability'")
echo "store: SQLite WAL, synchronous=$( [ "$durability" = normal ] && echo NORMAL || echo FULL) (durability setting: ${durability:-unset}); runs of ${seconds}s"

rps() { sed -n 's/^Requests\/sec: *//p' "$1"; }
cat > "$work/balance.lua" <<'LUA'
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
function init(args) people = load_tokens(); n = tid * 37 end
function request()
  n = n + 1
  local p = people[n % #people + 1]
  return wrk.format("GET", "/v1/accounts/" .. p.id .. "/balance", { Authorization = p.auth })
end
LUA
anchor_round() { rm -f "$out"/anchor.db*; "$out/sqlite_limit" "$out/anchor.db" "$n" FULL | sed -n 's/^transfers_per_second=//p'; }

# Reads, and the HTTP anchor, on the server with group commit.
serve_start "$J" "$JIFEN_DB" 64 "$work"
wrk -t2 -c32 -d2s "$SERVE_URL/health" > /dev/null
wrk -t2 -c32 -d"${seconds}s" --latency "$SERVE_URL/health" > "$work/health.txt"
BENCH_TOKENS="$work/tokens" BENCH_LUA="$work" wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/balance.lua" "$SERVE_URL/v1/accounts/V0001/balance" > "$work/balance.txt"
health=$(rps "$work/health.txt"); balance=$(rps "$work/balance.txt")
echo "anchor wrk GET /health:    requests_per_second=${health%.*}"
echo "jifen GET balance (HTTP):  requests_per_second=${balance%.*}  p50=$(serve_pct "$work/balance.txt" 50%)ms p99=$(serve_pct "$work/balance.txt" 99%)ms"

# The transfer anchor either side of the HTTP transfers, on the same disk; the best counts.
a1=$(anchor_round)
echo "anchor sqlite_limit (FULL): transfers_per_second=$a1 ($n transfers, one a transaction)"
for batch in 64 1; do
  [ "$batch" = 64 ] || serve_start "$J" "$JIFEN_DB" "$batch" "$work"
  mode=$([ "$batch" = 1 ] && echo off || echo on)
  for hot in 0 10; do
    shape=$([ "$hot" = 0 ] && echo uniform || echo hot10)
    for c in $clients_list; do
      serve_transfers "sqlite-batch_$mode-$shape-c$c" "$c" "$hot" "$work" "$seconds" | tee -a "$work/results"
    done
  done
  serve_stop
done
a2=$(anchor_round)
echo "anchor sqlite_limit (FULL): transfers_per_second=$a2 (again, after the HTTP runs)"
anchor=$(printf '%s\n' "$a1" "$a2" | sort -n | tail -1)

fivexx=$(cat "$work"/serve-*.log | grep -cE '^[A-Z]+ [^ ]+ 5[0-9]{2} ' || true)
verified=$("$J" --json verify | python3 -c 'import json,sys; d=json.load(sys.stdin); print(("ok" if d["ok"] else "FAULTS " + json.dumps(d["faults"], ensure_ascii=False)), d["transfers"])')
sqlite3 -readonly "$JIFEN_DB" "SELECT memo FROM transfer WHERE memo LIKE 'bench-%'" > "$work/ledger-memos"
echo "server logs: 5xx answers: $fivexx"
echo "jifen verify: ${verified% *}; transfers in ledger $(( ${verified##* } - before )) from the bench (+$before grants)"
echo "ledger check: $(serve_check "$work" "$work/ledger-memos")"
on32=$(sed -n 's/^sqlite-batch_on-uniform-c32 .*transfers_per_second=\([0-9]*\) .*/\1/p' "$work/results")
p99=$(sed -n 's/^sqlite-batch_on-uniform-c32 .* p99=\([0-9.]*\)ms.*/\1/p' "$work/results")
echo "goal: SQLite, 32 clients, group commit: >= 1x the anchor with p99 <= 25 ms, balance reads >= 0.3x GET /health; reached $(python3 -c "print(f'{${on32:-0}/$anchor:.2f}')")x with p99 ${p99:-?} ms"
python3 -c "print(f'read_ratio={$balance/$health:.3f}')"
python3 -c "print(f'ratio={${on32:-0}/$anchor:.3f}')"
