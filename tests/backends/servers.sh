#!/usr/bin/env bash
# The test run's PostgreSQL and Redis: throw-away servers on loopback, started before pytest and stopped after.
#
#   tests/backends/servers.sh start    start both, wait until they answer, print the `export TEST_...=` lines
#   tests/backends/servers.sh stop     stop both and delete their data
#   tests/backends/servers.sh status   say whether each answers (exit 1 if one does not)
#
# Bash rather than Python: it only drives Debian's own tools (initdb, pg_ctl, redis-server, redis-cli).
# PostgreSQL refuses to run as root, so its tools run as the `postgres` system user when we are root. A missing
# package or a server that does not start is ONE line on stderr (then the server's log tail) and exit 1.
# The URLs are also written to $BACKENDS_DIR/env (sourced by `make test`).
set -euo pipefail

BACKENDS_DIR=${BACKENDS_DIR:-/tmp/pad-test-backends}
PG_PORT=${TEST_PG_PORT:-55432}
REDIS_PORT=${TEST_REDIS_PORT:-56379}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PG_DATA=$BACKENDS_DIR/postgres
PG_LOG=$BACKENDS_DIR/postgres.log
REDIS_LOG=$BACKENDS_DIR/redis.log
REDIS_PID=$BACKENDS_DIR/redis.pid
ENV_FILE=$BACKENDS_DIR/env
PG_USER=pad_tests
PG_PASSWORD=pad_tests
PG_DB=pad_tests

fail() { # one clear line, then the log tail if one is given
  echo "test backends: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then tail -n 20 "$2" | sed 's/^/    /' >&2; fi
  exit 1
}

as_postgres() { # PostgreSQL's tools refuse root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_answers() { as_postgres "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }
redis_answers() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

start_postgres() {
  [ -x "$PG_BIN/initdb" ] || fail "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql"
  if pg_answers; then return; fi
  rm -rf "$PG_DATA"
  mkdir -p "$BACKENDS_DIR"
  chmod 755 "$BACKENDS_DIR"
  install -d -m 700 "$PG_DATA"
  : >"$PG_LOG"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_DATA" "$PG_LOG"; fi
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >>"$PG_LOG" 2>&1 \
    || fail "PostgreSQL: initdb failed in $PG_DATA" "$PG_LOG"
  # loopback only, a non-default port, no durability needed by tests (a throw-away cluster)
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 30 -o \
    "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null 2>&1 || fail "PostgreSQL did not start on 127.0.0.1:$PG_PORT" "$PG_LOG"
  for _ in $(seq 50); do pg_answers && break; sleep 0.2; done
  pg_answers || fail "PostgreSQL does not answer on 127.0.0.1:$PG_PORT" "$PG_LOG"
  # a role that may create the fresh databases the fixtures make (CREATE DATABASE pad_<random>)
  as_postgres "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" \
    -c "CREATE DATABASE $PG_DB OWNER $PG_USER" >>"$PG_LOG" 2>&1 \
    || fail "PostgreSQL: could not create the role and database $PG_DB" "$PG_LOG"
}

start_redis() {
  command -v redis-server >/dev/null || fail "Redis is not installed (no redis-server): apt-get install redis-server"
  if redis_answers; then return; fi
  mkdir -p "$BACKENDS_DIR"
  : >"$REDIS_LOG"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
    --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" --dir "$BACKENDS_DIR" >/dev/null 2>&1 \
    || fail "Redis did not start on 127.0.0.1:$REDIS_PORT" "$REDIS_LOG"
  for _ in $(seq 50); do redis_answers && break; sleep 0.1; done
  redis_answers || fail "Redis does not answer on 127.0.0.1:$REDIS_PORT" "$REDIS_LOG"
}

urls() {
  echo "export TEST_POSTGRES_URL=postgresql+psycopg://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
  echo "export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

stop_all() {
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$REDIS_PID" ]; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$REDIS_PID")" 2>/dev/null || true
  fi
  rm -rf "$BACKENDS_DIR"
}

case "${1:-}" in
  start)
    start_postgres
    start_redis
    urls >"$ENV_FILE"
    cat "$ENV_FILE"
    ;;
  stop) stop_all ;;
  status)
    code=0
    if pg_answers 2>/dev/null; then echo "PostgreSQL: answers on 127.0.0.1:$PG_PORT"; else echo "PostgreSQL: down"; code=1; fi
    if redis_answers; then echo "Redis: answers on 127.0.0.1:$REDIS_PORT"; else echo "Redis: down"; code=1; fi
    exit $code
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
