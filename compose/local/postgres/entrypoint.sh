#!/bin/bash
# The official image's contract, the part compose.yml and Testcontainers' PostgreSQL module use: a first start
# initialises $PGDATA with the superuser $POSTGRES_USER (default postgres; password $POSTGRES_PASSWORD,
# scram-sha-256 from other hosts, replication included), creates $POSTGRES_DB (default: the user's name) on a
# temporary server that listens on no TCP port, runs /docker-entrypoint-initdb.d/*.sql and *.sh there, stops it, then
# "postgres -c k=v …" runs the server as the postgres OS user (so "ready to accept connections" is logged twice on a
# first start, once on a restart, as there).
set -euo pipefail
if [ "${1:-}" != postgres ]; then exec "$@"; fi
shift
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp) && printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile" && chown postgres "$pwfile"
  as_postgres initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  printf 'host all all all scram-sha-256\nhost replication all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  # the temporary server: the command's settings, no TCP, its socket on ${PGPORT:-5432} whatever port the command
  # names (the last -p wins), as in the official image
  opts=$(printf '%q ' "$@")
  as_postgres pg_ctl -D "$PGDATA" -o "$opts -c listen_addresses='' -p ${PGPORT:-5432}" -w start
  psql=(as_postgres psql -v ON_ERROR_STOP=1 --no-psqlrc -p "${PGPORT:-5432}" -U "$user" -d postgres -q)
  if [ "$db" != postgres ]; then
    "${psql[@]}" -c "CREATE DATABASE \"$db\""
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) "${psql[@]}" -d "$db" -f "$f" ;;
      *.sh) . "$f" ;;
    esac
  done
  as_postgres pg_ctl -D "$PGDATA" -m fast -w stop
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA" -c listen_addresses='*' "$@"
