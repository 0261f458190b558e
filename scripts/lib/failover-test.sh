#!/usr/bin/env bash
# The failover test: `jifen serve --db postgres://h1,h2,h3/db` loses its primary under load and goes on
# on a promoted standby, without losing or doubling an acknowledged transfer.
#
# Usage: scripts/lib/failover-test.sh path/to/jifen [sync|async|both]   (both: the default)
#
# Each run starts three PostgreSQL servers on private loopback ports (PostgreSQL 15 binaries, a temp
# folder, removed at the end): a primary and two standbys made with `pg_basebackup -R`, streaming,
# application_name s1 and s2. Then `jifen init` and a community through the three-host URL,
# `jifen serve` on it, and FAILOVER_CLIENTS clients (scripts/lib/failover-client.py) posting transfers
# with idempotency keys and retrying every unacknowledged key with the same key. Under load the
# primary's processes are killed with `kill -9`; the standby that received the most WAL is
# promoted (`pg_ctl promote`), the other is pointed at it. Afterwards, on the new primary:
#   - every acknowledged transfer is there exactly once (its key, its id), each retried key once;
#   - `jifen verify` is green;
#   - it prints how long the service answered 503 (from the first answer that was not 200 to the last).
#   sync:  synchronous_standby_names = 'ANY 1 (s1, s2)', synchronous_commit = on. Fails on any loss.
#   async: the control run, synchronous_standby_names = '': prints how many acknowledged transfers
#          were lost and the replication lag seen just before the kill; does not fail on a loss.
# It takes 30–60 s per run on the 2-core development machine (debug build).
set -euo pipefail
cd "$(dirname "$0")/../.."
jifen=$(realpath "${1:?usage: scripts/lib/failover-test.sh path/to/jifen [sync|async|both]}")
modes=${2:-both}
[ "$modes" = both ] && modes="sync async"
clients=${FAILOVER_CLIENTS:-6}
source scripts/lib/serve-load.sh

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/pg_basebackup" ] || { scripts/setup postgres; bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); }
as=()
[ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }

WORK=
SERVE_PID=
cleanup() {
  serve_stop
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    for node in p s1 s2; do
      [ -f "$WORK/$node/postmaster.pid" ] && "${as[@]}" "$bindir/pg_ctl" -D "$WORK/$node" -m immediate -w stop >/dev/null 2>&1 || true
    done
    [ -n "${FAILOVER_KEEP:-}" ] && { echo "failover: kept $WORK" >&2; return; }
    rm -rf "$WORK"
  fi
  WORK=
}
trap cleanup EXIT

psql_at() { "$bindir/psql" -X -q -h 127.0.0.1 -p "$1" -U postgres -d "${3:-postgres}" -Atc "$2"; }

# start NODE PORT: starts the server in $WORK/NODE on PORT.
start() {
  "${as[@]}" "$bindir/pg_ctl" -D "$WORK/$1" -l "$WORK/$1.log" -w -t 60 -o "-p $2 -k $WORK" start >/dev/null \
    || { echo "failover: $1 did not start:" >&2; cat "$WORK/$1.log" >&2; return 1; }
}

