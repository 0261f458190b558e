#!/usr/bin/env bash
# A district on one installation: 50 communities, 100,000 volunteers, 1,000 merchants and ten years
# of transfers, 1,000,000 on SQLite and 10,000,000 on PostgreSQL, generated through the ledger's
# write path in large transactions (jifen-bench district: earned for service hours, redeemed at
# merchants, refunds, gifts, settlements, a monthly expiry run in one transaction, each month's
# checkpoints sealed as it closes, on the generator's own clock) and,
# for PostgreSQL, copied in by `jifen migrate` (the bulk import path). Then, for each store, every
# line beside its anchor of the same size from the same run:
#   one community's month report     vs a plain SQL GROUP BY over that community's month
#   the district's month report      vs a plain SQL GROUP BY over the whole month
#   verify from the last checkpoint  vs a scan of the transfers since the checkpoint
#   verify --full (time, peak RSS)   vs a full scan of the transfer table (time, peak RSS)
#   a balance read at N transfers    vs the same read in a district of 1,000 transfers
#   database bytes per transfer      vs the transfer table's own bytes per transfer
#   person erase (1,000 transfers)   vs a plain UPDATE of her row and a count of her transfers
# A line whose command this build does not have prints `<line>: n/a (needs …)`. Last line ratio=
# (verify --full ÷ its full-scan anchor, on the largest store measured).
# Environment: BENCH_SQLITE_TRANSFERS (default 1000000), BENCH_PG_TRANSFERS (default 10000000; 0 skips
# PostgreSQL), BENCH_SQLITE=0 skips SQLite, BENCH_VOLUNTEERS (100000), BENCH_MERCHANTS (1000),
# BENCH_COMMUNITIES (50), BENCH_ROUNDS (best of, default 3; verify --full runs once), BENCH_CONFIG
# (release, or debug to skip a release build), BENCH_KEEP=1 keeps the databases in .build/bench-district,
# BENCH_GENERATE=0 measures the databases kept there (a copy of each, made on the first such run, so
# the erase measured does not change them) instead of generating, BENCH_BIN=DIR runs the jifen,
# jifen-bench and jifen-pg-bench found there without building.
set -euo pipefail
cd "$(dirname "$0")/.."

# ---------------------------------------------------------------------------------------------
# The commands measured, in one place. {MONTH} {COMMUNITY} {DISTRICT} {PERSON} are filled in.
# Each line runs when `jifen <words> --help` shows the option named beside it, else prints n/a.
CMD_COMMUNITY_REPORT='report --month {MONTH} --community {COMMUNITY}'; NEEDS_COMMUNITY_REPORT='report|--community|tree'
CMD_DISTRICT_REPORT='report --month {MONTH} --office {DISTRICT}';     NEEDS_DISTRICT_REPORT='report|--office|tree'
CMD_CHECKPOINT='checkpoint';                                          NEEDS_CHECKPOINT='checkpoint||chain'
CMD_VERIFY_CHECKPOINT='verify';                                       NEEDS_VERIFY_CHECKPOINT='verify|--full|chain'
CMD_VERIFY_FULL='verify --full';                                      NEEDS_VERIFY_FULL='verify|--full|chain'
CMD_VERIFY_WHOLE='verify'   # what proves the whole history before `verify --full` exists
CMD_ERASE='person erase {PERSON} --reason 本人申请注销';              NEEDS_ERASE='person erase|--reason|privacy'
# The district's id once the generator makes one (tree: office add), and the community timed.
DISTRICT="${BENCH_DISTRICT:-D01}"
COMMUNITY="${BENCH_COMMUNITY:-C01}"
# ---------------------------------------------------------------------------------------------

sqlite_n="${BENCH_SQLITE_TRANSFERS:-1000000}"
pg_n="${BENCH_PG_TRANSFERS:-10000000}"
volunteers="${BENCH_VOLUNTEERS:-100000}"
merchants="${BENCH_MERCHANTS:-1000}"
communities="${BENCH_COMMUNITIES:-50}"
rounds="${BENCH_ROUNDS:-3}"
config="${BENCH_CONFIG:-release}"
out=.build/bench-district
mkdir -p "$out"

