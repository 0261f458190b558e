#!/usr/bin/env bash
# The web pages in a real browser: Debian's chromium and chromium-driver, headless at phone size,
# driven by Selenium, checked with axe-core 4.x (from axe-playwright-python) and zbarimg (the QR codes in
# the screenshots). Installs what is missing (apt, pip). Builds nothing.
#
# Usage: scripts/lib/web-test.sh [JIFEN_BINARY] [OUTPUT_FOLDER]
#   (default .build/debug/jifen and a temp folder, kept and printed at the end: screenshots of
#   every page, pages.tsv with each page's bytes, axe.json with every page's axe result)
#
# A scratch database (玫瑰园社区: a team with its organizer, two volunteers, a merchant with two
# offers, two activities, grants) is made with the CLI at a fixed clock, enrolment codes are
# issued with the CLI, and `jifen serve` runs on a free loopback port with the same clock. Then
# scripts/lib/web-test.py plays the journeys (see there) and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

SELENIUM_VERSION=4.51.0
AXE_VERSION=0.1.8   # axe-playwright-python, bundling axe-core 4.12.1
J=${1:-.build/debug/jifen}
[ -x "$J" ] || { echo "web-test: no jifen binary at $J (build it first: swift build)" >&2; exit 1; }
J=$(cd "$(dirname "$J")" && pwd)/$(basename "$J")

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)   # paper: pages of the printed poster, notice, certificate
[ -n "$(fc-list :lang=zh 2>/dev/null)" ] || need+=(fonts-wqy-microhei)   # Chinese in the screenshots
if [ ${#need[@]} -gt 0 ]; then
  echo "web-test: installing ${need[*]} with apt-get" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
# axe-core 4.x: the axe.min.js axe-playwright-python bundles, injected with Selenium (Playwright itself
# is not needed: --no-deps).
if ! python3 -c 'import selenium, importlib.util as u; assert u.find_spec("axe_playwright_python")' 2>/dev/null; then
  echo "web-test: installing selenium and axe-playwright-python (for its axe-core) with pip" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "selenium==$SELENIUM_VERSION" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps "axe-playwright-python==$AXE_VERSION" >&2
fi

work=$(mktemp -d /tmp/jifen-web.XXXXXX)
out=${2:-$work/out}
mkdir -p "$out"
server_pid=
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}
# The output folder stays (screenshots); the database and the server's files go.
trap 'stop_server; rm -rf "$work/db" "$work/serve.out"; [ "$out" = "$work/out" ] || rm -rf "$work"' EXIT
mkdir -p "$work/db"

export JIFEN_DB="$work/db/web.sqlite" JIFEN_NOW="2026-12-01 10:00" JIFEN_ACTOR=李主任 JIFEN_LANG=en TZ=Asia/Shanghai
unset JIFEN_SERVER
"$J" init --community 玫瑰园社区 --admin 李主任 >/dev/null
"$J" team add --name 助老服务队 --leader 王德顺 --organizer 王德顺 >/dev/null                  # T01
"$J" volunteer add --name 张桂兰 --phone 13800001234 --team T01 --consent >/dev/null            # V0001
"$J" volunteer add --name 赵淑芬 --phone 13800004321 --team T01 --consent >/dev/null            # V0002
"$J" merchant add --name 老街理发店 --contact 刘师傅 --phone 13900002222 >/dev/null              # M001
"$J" offer add M001 --title 理发一次 --points 30 --stock 20 --from 2026-11-01 --to 2026-12-31 >/dev/null   # O001
"$J" offer add M001 --title 按摩椅一年卡 --points 500 --from 2026-11-01 --to 2026-12-31 >/dev/null         # O002
"$J" --as 王德顺 activity post --team T01 --title 探访独居老人 --start "2026-12-01 10:00" --end "2026-12-01 12:00" \
  --place 活动室 --capacity 10 >/dev/null                                                      # A0001: now
"$J" --as 王德顺 activity post --team T01 --title 社区义诊 --start "2026-12-05 09:00" --end "2026-12-05 11:00" \
  --place 广场 --capacity 10 >/dev/null                                                        # A0002: upcoming
"$J" grant V0001 100 --reason 纸质台账结转 --key web-carry-V0001 >/dev/null
"$J" grant V0002 20 --reason 纸质台账结转 --key web-carry-V0002 >/dev/null
"$J" --as 王德顺 hours add A0001 V0002 --minutes 90 --note 补录 >/dev/null                        # H0000001: pending
# volunteer (scripts/lib/web/volunteer.py finds these by name): her own phone's
# person, a barber whose counter no other journey locks, and an activity happening now to check in to.
"$J" volunteer add --name 孙秀珍 --phone 13800006789 --team T01 --consent >/dev/null
"$J" merchant add --name 街口理发室 --contact 周师傅 --phone 13900003333 >/dev/null
"$J" offer add "$("$J" --json merchant list | python3 -c 'import json,sys; print([m["id"] for m in json.load(sys.stdin) if m["name"]=="街口理发室"][0])')" \
  --title 理发一次 --points 30 --from 2026-11-01 --to 2026-12-31 >/dev/null
"$J" grant "$("$J" --json volunteer list | python3 -c 'import json,sys; print([v["id"] for v in json.load(sys.stdin) if v["name"]=="孙秀珍"][0])')" 100 \
  --reason 纸质台账结转 --key web-carry-volunteer-part >/dev/null
"$J" --as 王德顺 activity post --team T01 --title 陪老人散步 --start "2026-12-01 09:30" --end "2026-12-01 11:30" --place 花园 --capacity 10 >/dev/null
"$J" --as 王德顺 activity post --team T01 --title 助餐送饭 --start "2026-12-01 09:30" --end "2026-12-01 11:30" --place 食堂 --capacity 10 >/dev/null
# residents (scripts/lib/web/resident.py): a resident who asks for help herself (synthetic)
"$J" resident add --name 王秀英 --phone 13800007788 --address 玫瑰园小区3号楼2单元501 --area 玫瑰园小区3号楼 >/dev/null   # R001
# counter: a bakery's counter at 1280x800 and its customer, apart from M001 (whose wrong-code
# budget journey 3b spends); scripts/lib/web/counter.py finds them by name.
id_of() { python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])'; }
bakery=$("$J" --json merchant add --name 街角面包房 --contact 吴师傅 --phone 13900004444 | id_of)
"$J" offer add "$bakery" --title 全麦面包 --points 20 --stock 50 --from 2026-11-01 --to 2026-12-31 >/dev/null
"$J" offer add "$bakery" --title 生日蛋糕 --points 80 --from 2026-11-01 --to 2026-12-31 >/dev/null
customer=$("$J" --json volunteer add --name 钱美华 --phone 13800005555 --team T01 --consent | id_of)
"$J" grant "$customer" 300 --reason 纸质台账结转 --key web-carry-counter >/dev/null

"$J" serve --listen 127.0.0.1:0 --db "$JIFEN_DB" >"$work/serve.out" 2>"$out/serve.log" &
server_pid=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's|^jifen serve: listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$work/serve.out")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "web-test: jifen serve did not start; its output:" >&2; cat "$work/serve.out" "$out/serve.log" >&2; exit 1
fi

status=0
python3 scripts/lib/web-test.py --base "http://127.0.0.1:$port" --jifen "$J" --out "$out" || status=$?
if ! kill -0 "$server_pid" 2>/dev/null; then echo "web-test: jifen serve died; see $out/serve.log" >&2; status=1; fi
stop_server
echo "web-test: screenshots, page sizes and axe results in $out"
exit $status
