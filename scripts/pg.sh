#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite.
#   scripts/pg.sh start DIR   -> installs Debian's postgresql if missing, starts a cluster in
#                                DIR on a free port, prints the SQLAlchemy URL
#   scripts/pg.sh stop DIR    -> stops it and removes DIR
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

as_pg() {  # initdb and postgres refuse to run as root
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

case "$cmd" in
start)
  if ! bin=$(find_bin); then
    echo "installing PostgreSQL (Debian package postgresql)..." >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
    bin=$(find_bin)
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  rm -rf "$dir"; mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    # the server runs as postgres: it must be able to reach its folder
    p=$(dirname "$dir"); while [ "$p" != / ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
  fi
  if ! as_pg "$bin/initdb" -D "$dir/data" -U shouhu -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    && ! as_pg "$bin/initdb" -D "$dir/data" -U shouhu -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2; exit 1
  fi
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U shouhu shouhu_test
  echo "$port" > "$dir/port"
  echo "postgresql+psycopg://shouhu@127.0.0.1:$port/shouhu_test"
  ;;
stop)
  if [ -d "$dir/data" ] && bin=$(find_bin); then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