if [ -n "${BENCH_BIN:-}" ]; then
  bin=$BENCH_BIN
else
  swift build -c "$config" --product jifen >&2
  swift build -c "$config" --product jifen-bench >&2
  swift build -c "$config" --product jifen-pg-bench >&2
  bin=$(swift build -c "$config" --show-bin-path)
fi
generating="${BENCH_GENERATE:-1}"
# kept NAME: with BENCH_GENERATE=0, the kept database NAME restored from its first copy.
kept() {
  [ -f "$out/$1.kept" ] || cp "$out/$1" "$out/$1.kept"
  rm -f "$out/$1-wal" "$out/$1-shm"
  cp "$out/$1.kept" "$out/$1"
}
J="$bin/jifen"

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

# supports NEEDS: true when `jifen <words> --help` exists and shows the option.
supports() {
  local words option
  IFS='|' read -r words option _ <<<"$1"
  local help
  # shellcheck disable=SC2086
  help=$("$J" $words --help 2>&1) || return 1
  grep -q "USAGE: jifen $words" <<<"$help" || return 1
  [ -z "$option" ] || grep -q -- "$option" <<<"$help"
}
# needs NEEDS: "helper: jifen words option", what the line waits for.
needs() { local words option helper; IFS='|' read -r words option helper <<<"$1"; echo "$helper: jifen $words${option:+ $option}"; }
fill() { sed -e "s/{MONTH}/$month/g" -e "s/{COMMUNITY}/$COMMUNITY/g" -e "s/{DISTRICT}/$DISTRICT/g" -e "s/{PERSON}/$person/g" <<<"$1"; }

# timed ROUNDS CMD...: best wall seconds and the largest peak RSS (kB, from wait4, as /usr/bin/time -v
# reports it) of ROUNDS fresh runs; prints "SECONDS RSS_KB". A failing command ends the run.
timed() {
  python3 - "$@" <<'PY'
import os, subprocess, sys, tempfile, time
rounds, cmd = int(sys.argv[1]), sys.argv[2:]
best, rss = None, 0
for _ in range(rounds):
    log = tempfile.TemporaryFile()
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
    _, status, usage = os.wait4(p.pid, 0)
    e = time.perf_counter() - t
    log.seek(0)
    err = log.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(cmd)}\n{err}")
        sys.exit(1)
    best = e if best is None or e < best else best
    rss = max(rss, usage.ru_maxrss)
print(f"{best:.4f} {rss}")
PY
}
fmt() { python3 -c "import sys; print(f'{float(sys.argv[1]):.3f}')" "$1"; }
ratio() { python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(f'{a/b:.2f}' if b > 0 else 'inf')" "$1" "$2"; }
line() { printf '%-44s %s\n' "$1" "$2"; }

# Month bounds (ms) of $month in the community's zone, for the SQL anchors.
bounds() {
  python3 - "$1" <<'PY'
import sys, datetime, zoneinfo
y, m = map(int, sys.argv[1].split("-"))
z = zoneinfo.ZoneInfo("Asia/Shanghai")
a = datetime.datetime(y, m, 1, tzinfo=z)
b = datetime.datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=z)
print(int(a.timestamp() * 1000), int(b.timestamp() * 1000))
PY
}

# generate DB N [VOLUNTEERS MERCHANTS COMMUNITIES ERASE_TARGET] > key=value lines
generate() { "$bin/jifen-bench" district "$@"; }
value() { sed -n "s/^$1=//p" "$2"; }

