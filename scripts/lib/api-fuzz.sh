#!/usr/bin/env bash
# Fuzzes `jifen serve` with Schemathesis against its own /openapi.json: no answer may be a 5xx,
# and every answer's status and body must be what the document says. Builds nothing.
#
# Usage: scripts/lib/api-fuzz.sh [JIFEN_BINARY]     (default .build/debug/jifen)
#   API_FUZZ_EXAMPLES  most test cases per operation and phase (default 25)
#   API_FUZZ_SEED      Schemathesis's seed (default 20261201): the same seed, the same requests
#
# A scratch database (玫瑰园社区: a team, two volunteers in it, a merchant with an offer, an
# activity, a grant) is made with the CLI at a fixed clock, credentials are issued locally, and the
# server is started on a free loopback port with the same clock. Schemathesis then runs five times:
#   admin, volunteer  every operation but the three below, with an admin's and a volunteer's credential;
#                     neither may be locked out (429), or it would have tested nothing behind sign-in;
#   revoke            revoking credentials, with a second admin credential: it may revoke its own
#                     (Schemathesis reuses ids from answers), after which it gets 401s and then 429s;
#   enrol             enrolment without a credential: wrong codes lock the address out (429);
#   confirm           confirming a credential, with the volunteer's: wrong codes count as enrolment's do.
# Checks: no 5xx, every status documented, every body as its schema says, 405 for other methods.
# Exits non-zero when a run finds a failure, the server dies or does not stop cleanly. Prints one
# summary line per run (with the statuses the server logged), then "api-fuzz: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."

SCHEMATHESIS_VERSION=4.32.5
J=${1:-.build/debug/jifen}
EXAMPLES=${API_FUZZ_EXAMPLES:-25}
SEED=${API_FUZZ_SEED:-20261201}
[ -x "$J" ] || { echo "api-fuzz: no jifen binary at $J (build it first: swift build)" >&2; exit 1; }
J=$(cd "$(dirname "$J")" && pwd)/$(basename "$J")

if [ "$(schemathesis --version 2>/dev/null || true)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  echo "api-fuzz: installing schemathesis $SCHEMATHESIS_VERSION with pip" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "schemathesis==$SCHEMATHESIS_VERSION" >&2
  hash -r
fi

work=$(mktemp -d /tmp/jifen-fuzz.XXXXXX)
server_pid=
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}
trap 'stop_server; rm -rf "$work"' EXIT

export JIFEN_DB="$work/fuzz.sqlite" JIFEN_NOW="2026-12-01 10:00" JIFEN_ACTOR=李主任 JIFEN_LANG=en
unset JIFEN_SERVER
"$J" init --community 玫瑰园社区 --admin 李主任 >/dev/null
"$J" team add --name 助老服务队 --leader 王德顺 --organizer 王德顺 >/dev/null                  # T01
"$J" volunteer add --name 张桂兰 --phone 13800001234 --team T01 --consent >/dev/null            # V0001
"$J" volunteer add --name 赵淑芬 --phone 13800004321 --team T01 --consent >/dev/null            # V0002
"$J" merchant add --name 玫瑰园便民超市 --contact 刘师傅 --phone 13900002222 >/dev/null          # M001
"$J" offer add M001 --title 理发一次 --points 30 --stock 20 --from 2026-11-01 --to 2026-12-31 >/dev/null  # O001
"$J" --as 王德顺 activity post --team T01 --title 探访独居老人 --start "2026-12-05 09:00" --end "2026-12-05 11:00" \
  --place 活动室 --capacity 10 >/dev/null                                                      # A0001
