# HTTP transfer load on a `jifen serve` with wrk, shared by scripts/bench-serve.sh (SQLite) and
# scripts/bench-postgres.sh (PostgreSQL). Source it, then:
#   serve_community J N TOKENS        a community with N volunteers (1,000,000 points and a
#                                     credential each) in $JIFEN_DB; "V… token" lines to TOKENS
#   serve_lua WORK                    writes the wrk scripts into WORK
#   serve_start J DB BATCH WORK       starts `jifen serve --batch-max BATCH`; sets SERVE_PID, SERVE_URL
#   serve_stop                        SIGTERM, and waits
#   serve_transfers LABEL CLIENTS HOT WORK SECONDS
#                                     POST /v1/transfers from CLIENTS connections (HOT: 0 = all
#                                     volunteers, else the first HOT), one line:
#                                     LABEL clients=… transfers_per_second=… p50=…ms p99=…ms statuses: …
#                                     and the memos of the 2xx answers in WORK/acks.LABEL.*
#   serve_check WORK MEMOS            each acknowledged memo in MEMOS (the ledger's) exactly once
SERVE_PID=
SERVE_URL=

serve_community() {
  local J=$1 n=$2 tokens=$3 i v
  "$J" init --community 玫瑰园社区 --admin 李主任 >/dev/null
  "$J" team add --name 压测队 --leader 李主任 >/dev/null
  : > "$tokens"
  for i in $(seq 1 "$n"); do
    printf -v v "V%04d" "$i"
    "$J" volunteer add --name "志愿者$i" --phone "$(printf '139%08d' "$i")" --team T01 >/dev/null
    "$J" grant "$v" 1000000 --reason 压测 --key "bench-$v" >/dev/null
    # Each volunteer's own credential: confirmed as hers (`--as`), so it may spend her points.
    "$J" --json credential issue "$v" | python3 -c 'import json,sys; c = json.load(sys.stdin); print(sys.argv[1], c["secret"], c["credential"]["id"])' "$v" \
      | while read -r who secret id; do "$J" --as "$who" credential confirm "$id" >/dev/null; echo "$who $secret"; done >> "$tokens"
  done
}

serve_lua() {
  local work=$1
  cat > "$work/common.lua" <<'LUA'
threads = {}
function setup(thread) table.insert(threads, thread); thread:set("tid", #threads) end
function load_tokens()
  local list, hot = {}, tonumber(os.getenv("BENCH_HOT") or "0")
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    local id, token = line:match("^(%S+) (%S+)$")
    if hot == 0 or #list < hot then table.insert(list, { id = id, auth = "Bearer " .. token }) end
  end
  return list
end
LUA
  cat > "$work/transfer.lua" <<'LUA'
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
function init(args)
  people = load_tokens(); n = 0; ok = 0; codes = {}; run = os.getenv("BENCH_RUN")
  acks = io.open(os.getenv("BENCH_ACKS") .. "." .. tid, "w"); acks:setvbuf("line")
end
function request()
  n = n + 1
  local count = #people
  local from = (n * 7 + tid * 13) % count + 1
  local to = (from + math.floor(n / count) % (count - 1)) % count + 1   -- never the payer
  local body = string.format('{"from":"%s","to":"%s","points":1,"memo":"bench-%s-%d-%d"}',
                             people[from].id, people[to].id, run, tid, n)
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
}

serve_start() {
  local J=$1 db=$2 batch=$3 work=$4
  # wrk's up to 128 connections all come from 127.0.0.1: above the default per-address limit (64).
  "$J" serve --listen 127.0.0.1:0 --db "$db" --batch-max "$batch" --max-connections-per-address 512 ${BENCH_READERS:+--readers "$BENCH_READERS"} > "$work/serve.out" 2> "$work/serve-$batch.log" &
  SERVE_PID=$!
  for _ in $(seq 200); do grep -q 'listening on' "$work/serve.out" && break; sleep 0.1; done
  SERVE_URL=$(sed -n 's/^jifen serve: listening on //p' "$work/serve.out")
  [ -n "$SERVE_URL" ] || { echo "bench: the server did not start:" >&2; cat "$work/serve-$batch.log" >&2; return 1; }
  wrk -t1 -c4 -d1s "$SERVE_URL/health" > /dev/null
}

serve_stop() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; fi
  SERVE_PID=
}

serve_pct() {   # the latency at percentile $2 (e.g. 50%, 99%) in ms
  python3 - "$1" "$2" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    m = re.match(r"\s*" + re.escape(sys.argv[2]) + r"\s+([\d.]+)(us|ms|s)\s*$", line)
    if m:
        print(f"{float(m[1]) * {'us': 0.001, 'ms': 1, 's': 1000}[m[2]]:.2f}"); break
PY
}

serve_transfers() {
  local label=$1 clients=$2 hot=$3 work=$4 seconds=$5 threads=2 out acked duration
  [ "$clients" -lt 2 ] && threads=1
  out="$work/run-$label.txt"
  BENCH_TOKENS="$work/tokens" BENCH_LUA="$work" BENCH_ACKS="$work/acks.$label" BENCH_RUN="$label" BENCH_HOT="$hot" \
    wrk -t"$threads" -c"$clients" -d"${seconds}s" --timeout 10s --latency -s "$work/transfer.lua" "$SERVE_URL/v1/transfers" > "$out"
  acked=$(sed -n 's/^acknowledged=\([0-9]*\) .*/\1/p' "$out")
  duration=$(sed -n 's/.*duration_us=\([0-9]*\)/\1/p' "$out")
  printf '%s clients=%s transfers_per_second=%s p50=%sms p99=%sms statuses: %s\n' "$label" "$clients" \
    "$(python3 -c "print(f'{$acked / ($duration / 1e6):.0f}')")" "$(serve_pct "$out" 50%)" "$(serve_pct "$out" 99%)" \
    "$(grep '^status ' "$out" | sort -k2n | sed 's/^status //' | paste -sd, - | sed 's/,/, /g')"
}

serve_check() {
  local work=$1 memos=$2
  cat "$work"/acks.* | python3 -c '
import collections, sys
acked = [l.strip() for l in sys.stdin if l.strip()]
ledger = [l.strip() for l in open(sys.argv[1]) if l.strip()]
count = collections.Counter(ledger)
doubled = sum(1 for m, c in count.items() if c > 1)
lost = sum(1 for m in set(acked) if m not in count)
extra = len(set(count) - set(acked))
print(f"ledger_transfers={len(ledger)} acknowledged_2xx={len(acked)} acknowledged_lost={lost} doubled={doubled} "
      f"in_ledger_not_acknowledged={extra} (requests in flight when wrk stopped)")
' "$memos"
}
