# The two passes of scripts/test's swift tests. Source this file, then
#   swift_test_passes [BUILD-OPTIONS…] -- [SWIFT-TEST-OPTIONS…]
# (BUILD-OPTIONS: e.g. --scratch-path DIR; SWIFT-TEST-OPTIONS: e.g. --filter X, --skip Y), after a build.
#
# It lists the tests (the test bundle's event stream, which carries each suite's tags) and runs
#   1. in parallel, every selected test outside the suites tagged `.alone`;
#   2. one at a time (--no-parallel), the selected tests of the `.alone` suites (processes,
#      real time, many writers: see Tests/JifenTestSupport/Tags.swift).
# A pass with nothing selected is left out. Each pass prints its time; the status is non-zero when
# a pass failed (both passes run either way).
swift_test_passes() {
  local build=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    build+=("$1")
    shift
  done
  [ $# -gt 0 ] && shift
  local work
  work=$(mktemp -d /tmp/jifen-passes.XXXXXX)
  # The listing is Swift Testing's (experimental, version 0) event stream: one JSON record per test
  # and suite, a suite's tags in "_tags".
  if ! swift test list "${build[@]}" --skip-build --experimental-event-stream-output "$work/tests.jsonl" \
    --experimental-event-stream-version 0 >"$work/list.out" 2>&1; then
    echo "test: could not list the tests:" >&2
    cat "$work/list.out" >&2
    rm -rf "$work"
    return 1
  fi
  if ! python3 - "$work" "$@" <<'PY'
import json, re, sys

work, args = sys.argv[1], sys.argv[2:]
suites, functions, alone = set(), [], []
for line in open(f"{work}/tests.jsonl", encoding="utf-8"):
    try:
        record = json.loads(line)
    except ValueError:
        continue
    if record.get("kind") != "test":
        continue
    test = record["payload"]
    if test["kind"] == "suite":
        suites.add(test["id"])
    else:
        functions.append(test["id"])
    if ".alone" in test.get("_tags", []):
        alone.append(test["id"])
if not functions:
    sys.exit("test: the listing holds no tests")
if not alone:
    sys.exit("test: no suite is tagged .alone in the listing: has the event stream changed its format?")

# The user's --filter and --skip (as swift test reads them: a test is selected when a filter matches
# its id or one of its suites' ids, and left out when a skip does), and the other options.
filters, skips, others = [], [], []
i = 0
while i < len(args):
    arg = args[i]
    for name, into in (("--filter", filters), ("--skip", skips)):
        if arg == name and i + 1 < len(args):
            into.append(args[i + 1])
            i += 1
            break
        if arg.startswith(name + "="):
            into.append(arg[len(name) + 1:])
            break
    else:
        others.append(arg)
    i += 1

def within(test, suite):
    return test == suite or test.startswith(suite + "/")

def selected(test):
    names = [test] + [suite for suite in suites if within(test, suite)]
    if filters and not any(re.search(f, n) for f in filters for n in names):
        return False
    return not any(re.search(s, n) for s in skips for n in names)

def alone_suite(test):
    return any(within(test, suite) for suite in alone)

def exactly(test_id):
    return "^" + re.escape(test_id) + "$"

def under(suite):
    return "^" + re.escape(suite) + "(/|$)"

chosen = [f for f in functions if selected(f)]
together = [f for f in chosen if not alone_suite(f)]
apart = [f for f in chosen if alone_suite(f)]
first = (["run"] + args + [a for suite in alone for a in ("--skip", under(suite))]) if together else ["none"]
if not apart:
    second = ["none"]
elif filters or skips:
    second = ["run"] + others + [a for test in apart for a in ("--filter", exactly(test))]
else:
    second = ["run"] + others + [a for suite in alone for a in ("--filter", under(suite))]
for name, words in (("parallel", first), ("serial", second)):
    with open(f"{work}/{name}", "w", encoding="utf-8") as out:
        out.write("".join(w + "\0" for w in words))
print(f"test: {len(together)} tests in parallel, then {len(apart)} in the .alone suites one at a time", file=sys.stderr)
PY
  then
    rm -rf "$work"
    return 1
  fi
  local parallel=() serial=() status=0 started
  mapfile -d '' parallel <"$work/parallel"
  mapfile -d '' serial <"$work/serial"
  rm -rf "$work"
  if [ "${parallel[0]}" = run ]; then
    started=$SECONDS
    swift test "${build[@]}" --skip-build "${parallel[@]:1}" || status=$?
    echo "test: parallel pass: status $status, $((SECONDS - started)) s" >&2
  fi
  if [ "${serial[0]}" = run ]; then
    local serial_status=0
    started=$SECONDS
    swift test "${build[@]}" --skip-build --no-parallel "${serial[@]:1}" || serial_status=$?
    echo "test: serial pass (.alone suites): status $serial_status, $((SECONDS - started)) s" >&2
    [ "$status" -ne 0 ] || status=$serial_status
  fi
  return "$status"
}
