#!/usr/bin/env bash
# A throwaway Redis server for the test suite (the counterpart of scripts/pg.sh).
#   scripts/redis.sh start DIR [PORT] -> installs Debian's redis-server if missing, starts it
#                                        on 127.0.0.1 (a free port unless PORT is given),
#                                        data in DIR, no persistence; prints its URL
#   scripts/redis.sh stop DIR         -> stops it and removes DIR
# A test that stops Redis on purpose restarts it with the same PORT (see tests/queue).
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}

case "$cmd" in
start)
  if ! command -v redis-server >/dev/null; then
    echo "installing Redis (Debian package redis-server)..." >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >&2
  fi
  port=${3:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
  mkdir -p "$dir"
  rm -f "$dir/redis.pid"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --save "" --appendonly no --protected-mode yes >&2 \
    || { cat "$dir/redis.log" >&2 2>/dev/null; exit 1; }
  for _ in $(seq 1 100); do  # up to 5 s for the server to answer
    redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && break
    sleep 0.05
  done
  redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG \
    || { echo "redis-server did not start" >&2; cat "$dir/redis.log" >&2 2>/dev/null; exit 1; }
  echo "$port" > "$dir/port"
  echo "redis://127.0.0.1:$port/0"
  ;;
stop)
  if [ -f "$dir/redis.pid" ]; then
    pid=$(cat "$dir/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