run() {
  local mode=$1 started ports p s1 s2 url names
  started=$(now)
  WORK=$(mktemp -d /tmp/jifen-failover.XXXXXX)
  chmod 755 "$WORK"
  [ ${#as[@]} -gt 0 ] && chown postgres "$WORK"
  p=$(free_port); s1=$(free_port); s2=$(free_port)
  declare -A port=([p]=$p [s1]=$s1 [s2]=$s2)
  local sync="''"
  [ "$mode" = sync ] && sync="'ANY 1 (s1, s2)'"
  "${as[@]}" "$bindir/initdb" -D "$WORK/p" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; return 1; }
  # Every server gets the same settings (a promoted standby keeps them): streaming replication on
  # loopback, and in the synchronous run a commit waits for one of the two standbys.
  cat >>"$WORK/p/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
max_connections = 100
wal_level = replica
max_wal_senders = 10
wal_keep_size = '256MB'
hot_standby = on
synchronous_commit = on
synchronous_standby_names = $sync
wal_sender_timeout = '5s'
wal_receiver_timeout = '5s'
CONF
  start p "$p"
  for node in s1 s2; do
    "${as[@]}" "$bindir/pg_basebackup" -h 127.0.0.1 -p "$p" -U postgres -D "$WORK/$node" -R -X stream >"$WORK/$node.backup.log" 2>&1 \
      || { cat "$WORK/$node.backup.log" >&2; return 1; }
    echo "primary_conninfo = 'host=127.0.0.1 port=$p user=postgres application_name=$node'" \
      | "${as[@]}" tee -a "$WORK/$node/postgresql.auto.conf" >/dev/null
    start "$node" "${port[$node]}"
  done
  for _ in $(seq 100); do
    [ "$(psql_at "$p" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 2 ] && break
    sleep 0.2
  done
  echo "failover[$mode]: primary :$p, standbys s1 :$s1 s2 :$s2: $(psql_at "$p" "SELECT string_agg(application_name || '=' || sync_state, ' ' ORDER BY application_name) FROM pg_stat_replication")"
  "${as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$p" -U postgres jifen
  url="postgres://postgres@127.0.0.1:$p,127.0.0.1:$s1,127.0.0.1:$s2/jifen?connect_timeout=2&answer_timeout=5"

  # A community of volunteers with points and credentials, made through the three-host URL.
  export JIFEN_DB=$url JIFEN_ACTOR=李主任
  serve_community "$jifen" "$clients" "$WORK/tokens"
  unset JIFEN_DB JIFEN_ACTOR
  [ "$(wc -l <"$WORK/tokens")" -eq "$clients" ] || { echo "failover: the community was not set up" >&2; return 1; }
  "$jifen" serve --listen 127.0.0.1:0 --db "$url" --max-connections-per-address 512 >"$WORK/serve.out" 2>"$WORK/serve.log" &
  SERVE_PID=$!
  for _ in $(seq 200); do grep -q 'listening on' "$WORK/serve.out" && break; sleep 0.1; done
  SERVE_URL=$(sed -n 's/^jifen serve: listening on //p' "$WORK/serve.out")
  [ -n "$SERVE_URL" ] || { echo "failover: jifen serve did not start:" >&2; cat "$WORK/serve.log" >&2; return 1; }

  python3 scripts/lib/failover-client.py "$SERVE_URL" "$WORK/tokens" "$clients" "fo-$mode" "$WORK/stop" "$WORK/clients.json" &
  local client_pid=$! before acks_before lag pid new other
  sleep "${FAILOVER_LOAD_SECONDS:-5}"

  # What the standbys had not yet replayed, just before the primary dies.
  lag=$(psql_at "$p" "SELECT string_agg(application_name || ' ' || sync_state || ' ' || pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) || ' bytes behind, replay_lag ' || coalesce(replay_lag::text, '0'), '; ' ORDER BY application_name) FROM pg_stat_replication")
  before=$(psql_at "$p" "SELECT count(*) FROM transfer" jifen)
  # The primary dies: the postmaster and every one of its processes, at once.
  pid=$(head -1 "$WORK/p/postmaster.pid")
  kill -9 "$pid" $(pgrep -P "$pid") 2>/dev/null || true
  local killed
  killed=$(now)
  echo "failover[$mode]: primary killed (kill -9) with $before transfers in it; standbys before the kill: $lag"

  # Promote the standby that received the most WAL (as pg_auto_failover would), point the other at it.
  local r1 r2
  r1=$(psql_at "$s1" "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')")
  r2=$(psql_at "$s2" "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')")
  if python3 -c "import sys; sys.exit(0 if $r1 >= $r2 else 1)"; then new=s1; other=s2; else new=s2; other=s1; fi
  psql_at "${port[$other]}" "ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=${port[$new]} user=postgres application_name=$other'" >/dev/null
  psql_at "${port[$other]}" "SELECT pg_reload_conf()" >/dev/null
  "${as[@]}" "$bindir/pg_ctl" -D "$WORK/$new" -w promote >/dev/null
  local promoted
  promoted=$(now)
  echo "failover[$mode]: promoted $new (received $( [ $new = s1 ] && echo "$r1" || echo "$r2") against $( [ $new = s1 ] && echo "$r2" || echo "$r1") bytes) $(python3 -c "print(f'{$promoted - $killed:.1f}')") s after the kill; $other follows it"
  for _ in $(seq 150); do
    [ "$(psql_at "${port[$new]}" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && break
    sleep 0.2
  done
  echo "failover[$mode]: $other streams from $new $(python3 -c "print(f'{$(now) - $killed:.1f}')") s after the kill"
  sleep "${FAILOVER_LOAD_SECONDS:-5}"
  touch "$WORK/stop"
  wait "$client_pid"
  serve_stop

  # The ledger on the new primary against what the clients were told.
  psql_at "${port[$new]}" "SELECT key, id, count(*) OVER (PARTITION BY key) FROM transfer WHERE key LIKE '%fo-%'" jifen >"$WORK/ledger.txt"
  local verify_status=0
  "$jifen" --db "postgres://postgres@127.0.0.1:${port[$new]}/jifen" verify >"$WORK/verify.out" 2>&1 || verify_status=$?
  python3 - "$mode" "$WORK/clients.json" "$WORK/ledger.txt" "$verify_status" "$killed" "$started" "$lag" <<'PY'
import json, sys, time
mode, clients, ledger, verify_status, killed, started, lag = sys.argv[1:8]
result = json.load(open(clients))
rows = [line.split("|") for line in open(ledger) if line.strip()]
# The ledger's key is the Idempotency-Key, possibly behind a prefix of its own.
def client_key(k):
    return k[k.index("fo-"):]
ledger_ids = {}
doubled = 0
for key, tid, count in rows:
    ledger_ids.setdefault(client_key(key), []).append(int(tid))
    doubled += int(count) > 1
acked = result["acked"]
lost = [k for k in acked if k not in ledger_ids]
wrong_id = [k for k in acked if k in ledger_ids and acked[k]["id"] is not None and acked[k]["id"] not in ledger_ids[k]]
retried = result["retried"]
retried_twice = [k for k in retried if len(ledger_ids.get(k, [])) > 1]
replayed = sum(1 for k in retried if acked[k]["replayed"])
failures = result["failures"]
statuses = {}
for _, status, code in failures:
    label = f"{status} {code}".strip()
    statuses[label] = statuses.get(label, 0) + 1
print(f"failover[{mode}]: acknowledged={len(acked)} lost={len(lost)} doubled={doubled} wrong_id={len(wrong_id)} "
      f"retried={len(retried)} (answered as a replay of a commit the client never heard of: {replayed}; "
      f"applied on retry: {len(retried) - replayed}; applied twice: {len(retried_twice)}) "
      f"refused={len(result['refused'])}")
if failures:
    # The outage: from the first answer that was not 200 to the first 200 after it (any client), and
    # the longest a client waited with a key in hand.
    first = min(t for t, _, _ in failures)
    back = min((a["time"] for a in acked.values() if a["time"] > first), default=float("nan"))
    print(f"failover[{mode}]: the service answered 503 for {back - first:.1f} s: first at {first - float(killed):+.1f} s "
          f"from the kill, answering 200 again at {back - float(killed):+.1f} s; last not-200 at "
          f"{max(t for t, _, _ in failures) - float(killed):+.1f} s; not-200 answers: {statuses}")
else:
    print(f"failover[{mode}]: no request failed")
print(f"failover[{mode}]: verify exit {verify_status}; replication before the kill: {lag}; run {time.time() - float(started):.0f} s")
for key, status, body in result["refused"][:5]:
    print(f"failover[{mode}]: refused {key}: {status} {body}")
bad = verify_status != "0" or doubled or wrong_id or retried_twice or result["refused"] or not acked or not failures
if mode == "sync":
    bad = bad or lost
elif lost:
    print(f"failover[{mode}]: LOST {len(lost)} acknowledged transfers with asynchronous replication (expected risk): {lost[:5]}")
sys.exit(1 if bad else 0)
PY
  local status=$?
  [ "$verify_status" = 0 ] || cat "$WORK/verify.out" >&2
  cleanup
  return $status
}

failed=0
for mode in $modes; do
  run "$mode" || { echo "failover[$mode]: FAILED" >&2; failed=1; }
done
exit $failed