"$J" grant V0001 100 --reason 纸质台账结转 --key fuzz-carry-V0001 >/dev/null
secret() { "$J" --json credential issue "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])'; }
admin_token=$(secret 李主任 --label fuzz-admin)
volunteer_json=$("$J" --json credential issue V0001 --label fuzz-volunteer)
volunteer_token=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$volunteer_json")
# Hers, as if she had confirmed it herself: it may spend her points (README "Only the volunteer spends her points").
"$J" --as V0001 credential confirm "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["credential"]["id"])' "$volunteer_json")" >/dev/null
revoker_token=$(secret 李主任 --label fuzz-revoke)

"$J" serve --listen 127.0.0.1:0 --db "$JIFEN_DB" >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's|^jifen serve: listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$work/serve.out")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "api-fuzz: jifen serve did not start; its output:" >&2; cat "$work/serve.out" "$work/serve.log" >&2; exit 1
fi
base="http://127.0.0.1:$port"

summaries=()
failed=0 passed_total=0 failed_total=0
# fuzz NAME TOKEN SCHEMATHESIS-FILTER-OPTIONS…
fuzz() {
  local name=$1 token=$2; shift 2
  local auth=()
  [ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
  local started=$SECONDS status=0 logged
  logged=$(wc -l <"$work/serve.log")
  echo "api-fuzz: $name: schemathesis against $base/openapi.json" >&2
  # From the scratch folder: Schemathesis keeps a replay cache (.schemathesis/) where it runs.
  (cd "$work" && schemathesis run "$base/openapi.json" "${auth[@]}" "$@" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,unsupported_method \
    --phases examples,coverage,fuzzing --max-examples "$EXAMPLES" --seed "$SEED" \
    --generation-database none --workers 1 --request-timeout 30 --no-color \
    --report junit --report-junit-path "$work/$name.xml") >"$work/$name.txt" 2>&1 || status=$?
  cat "$work/$name.txt" >&2
  local cases=0 bad=0 skipped=0 counts
  # Operations tested, failed (failures and errors) and skipped, from the JUnit report.
  read -r cases bad skipped < <(python3 - "$work/$name.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("0 0 0"); sys.exit()
# One test case per operation and check outcome: count operations (by name), not cases.
names, bad, skipped = set(), set(), set()
for case in root.iter("testcase"):
    name = case.get("name", "")
    names.add(name)
    if case.find("failure") is not None or case.find("error") is not None: bad.add(name)
    elif case.find("skipped") is not None: skipped.add(name)
print(len(names), len(bad), len(skipped - bad))
PY
)
  counts="$cases operations, $bad failed, $skipped skipped"
  [ -s "$work/$name.xml" ] || counts="no report"
  passed_total=$((passed_total + cases - bad - skipped))
  failed_total=$((failed_total + bad))
  # The statuses the server logged for this run's requests, e.g. "200×312 400×958".
  local statuses
  statuses=$(tail -n +"$((logged + 1))" "$work/serve.log" | awk '$1 ~ /^[A-Z]+$/ && $3 ~ /^[0-9][0-9][0-9]$/ { n[$3]++ }
    END { for (s in n) printf "%s×%d\n", s, n[s] }' | sort | tr '\n' ' ')
  summaries+=("api-fuzz: $name: $counts, exit $status, $((SECONDS - started)) s; statuses ${statuses:-none}(seed $SEED, at most $EXAMPLES examples per operation and phase)")
  [ "$status" -eq 0 ] || failed=1
  if [ "$name" = admin ] || [ "$name" = volunteer ]; then
    case " $statuses" in *" 429×"*)
      summaries+=("api-fuzz: $name: locked out (429): this run must not be; the lockout hid what came after it")
      failed=1 failed_total=$((failed_total + 1)) ;;
    esac
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "api-fuzz: jifen serve died during the $name run; its log ends:" >&2
    grep -E 'runtime failure|Fatal error| in jifen at /' "$work/serve.log" | head -40 >&2 || tail -40 "$work/serve.log" >&2
    summaries+=("api-fuzz: $name: jifen serve died (see its log above)")
    printf '%s\n' "${summaries[@]}"
    echo "api-fuzz: $passed_total passed, $((failed_total + 1)) failed"
    exit 1
  fi
}

# Erasing a person revokes her credentials: fuzzed before the volunteer's run it would lock her out
# and hide everything behind her sign-in, so erasure and the retention sweep run last, on their own.
erasing=(--exclude-operation-id erasePerson --exclude-operation-id sweepPersons)
fuzz admin "$admin_token" --exclude-operation-id enrol --exclude-operation-id revokeCredential --exclude-operation-id confirmCredential "${erasing[@]}"
fuzz volunteer "$volunteer_token" --exclude-operation-id enrol --exclude-operation-id revokeCredential --exclude-operation-id confirmCredential "${erasing[@]}"
fuzz revoke "$revoker_token" --include-operation-id revokeCredential
# Confirming with an enrolment code counts wrong codes toward the address's lockout, as enrolment does.
fuzz enrol "" --include-operation-id enrol
fuzz confirm "$volunteer_token" --include-operation-id confirmCredential
fuzz erase "$admin_token" --include-operation-id erasePerson --include-operation-id sweepPersons

stop_server
if grep -q '^jifen serve: stopped' "$work/serve.out"; then :; else
  echo "api-fuzz: jifen serve did not stop cleanly on SIGTERM; its log ends:" >&2; tail -20 "$work/serve.log" >&2; failed=1
fi
printf '%s\n' "${summaries[@]}"
# The plain closing line: operations that passed every check, and those that did not.
echo "api-fuzz: $passed_total passed, $failed_total failed"
exit $failed
