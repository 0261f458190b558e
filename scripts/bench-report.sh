#!/usr/bin/env bash
# The month's report and a statement on a ledger of 1,000,000 transfers, against hledger and
# ledger-cli reading the exported journal of the same ledger, in the same run.
#   scripts/bench-report.sh            (BENCH_REPORT_TRANSFERS, default 1000000; SCRATCH, default .build)
# Prints each time, then speedup= (the faster tool's time ÷ Jifen's time) for statement and
# report --month, the smaller last. Times are the best of BENCH_ROUNDS (default 3) runs of the
# command as a user runs it (a fresh process each time).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup hledger ledger
n="${BENCH_REPORT_TRANSFERS:-1000000}"
rounds="${BENCH_ROUNDS:-3}"
scratch="${SCRATCH:-.build}"
out="$scratch/bench-report"
mkdir -p "$out"

swift build -c release --scratch-path "$scratch" --product jifen-bench >&2
swift build -c release --scratch-path "$scratch" --product jifen >&2
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
db="$out/report.sqlite"
journal="$out/report.journal"

echo "building a ledger of $n transfers over a year…" >&2
"$bin/jifen-bench" report "$db" "$n" >&2
"$bin/jifen" --db "$db" export --format ledger "$journal" >&2
# The last full month: the one a community closes and posts.
month=$(python3 -c 'import datetime as d; t=d.date.today().replace(day=1)-d.timedelta(days=1); print(t.strftime("%Y-%m"))')

best() {  # best wall time in seconds of running "$@" $rounds times
  python3 - "$rounds" "$@" <<'PY'
import subprocess, sys, time, os
rounds = int(sys.argv[1]); cmd = sys.argv[2:]
env = dict(os.environ, LANG="C.UTF-8")
best = None
for _ in range(rounds):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    e = time.perf_counter() - t
    best = e if best is None or e < best else best
print(f"{best:.4f}")
PY
}

report=$(best "$bin/jifen" --db "$db" report --month "$month" --by merchant)
statement=$(best "$bin/jifen" --db "$db" statement V0001)
hledger=$(best hledger -f "$journal" balance)
ledger=$(best ledger -f "$journal" balance)
lines=$("$bin/jifen" --db "$db" statement V0001 --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["lines"]))')

echo "ledger: $n transfers; journal $(du -h "$journal" | cut -f1)"
echo "jifen report --month $month --by merchant: ${report} s"
echo "jifen statement V0001 ($lines lines):      ${statement} s"
echo "hledger balance (journal):                 ${hledger} s"
echo "ledger balance (journal):                  ${ledger} s"
python3 - "$report" "$statement" "$hledger" "$ledger" <<'PY'
import sys
report, statement, hledger, ledger = map(float, sys.argv[1:])
tool = min(hledger, ledger)
name = "hledger" if hledger <= ledger else "ledger"
results = sorted([(tool / statement, "statement"), (tool / report, "report --month")], reverse=True)
for ratio, what in results:
    print(f"speedup={ratio:.1f}  ({what} vs {name} balance, the faster tool)")
PY
