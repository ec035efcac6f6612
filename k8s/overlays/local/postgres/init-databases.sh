#!/usr/bin/env bash
# PostgreSQL init script (/docker-entrypoint-initdb.d: runs once, on an empty data directory). Creates one
# role and one database per service, homestore_<service>, the database owned by its role and closed to every
# other role: no service can read another's data. Used by docker-compose.yml and the local Kubernetes overlay.
#
# HOMESTORE_SERVICES          the services that own a database (every app but the gateway)
# HOMESTORE_DB_PASSWORDS_DIR  a directory with one file per service holding that role's password (Kubernetes
#                             mounts the homestore-db-credentials Secret there); without it every role gets
#                             PGPASSWORD (docker compose, where the apps read the same PGPASSWORD)
set -euo pipefail
services="${HOMESTORE_SERVICES:-user order payment ordermanagement delivery message mileage}"
passwords_dir="${HOMESTORE_DB_PASSWORDS_DIR:-/run/secrets/homestore-db}"

for service in $services; do
  if [[ -r "$passwords_dir/$service" ]]; then
    password="$(cat "$passwords_dir/$service")"
  else
    password="${PGPASSWORD:-}"
  fi
  if [[ -z "$password" ]]; then
    echo "no password for role homestore_$service: mount $passwords_dir/$service or set PGPASSWORD" >&2
    exit 1
  fi
  # psql substitutes :"role" (an identifier) and :'password' (a literal) itself, quoted and escaped.
  psql --no-password -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    --set role="homestore_$service" --set password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
  echo "created role and database homestore_$service"
done