# measure STORE DB-LOCATION INFO-FILE SMALL-LOCATION: every line for one store.
measure() {
  local store=$1 db=$2 info=$3 small=$4
  local transfers now_millis from to t a r s
  transfers=$(value transfers "$info")
  month=$(value report_month "$info")
  person=$(value erase_target "$info")
  now_millis=$(value now_millis "$info")
  read -r from to < <(bounds "$month")
  export JIFEN_NOW
  JIFEN_NOW=$(python3 -c "import datetime,sys; print(datetime.datetime.fromtimestamp(int(sys.argv[1])/1000, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))" "$now_millis")
  local jf=("$J" --db "$db" --as admin --lang en)
  echo "== $store: $transfers transfers ($(value transfers_earn "$info") earn, $(value transfers_redeem "$info") redeem, $(value transfers_refund "$info") refund, $(value transfers_transfer "$info") gifts, $(value transfers_settle "$info") settle, $(value transfers_expire "$info") expire), month $month, clock $JIFEN_NOW, load $(cut -d' ' -f1-3 /proc/loadavg)"

  if supports "$NEEDS_CHECKPOINT"; then
    read -r t _ < <(timed 1 "${jf[@]}" $(fill "$CMD_CHECKPOINT"))
    line "$store checkpoint (seal the months):" "$(fmt "$t") s"
  fi

  # One community's month report.
  local community_sql="SELECT t.kind, count(*), sum(t.amount) FROM transfer t JOIN account a ON a.id = t.credit WHERE t.at >= $from AND t.at < $to AND a.community = '$COMMUNITY' GROUP BY t.kind"
  a=$(anchor_time "$store" "$db" "$community_sql")
  if supports "$NEEDS_COMMUNITY_REPORT"; then
    # shellcheck disable=SC2046
    read -r t _ < <(timed "$rounds" "${jf[@]}" $(fill "$CMD_COMMUNITY_REPORT"))
    line "$store community month report ($COMMUNITY):" "$(fmt "$t") s  anchor GROUP BY $(fmt "$a") s  ×$(ratio "$t" "$a")  goal ≤ 1 s"
  else
    line "$store community month report ($COMMUNITY):" "n/a (needs $(needs "$NEEDS_COMMUNITY_REPORT"))  anchor GROUP BY $(fmt "$a") s"
  fi

  # The district's month report.
  local district_sql="SELECT a.community, t.kind, count(*), sum(t.amount) FROM transfer t JOIN account a ON a.id = t.credit WHERE t.at >= $from AND t.at < $to GROUP BY a.community, t.kind"
  a=$(anchor_time "$store" "$db" "$district_sql")
  if supports "$NEEDS_DISTRICT_REPORT"; then
    # shellcheck disable=SC2046
    read -r t _ < <(timed "$rounds" "${jf[@]}" $(fill "$CMD_DISTRICT_REPORT"))
    how="report --office"
  elif supports "$NEEDS_COMMUNITY_REPORT"; then
    t=0
    for c in $("${jf[@]}" --json community list 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(x["id"] for x in (d if isinstance(d, list) else d.get("communities", []))))'); do
      # shellcheck disable=SC2046
      read -r one _ < <(COMMUNITY=$c; timed 1 "${jf[@]}" $(fill "$CMD_COMMUNITY_REPORT"))
      t=$(python3 -c "print($t + $one)")
    done
    how="sum of the community reports"
  else
    # Without a community option the report covers every community of the database: the district.
    read -r t _ < <(timed "$rounds" "${jf[@]}" report --month "$month")
    how="report --month, the whole database"
  fi
  line "$store district month report:" "$(fmt "$t") s ($how)  anchor GROUP BY $(fmt "$a") s  ×$(ratio "$t" "$a")  goal ≤ 10 s"

  # verify from the last checkpoint.
  a=$(anchor_time "$store" "$db" "SELECT count(*), sum(length(hash)), sum(amount) FROM transfer WHERE at >= $from")
  if supports "$NEEDS_VERIFY_CHECKPOINT"; then
    # shellcheck disable=SC2046
    read -r t r < <(timed "$rounds" "${jf[@]}" $(fill "$CMD_VERIFY_CHECKPOINT"))
    line "$store verify (from the last checkpoint):" "$(fmt "$t") s, peak RSS $((r / 1024)) MB  anchor scan since it $(fmt "$a") s  ×$(ratio "$t" "$a")  goal ≤ 2 s"
  else
    line "$store verify (from the last checkpoint):" "n/a (needs $(needs "$NEEDS_VERIFY_CHECKPOINT"))  anchor scan of the last month $(fmt "$a") s"
  fi

  # verify --full.
  local scan="SELECT count(*), sum(length(hash)), sum(length(prev_hash)), sum(amount) FROM transfer"
  read -r a ar < <(anchor_timed "$store" "$db" "$scan")
  if supports "$NEEDS_VERIFY_FULL"; then
    # shellcheck disable=SC2046
    read -r t r < <(timed 1 "${jf[@]}" $(fill "$CMD_VERIFY_FULL"))
    how="verify --full"
  else
    # shellcheck disable=SC2046
    read -r t r < <(timed 1 "${jf[@]}" $CMD_VERIFY_WHOLE)
    how="verify, the whole history"
  fi
  line "$store verify --full:" "$(fmt "$t") s, peak RSS $((r / 1024)) MB ($how)  anchor full scan $(fmt "$a") s, $((ar / 1024)) MB  ×$(ratio "$t" "$a")  goal ≤ 60 s, ≤ 256 MB at 10M"
  last_full=$t; last_scan=$a

  # A balance read at N transfers vs at 1,000.
  local big little
  if [ "$store" = sqlite ]; then
    big=$("$bin/jifen-bench" balance-read "$db" "$now_millis" 2>/dev/null | sed -n 's/^balance_read_us=//p')
    little=$("$bin/jifen-bench" balance-read "$small" "$now_millis" 2>/dev/null | sed -n 's/^balance_read_us=//p')
  else
    big=$("$bin/jifen-pg-bench" balance-read "$db" "$now_millis" 2>/dev/null | sed -n 's/^balance_read_us=//p')
    little=$("$bin/jifen-pg-bench" balance-read "$small" "$now_millis" 2>/dev/null | sed -n 's/^balance_read_us=//p')
  fi
  line "$store balance read at $transfers transfers:" "$big µs  anchor at 1,000 transfers $little µs  ×$(ratio "$big" "$little")  goal ≤ 1.2×"

  # Database bytes per transfer.
  local bytes table
  if [ "$store" = sqlite ]; then
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    bytes=$(stat -c %s "$db")
    table=$(sqlite3 "$db" "SELECT sum(pgsize) FROM dbstat WHERE name = 'transfer'")
  else
    bytes=$(psql_q "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'")
    table=$(psql_q "SELECT pg_relation_size('public.transfer')")
  fi
  line "$store database bytes per transfer:" "$((bytes / transfers)) B ($((bytes / 1048576)) MB)  anchor the transfer table alone $((table / transfers)) B  ×$(ratio "$bytes" "$table")"

  # person erase on the volunteer with 1,000 transfers (last: it changes the database).
  local her
  her=$(value erase_target_transfers "$info")
  a=$(anchor_time "$store" "$db" "BEGIN; UPDATE volunteer SET name = '已注销', phone = '' WHERE id = '$person'; SELECT count(*) FROM transfer WHERE debit = '$person' OR credit = '$person'; ROLLBACK;")
  if supports "$NEEDS_ERASE"; then
    # shellcheck disable=SC2046
    read -r t _ < <(timed 1 "${jf[@]}" $(fill "$CMD_ERASE"))
    line "$store person erase ($person, $her transfers):" "$(fmt "$t") s  anchor UPDATE + count $(fmt "$a") s  ×$(ratio "$t" "$a")  goal ≤ 1 s"
    read -r t _ < <(timed 1 "${jf[@]}" $CMD_VERIFY_WHOLE)
    line "$store verify after the erase:" "ok ($(fmt "$t") s)"
  else
    line "$store person erase ($person, $her transfers):" "n/a (needs $(needs "$NEEDS_ERASE"))  anchor UPDATE + count $(fmt "$a") s"
  fi
}

