#!/bin/sh
# First start: a cluster in $PGDATA, the role POSTGRES_USER (password POSTGRES_PASSWORD) owning one database
# per name in POSTGRES_DATABASES (the app's and MLflow's). Then PostgreSQL in the foreground, listening on
# every address of the container (password authentication for the network, scram-sha-256).
set -eu
: "${POSTGRES_USER:?POSTGRES_USER is not set}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set}"
: "${POSTGRES_DATABASES:?POSTGRES_DATABASES is not set (space-separated names)}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  secret=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$secret"
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$secret" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$secret"
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "host all all ::/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
  for name in $POSTGRES_DATABASES; do
    PGPASSWORD=$POSTGRES_PASSWORD psql -q -v ON_ERROR_STOP=1 -h /run/postgresql -U "$POSTGRES_USER" -d postgres \
      -c "CREATE DATABASE \"$name\" OWNER \"$POSTGRES_USER\""
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/run/postgresql
