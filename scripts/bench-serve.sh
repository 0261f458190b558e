#!/usr/bin/env bash
# `scripts/bench serve` (issue 12): balance reads and transfers over HTTP against a release
# `jifen serve` on loopback, driven by wrk (2 threads, 32 connections), each with its anchor in
# the same run:
#   reads      GET /v1/accounts/V…/balance (each volunteer's own credential, accounts varying)
#              against wrk on GET /health of the same server: HTTP's own cost;
#   transfers  POST /v1/transfers (a volunteer giving 1 point to another, pairs varying, a unique
#              memo each) against ../shared/bench/sqlite_limit.c at synchronous FULL, on the same
#              disk (the SQLite store runs at FULL unless an admin set durability to normal).
# Then `jifen verify`, and a check that the ledger holds every transfer wrk got a 2xx for exactly
# once (by memo), and nothing else but the requests in flight when wrk stopped.
# Last lines: read_ratio= (balance reads/s ÷ /health reqs/s), then ratio= (HTTP transfers/s ÷
# sqlite_limit transfers/s).
# Environment: BENCH_SECONDS (default 10), BENCH_VOLUNTEERS (default 100),
#              BENCH_TRANSFERS (sqlite_limit transfers per round, default 3000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup wrk
swift build -c release --product jifen >&2
J="$(swift build -c release --show-bin-path)/jifen"
out=.build/bench
mkdir -p "$out"
anchor_src=../shared/bench/sqlite_limit.c
[ -f "$anchor_src" ] || anchor_src=/work/shared/bench/sqlite_limit.c
cc -O2 -o "$out/sqlite_limit" "$anchor_src" -lsqlite3

seconds="${BENCH_SECONDS:-10}"
volunteers="${BENCH_VOLUNTEERS:-100}"
n="${BENCH_TRANSFERS:-3000}"
work=$(mktemp -d "$PWD/$out/serve.XXXXXX")        # on the same disk as the anchor's database
server=
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill "$server"; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The scratch community: one team, the volunteers, plenty of points each, a credential each.
export JIFEN_DB="$work/serve.sqlite" JIFEN_ACTOR=李主任 JIFEN_LANG=en
"$J" init --community 玫瑰园社区 --admin 李主任 >/dev/null
"$J" team add --name 压测队 --leader 李主任 >/dev/null
: > "$work/tokens"
for i in $(seq 1 "$volunteers"); do
  printf -v v "V%04d" "$i"
  "$J" volunteer add --name "志愿者$i" --phone "$(printf '139%08d' "$i")" --team T01 >/dev/null
  "$J" grant "$v" 1000000 --reason 压测 --key "bench-$v" >/dev/null
  "$J" --json credential issue "$v" | python3 -c 'import json,sys; print(sys.argv[1], json.load(sys.stdin)["secret"])' "$v" >> "$work/tokens"
done
before=$("$J" --json verify | python3 -c 'import json,sys; print(json.load(sys.stdin)["transfers"])')
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs (other work on the machine skews every figure)"
durability=$(sqlite3 -readonly "$JIFEN_DB" "SELECT value FROM setting WHERE key = 'durability'")
echo "store: SQLite WAL, synchronous=$( [ "$durability" = normal ] && echo NORMAL || echo FULL) (durability setting: ${durability:-unset})"