# anchor_timed STORE DB SQL: "SECONDS RSS_KB" of the plain SQL through the store's own client.
anchor_timed() {
  if [ "$1" = sqlite ]; then
    timed "$rounds" sqlite3 "$2" "$3"
  else
    timed "$rounds" "${PG_AS[@]}" "$PG_BIN/psql" -X -q -At -h "$PG_DIR" -p "$PG_PORT" -U postgres -d jifen_test -c "$3"
  fi
}
anchor_time() { anchor_timed "$@" | cut -d' ' -f1; }
psql_q() { "${PG_AS[@]}" "$PG_BIN/psql" -X -q -At -h "$PG_DIR" -p "$PG_PORT" -U postgres -d jifen_test -c "$1"; }

last_full=0; last_scan=1

if [ "${BENCH_SQLITE:-1}" != 0 ] && [ "$sqlite_n" != 0 ]; then
  if [ "$generating" = 0 ]; then
    kept sqlite.sqlite
  else
  rm -f "$out"/sqlite*.sqlite* "$out"/pg-*.sqlite*
  generate "$out/sqlite-small.sqlite" 1000 1000 50 "$communities" 0 >"$out/sqlite-small.txt"
  echo "generating $sqlite_n transfers on SQLite…" >&2
  generate "$out/sqlite.sqlite" "$sqlite_n" "$volunteers" "$merchants" "$communities" 1000 >"$out/sqlite.txt"
  fi
  line "sqlite generate ($(value transfers "$out/sqlite.txt") transfers):" "$(value generate_seconds "$out/sqlite.txt") s, $(value generate_transfers_per_second "$out/sqlite.txt") transfers/s (Ledger.post, 10,000 a transaction, a month's expiry in one; $(value generate_phases "$out/sqlite.txt"))"
  if [ "$pg_n" = "$sqlite_n" ] && [ "$generating" != 0 ]; then
    # The same district for PostgreSQL: copy it before anything here changes it.
    sqlite3 "$out/sqlite.sqlite" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    cp "$out/sqlite.sqlite" "$out/pg-source.sqlite"; cp "$out/sqlite.txt" "$out/pg.txt"
    cp "$out/sqlite-small.sqlite" "$out/pg-small.sqlite"
  fi
  measure sqlite "$out/sqlite.sqlite" "$out/sqlite.txt" "$out/sqlite-small.sqlite"
