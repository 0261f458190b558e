# A throwaway PostgreSQL for tests and benchmarks: source this file, then
#   pg_throwaway_start   initdb in a temp dir, start on a private port and socket dir (127.0.0.1
#                        only, TLS with a throwaway self-signed certificate for localhost), create database
#                        jifen_test, export JIFEN_TEST_POSTGRES, JIFEN_TEST_POSTGRES_CA and PG_* vars;
#   pg_throwaway_stop    stop the server and remove its directory (safe to call twice).
# The server runs as the `postgres` user when we are root (PostgreSQL refuses to run as root).
# A server that cannot start ends the calling script with status 1 and its log on stderr.

pg_throwaway_start() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bindir" ]; then
    scripts/setup postgres
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  fi
  [ -x "$bindir/initdb" ] || { echo "postgres: no initdb found under /usr/lib/postgresql/*/bin even after scripts/setup postgres" >&2; exit 1; }
  PG_BIN=$bindir
  PG_DIR=$(mktemp -d /tmp/jifen-pg.XXXXXX)
  PG_PORT=${JIFEN_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  PG_AS=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  if ! "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1; then
    echo "postgres: initdb failed:" >&2; cat "$PG_DIR/initdb.log" >&2; exit 1
  fi
  if ! openssl req -new -x509 -days 2 -nodes -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" \
       -keyout "$PG_DIR/server.key" -out "$PG_DIR/server.crt" >"$PG_DIR/openssl.log" 2>&1; then
    echo "postgres: openssl could not make a test certificate:" >&2; cat "$PG_DIR/openssl.log" >&2; exit 1
  fi
  chmod 600 "$PG_DIR/server.key"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR/server.key" "$PG_DIR/server.crt"
  if ! "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
       -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c ssl=on -c ssl_cert_file=$PG_DIR/server.crt -c ssl_key_file=$PG_DIR/server.key ${JIFEN_PG_OPTIONS:-}" start >/dev/null; then
    echo "postgres: the server did not start on port $PG_PORT; its log:" >&2; cat "$PG_DIR/server.log" >&2; exit 1
  fi
  "${PG_AS[@]}" "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres jifen_test \
    || { echo "postgres: createdb failed" >&2; pg_throwaway_stop; exit 1; }
  export JIFEN_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PG_PORT/jifen_test"
  export JIFEN_TEST_POSTGRES_CA="$PG_DIR/server.crt"
  echo "postgres: throwaway server on 127.0.0.1:$PG_PORT ($PG_DIR)" >&2
}

pg_throwaway_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  PG_DIR=
}
