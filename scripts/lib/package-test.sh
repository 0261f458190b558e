#!/usr/bin/env bash
# scripts/lib/package-test.sh DEB: installs the Debian package DEB (scripts/package) into a fresh
# Debian bookworm root with apt-get, so its Depends are resolved from Debian's own archive, and
# inside that root runs `jifen --version`, `jifen init` (a SQLite file in /var/lib/jifen, as the
# user jifen, with /etc/jifen/jifen.env) and the unit's ExecStart (`jifen serve`) on a free
# 127.0.0.1 port, then expects 200 from /health (curl from here: the root shares the network).
#
# The root is made once with `debootstrap --variant=minbase bookworm` from deb.debian.org and kept
# as a tarball, $JIFEN_TEST_ROOT_CACHE/bookworm-root.tar (default /var/cache/jifen-test), with
# apt's package lists; each run unpacks a fresh copy in /var/tmp and removes it, and the .debs
# apt downloads are kept in $JIFEN_TEST_ROOT_CACHE/archives. Everything mounted is unmounted and
# the copy removed even on failure. Needs root (chroot, mount); prints the install time and the
# service's cold start (from exec to the first 200 on /health).
set -euo pipefail
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: scripts/lib/package-test.sh jifen_VERSION_amd64.deb" >&2; exit 64; }
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
deb=$(realpath "$1")
cache=${JIFEN_TEST_ROOT_CACHE:-/var/cache/jifen-test}
tarball="$cache/bookworm-root.tar"
mirror=http://deb.debian.org/debian
ms() { echo $(($(date +%s%N) / 1000000)); }

mkdir -p "$cache/archives"
if [ ! -f "$tarball" ]; then
  echo "package-test: making $tarball (debootstrap --variant=minbase bookworm, once)" >&2
  new="$cache/bookworm-root.new"
  rm -rf --one-file-system "$new"
  debootstrap --variant=minbase bookworm "$new" "$mirror" >&2
  cp /etc/resolv.conf "$new/etc/resolv.conf"
  chroot "$new" apt-get update -qq >&2
  chroot "$new" apt-get clean
  tar -C "$new" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf --one-file-system "$new"
fi

root=$(mktemp -d /var/tmp/jifen-root.XXXXXX)
mounts=()
serve=
cleanup() {
  local status=$?
  if [ -n "$serve" ]; then kill "$serve" 2>/dev/null || true; wait "$serve" 2>/dev/null || true; fi
  # $serve is the background subshell, not the chrooted jifen under it: stop every process whose
  # root is the copy, so no server outlives the test (or keeps the deleted root alive).
  local proc pids=()
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/root" 2>/dev/null)" = "$root" ] && pids+=("${proc#/proc/}")
  done
  if [ ${#pids[@]} -gt 0 ]; then
    kill "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      local alive=0 pid
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ "$alive" = 0 ] && break
      sleep 0.1
    done
    kill -9 "${pids[@]}" 2>/dev/null || true
  fi
  local index
  for ((index = ${#mounts[@]} - 1; index >= 0; index--)); do
    umount -R "${mounts[index]}" 2>/dev/null || umount -R -l "${mounts[index]}" || true
  done
  # Never remove a copy that still has something mounted in it (a bound /dev would go with it).
  if findmnt -rn -o TARGET | grep -q "^$root"; then
    echo "package-test: $root still has mounts; left in place" >&2
  else
    rm -rf --one-file-system "$root"
  fi
  exit "$status"
}
trap cleanup EXIT
mount_in() {  # mount_in TARGET ARGS…: mounts inside the copy, remembered for the cleanup
  local target="$root$1"
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounts+=("$target")
}

tar -C "$root" -xf "$tarball"
mount_in /proc -t proc proc
mount_in /dev --rbind /dev --make-rslave
mount_in /var/cache/apt/archives --bind "$cache/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

# Install with apt-get, as a user would: the Depends come from Debian. Lists older than the archive
# (a point release since the tarball was made) fail with 404: then update and try once more.
install=(apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")")
start=$(ms)
if ! in_root env DEBIAN_FRONTEND=noninteractive "${install[@]}" >&2; then
  in_root apt-get update -qq >&2
  in_root env DEBIAN_FRONTEND=noninteractive "${install[@]}" >&2
fi
install_ms=$(($(ms) - start))

version=$(in_root jifen --version)
echo "package-test: $version" >&2
[[ "$version" =~ ^jifen\ [0-9]+\.[0-9]+\.[0-9]+\ \(([0-9a-f]{7}(-dirty)?|unknown)\)$ ]] || {
  echo "package-test: jifen --version printed '$version'" >&2
  exit 1
}
in_root id jifen >/dev/null
[ "$(in_root stat -c %U /var/lib/jifen)" = jifen ] || { echo "package-test: /var/lib/jifen is not jifen's" >&2; exit 1; }
unit="$root/lib/systemd/system/jifen.service"
for setting in User=jifen StateDirectory=jifen ProtectSystem=strict ProtectHome=true NoNewPrivileges=true \
  PrivateTmp=true Restart=on-failure EnvironmentFile=/etc/jifen/jifen.env; do
  grep -qx "$setting" "$unit" || { echo "package-test: $unit lacks $setting" >&2; exit 1; }
done
grep -qx /etc/jifen/jifen.env "$root/var/lib/dpkg/info/jifen.conffiles"

# As the service would run: the user jifen, the environment file, the unit's own ExecStart.
as_jifen() {  # as_jifen SHELL-COMMAND: runs it as jifen with /etc/jifen/jifen.env exported
  in_root setpriv --reuid=jifen --regid=jifen --init-groups --reset-env -- \
    /bin/sh -c "set -a; . /etc/jifen/jifen.env; set +a; cd /var/lib/jifen; $1"
}
as_jifen 'jifen --lang en init --community 玫瑰园社区 --admin 李主任' >&2
[ -f "$root/var/lib/jifen/jifen.sqlite" ] && [ -f "$root/etc/jifen/id.key" ] || {
  echo "package-test: jifen init made no /var/lib/jifen/jifen.sqlite or /etc/jifen/id.key" >&2
  exit 1
}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
start=$(ms)
as_jifen "JIFEN_LISTEN=127.0.0.1:$port; exec $exec_start" > "$root/tmp/serve.log" 2>&1 &
serve=$!
health=
while [ $(($(ms) - start)) -lt 30000 ]; do
  health=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)
  [ "$health" = 200 ] && break
  kill -0 "$serve" 2>/dev/null || break
  sleep 0.02
done
cold_ms=$(($(ms) - start))
if [ "$health" != 200 ]; then
  echo "package-test: /health answered '$health'; jifen serve's output:" >&2
  cat "$root/tmp/serve.log" >&2
  exit 1
fi
ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready")
[ "$ready" = 200 ] || { echo "package-test: /ready answered $ready" >&2; exit 1; }
echo "package-test: ok: installed in ${install_ms} ms; jifen serve answered 200 on /health ${cold_ms} ms after it started" >&2