"$J" serve --listen 127.0.0.1:0 --db "$JIFEN_DB" > "$work/serve.out" 2> "$work/serve.log" &
server=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/serve.out" && break; sleep 0.1; done
url=$(sed -n 's/^jifen serve: listening on //p' "$work/serve.out")
[ -n "$url" ] || { echo "bench serve: the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

# Each wrk thread knows its number; requests sign in as the volunteer whose account they touch.
cat > "$work/common.lua" <<'LUA'
threads = {}
function setup(thread) table.insert(threads, thread); thread:set("tid", #threads) end
function load_tokens()
  local list = {}
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    local id, token = line:match("^(%S+) (%S+)$")
    table.insert(list, { id = id, auth = "Bearer " .. token })
  end
  return list
end
LUA
cat > "$work/balance.lua" <<'LUA'
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
function init(args) people = load_tokens(); n = tid * 37 end
function request()
  n = n + 1
  local p = people[n % #people + 1]
  return wrk.format("GET", "/v1/accounts/" .. p.id .. "/balance", { Authorization = p.auth })
end
LUA
cat > "$work/transfer.lua" <<'LUA'
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
function init(args)
  people = load_tokens(); n = 0; ok = 0; codes = {}
  acks = io.open(os.getenv("BENCH_ACKS") .. "." .. tid, "w"); acks:setvbuf("line")
end
function request()
  n = n + 1
  local count = #people
  local from = (n * 7 + tid * 13) % count + 1
  local to = (from + math.floor(n / count) % (count - 1)) % count + 1   -- never the payer
  local body = string.format('{"from":"%s","to":"%s","points":1,"memo":"bench-%d-%d"}',
                             people[from].id, people[to].id, tid, n)
  return wrk.format("POST", "/v1/transfers",
                    { Authorization = people[from].auth, ["Content-Type"] = "application/json" }, body)
end
function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status >= 200 and status < 300 then
    ok = ok + 1
    acks:write(body:match('"memo":"([^"]*)"') or "?", "\n")
  end
end
function done(summary, latency, requests)
  local total, all = 0, {}
  for _, t in ipairs(threads) do
    total = total + t:get("ok")
    for status, count in pairs(t:get("codes")) do all[status] = (all[status] or 0) + count end
  end
  for status, count in pairs(all) do io.write(string.format("status %d: %d\n", status, count)) end
  io.write(string.format("acknowledged=%d duration_us=%d\n", total, summary.duration))
end
LUA
export BENCH_TOKENS="$work/tokens" BENCH_LUA="$work" BENCH_ACKS="$work/acks"
load() { wrk -t2 -c32 -d"${seconds}s" --latency "$@"; }
rps() { sed -n 's/^Requests\/sec: *//p' "$1"; }
non2xx() { sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$1" | grep . || echo 0; }
errors() { sed -n 's/^ *Socket errors: *//p' "$1" | grep . || echo none; }
pct() {   # the latency at percentile $2 (e.g. 50%, 99%) in ms
  python3 - "$1" "$2" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    m = re.match(r"\s*" + re.escape(sys.argv[2]) + r"\s+([\d.]+)(us|ms|s)\s*$", line)
    if m:
        print(f"{float(m[1]) * {'us': 0.001, 'ms': 1, 's': 1000}[m[2]]:.2f}"); break
PY
}

# A warm-up (connections, page cache, the server's worker threads), then the runs.
wrk -t2 -c32 -d2s "$url/health" > /dev/null
load "$url/health" > "$work/health.txt"
load -s "$work/balance.lua" "$url/v1/accounts/V0001/balance" > "$work/balance.txt"
# The transfer anchor either side of the HTTP transfers, on the same disk; the best counts.
rm -f "$out"/anchor.db*
a1=$("$out/sqlite_limit" "$out/anchor.db" "$n" FULL | sed -n 's/^transfers_per_second=//p')
load -s "$work/transfer.lua" "$url/v1/transfers" > "$work/transfer.txt"
rm -f "$out"/anchor.db*
a2=$("$out/sqlite_limit" "$out/anchor.db" "$n" FULL | sed -n 's/^transfers_per_second=//p')
rm -f "$out"/anchor.db*
kill "$server"; wait "$server" 2>/dev/null || true; server=

health=$(rps "$work/health.txt"); balance=$(rps "$work/balance.txt")
acked=$(sed -n 's/^acknowledged=\([0-9]*\) .*/\1/p' "$work/transfer.txt")
duration=$(sed -n 's/.*duration_us=\([0-9]*\)/\1/p' "$work/transfer.txt")
transfers=$(python3 -c "print(f'{$acked / ($duration / 1e6):.0f}')")
anchor=$(printf '%s\n' "$a1" "$a2" | sort -n | tail -1)
statuses=$(grep '^status ' "$work/transfer.txt" | sort -k2n | sed 's/^status //' | paste -sd, - | sed 's/,/, /g')
fivexx=$(grep -cE '^[A-Z]+ [^ ]+ 5[0-9]{2} ' "$work/serve.log" || true)

# The ledger afterwards: whole and consistent, each acknowledged transfer in it exactly once.
verified=$("$J" --json verify | python3 -c 'import json,sys; d=json.load(sys.stdin); print(("ok" if d["ok"] else "FAULTS " + json.dumps(d["faults"], ensure_ascii=False)), d["transfers"])')
sqlite3 -readonly "$JIFEN_DB" "SELECT memo FROM transfer WHERE memo LIKE 'bench-%'" > "$work/ledger-memos"
check=$(cat "$work"/acks.* | python3 -c '
import collections, sys
acked = [l.strip() for l in sys.stdin if l.strip()]
ledger = [l.strip() for l in open(sys.argv[1]) if l.strip()]
count = collections.Counter(ledger)
doubled = sum(1 for m, c in count.items() if c > 1)
lost = sum(1 for m in set(acked) if m not in count)
extra = len(set(count) - set(acked))
print(f"ledger_transfers={len(ledger)} acknowledged_2xx={len(acked)} acknowledged_lost={lost} doubled={doubled} "
      f"in_ledger_not_acknowledged={extra} (requests in flight when wrk stopped, at most 32)")
' "$work/ledger-memos")

echo "anchor wrk GET /health:          requests_per_second=${health%.*}  non2xx=$(non2xx "$work/health.txt")  socket_errors=$(errors "$work/health.txt")"
echo "jifen GET balance (HTTP):        requests_per_second=${balance%.*}  p50=$(pct "$work/balance.txt" 50%)ms p99=$(pct "$work/balance.txt" 99%)ms  non2xx=$(non2xx "$work/balance.txt")  socket_errors=$(errors "$work/balance.txt")"
echo "anchor sqlite_limit (FULL):      transfers_per_second=$anchor  (rounds: $a1, $a2; $n transfers each)"
echo "jifen POST transfers (HTTP,FULL): transfers_per_second=$transfers  p50=$(pct "$work/transfer.txt" 50%)ms p99=$(pct "$work/transfer.txt" 99%)ms  statuses: $statuses  socket_errors=$(errors "$work/transfer.txt")"
echo "server log: $(wc -l < "$work/serve.log") lines, 5xx answers: $fivexx, transfers answered 200: $(grep -c '^POST /v1/transfers 200 ' "$work/serve.log" || true)"
echo "jifen verify: ${verified% *}; transfers in ledger $(( ${verified##* } - before )) from the bench (+$before grants)"
echo "ledger check: $check"
python3 -c "print(f'read_ratio={$balance/$health:.3f}')"
python3 -c "print(f'ratio={$transfers/$anchor:.3f}')"