fi

if [ "$pg_n" != 0 ]; then
  source scripts/lib/postgres.sh
  trap 'pg_throwaway_stop; [ "${BENCH_KEEP:-0}" = 1 ] || [ "$generating" = 0 ] || rm -f "$out"/pg-*.sqlite*' EXIT
  pg_throwaway_start
  url="postgres://postgres@localhost:$PG_PORT/jifen_test?host=$PG_DIR"
  if [ "$generating" != 0 ] && { [ ! -f "$out/pg-source.sqlite" ] || [ "$pg_n" != "$sqlite_n" ]; }; then
    rm -f "$out"/pg-*.sqlite*
    generate "$out/pg-small.sqlite" 1000 1000 50 "$communities" 0 >"$out/pg-small.txt"
    echo "generating $pg_n transfers for PostgreSQL…" >&2
    generate "$out/pg-source.sqlite" "$pg_n" "$volunteers" "$merchants" "$communities" 1000 >"$out/pg.txt"
  fi
  "$J" migrate --from "$out/pg-small.sqlite" --to "$url&schema=small" >/dev/null
  line "postgres generate ($(value transfers "$out/pg.txt") transfers):" "$(value generate_seconds "$out/pg.txt") s, $(value generate_transfers_per_second "$out/pg.txt") transfers/s (Ledger.post on SQLite, 10,000 a transaction; $(value generate_phases "$out/pg.txt"))"
  read -r t _ < <(timed 1 "$J" migrate --from "$out/pg-source.sqlite" --to "$url")
  line "postgres import (jifen migrate):" "$(fmt "$t") s, $(python3 -c "print(int($(value transfers "$out/pg.txt") / $t))") transfers/s (verify before, copy, verify the copy, verify again)"
  measure postgres "$url" "$out/pg.txt" "$url&schema=small"
fi

echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
python3 -c "import sys; print(f'ratio={float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$last_full" "$last_scan"
