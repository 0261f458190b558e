#!/usr/bin/env bash
# The attack scripts: each scripts/lib/attack/*.py plays a dishonest holder of a real
# credential against a real `jifen serve` on 127.0.0.1 over its own scratch database, checks that
# nothing moved that should not have, prints its figures and exits non-zero on any failure. What they
# share (the scratch database, the server, the checks) is scripts/lib/attack/_scratch.py.
# Usage: scripts/lib/attack.sh path/to/jifen
set -euo pipefail
cd "$(dirname "$0")/../.."
jifen=${1:?usage: scripts/lib/attack.sh path/to/jifen}
failed=0
for script in scripts/lib/attack/*.py; do
  [ -e "$script" ] || continue
  case $(basename "$script") in _*) continue;; esac   # shared code (_scratch.py), not an attack
  echo "attack: $script" >&2
  if ! python3 "$script" --jifen "$jifen"; then
    echo "attack: FAILED $script" >&2
    failed=1
  fi
done
exit $failed
