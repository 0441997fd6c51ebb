#!/usr/bin/env bash
# Make PostgreSQL (with PostGIS), Redis and the project's MQTT broker (infra/mosquitto.sh)
# reachable for development, tests and CI.
#
# Idempotent and silent when both services already answer. On a Debian machine
# it installs / starts what is missing (as root, or through sudo); elsewhere it
# prints what to do and exits 1.
#
# Environment: PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) [PGPASSWORD]
#              REDIS_HOST (127.0.0.1) REDIS_PORT (6379)
#              DEV_SERVICES_WAIT (30, seconds to wait for both to answer)
# No systemd here: services are started directly (pg_ctlcluster / redis-server).
set -euo pipefail

# shellcheck source=infra/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
WAIT="${DEV_SERVICES_WAIT:-30}"
PG_DEFAULT_MAJOR=15
export PGHOST PGPORT PGUSER

# ---------------------------------------------------------------- PostgreSQL

pg_ready() { pg_isready -q -t 2 -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" >/dev/null 2>&1; }

# Run one query against the maintenance database; never prompt for a password.
pg_query() { psql -X -w -q -A -t -v ON_ERROR_STOP=1 -d postgres -c "$1"; }

postgis_available() {
  [[ "$(pg_query "SELECT 1 FROM pg_available_extensions WHERE name='postgis'" 2>/dev/null)" == 1 ]]
}

# Installed server majors that have a cluster config, highest first.
pg_cluster_majors() {
  local d
  for d in /etc/postgresql/*/main; do
    [[ -f "$d/postgresql.conf" ]] || continue
    d="${d%/main}"
    d="${d##*/}"
    [[ -x "/usr/lib/postgresql/$d/bin/postgres" ]] && printf '%s\n' "$d"
  done | sort -rn
}

pg_server_majors() {
  local b
  for b in /usr/lib/postgresql/*/bin/postgres; do
    [[ -x "$b" ]] || continue
    b="${b%/bin/postgres}"
    printf '%s\n' "${b##*/}"
  done | sort -rn
}

pg_cluster_status() { # -> online | down | ""
  pg_lsclusters -h 2>/dev/null | awk -v v="$1" '$1 == v && $2 == "main" { print $4 }' | cut -d, -f1
}

pg_cluster_port() {
  pg_lsclusters -h 2>/dev/null | awk -v v="$1" '$1 == v && $2 == "main" { print $3 }'
}

pg_start_cluster() {
  local v="$1" status
  status="$(pg_cluster_status "$v")"
  if [[ "$status" != online ]]; then
    require_root_or_explain "PostgreSQL $v cluster is stopped" \
      "pg_ctlcluster --skip-systemctl-redirect $v main start"
    log "starting PostgreSQL $v cluster 'main'"
    as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start ||
      die "pg_ctlcluster $v main start failed; see /var/log/postgresql/postgresql-$v-main.log"
  fi
  local port
  port="$(pg_cluster_port "$v")"
  [[ -z "$port" || "$port" == "$PGPORT" ]] ||
    warn "cluster $v/main listens on port $port but PGPORT=$PGPORT"
}

pg_install_postgis() {
  local v="$1"
  require_root_or_explain "PostGIS is not installed for PostgreSQL $v" \
    "apt-get update && apt-get install -y postgresql-$v-postgis-3"
  apt_install "postgresql-$v-postgis-3"
}

# Local TCP (127.0.0.1/32, ::1/128) without password: only for a cluster we created.
pg_trust_local_tcp() {
  local v="$1" hba="/etc/postgresql/$1/main/pg_hba.conf" tmp
  tmp="$(mktemp)"
  {
    printf '# Added by infra/dev-services.sh (development cluster): trust local TCP.\n'
    printf 'host    all             all             127.0.0.1/32            trust\n'
    printf 'host    all             all             ::1/128                 trust\n'
    as_root grep -vE '^[[:space:]]*host[[:space:]]+all[[:space:]]+all[[:space:]]+(127\.0\.0\.1/32|::1/128)[[:space:]]' "$hba" |
      grep -v '^# Added by infra/dev-services.sh' || true
  } >"$tmp"
  as_root install -m 640 -o postgres -g postgres "$tmp" "$hba"
  rm -f "$tmp"
  as_root pg_ctlcluster --skip-systemctl-redirect "$v" main reload >/dev/null 2>&1 || true
  log "created PostgreSQL $v cluster 'main' and set trust auth for 127.0.0.1/32 and ::1/128 (development only)"
}

pg_install_server() {
  require_root_or_explain "PostgreSQL is not installed" \
    "apt-get update" \
    "DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-$PG_DEFAULT_MAJOR postgresql-$PG_DEFAULT_MAJOR-postgis-3" \
    "pg_ctlcluster --skip-systemctl-redirect $PG_DEFAULT_MAJOR main start"
  apt_update_once
  if apt-cache show "postgresql-$PG_DEFAULT_MAJOR" >/dev/null 2>&1; then
    apt_install "postgresql-$PG_DEFAULT_MAJOR" "postgresql-$PG_DEFAULT_MAJOR-postgis-3"
  else
    apt_install postgresql
    local m
    m="$(pg_server_majors | head -n1)"
    [[ -n "$m" ]] || die "installed 'postgresql' but found no server under /usr/lib/postgresql"
    apt_install "postgresql-$m-postgis-3"
  fi
}

ensure_postgres() {
  if pg_ready; then
    postgis_available && return 0
    local err
    if ! err="$(pg_query 'SELECT 1' 2>&1)"; then
      die "PostgreSQL at $PGHOST:$PGPORT answers but the query as '$PGUSER' fails: $err"
    fi
    is_local_host "$PGHOST" ||
      die "PostgreSQL at $PGHOST:$PGPORT has no PostGIS extension available; install PostGIS on that server"
    local major
    major="$(pg_query 'SHOW server_version_num')"
    major="$((major / 10000))"
    pg_install_postgis "$major"
    postgis_available ||
      die "installed postgresql-$major-postgis-3 but the server at $PGHOST:$PGPORT still lists no 'postgis' extension (is it another installation?)"
    return 0
  fi

  if ! is_local_host "$PGHOST"; then
    log "PostgreSQL at $PGHOST:$PGPORT does not answer (remote host: not managed here); waiting"
    return 0
  fi

  local v created=0
  v="$(pg_cluster_majors | head -n1)"
  if [[ -z "$v" ]]; then
    if [[ -z "$(pg_server_majors)" ]]; then
      pg_install_server
    fi
    v="$(pg_server_majors | head -n1)"
    # The Debian package normally creates 'main' itself; in both cases it is new.
    if [[ ! -f "/etc/postgresql/$v/main/postgresql.conf" ]]; then
      log "creating PostgreSQL $v cluster 'main' on port $PGPORT"
      as_root pg_createcluster --port "$PGPORT" "$v" main >/dev/null
    fi
    created=1
  fi
  pkg_installed "postgresql-$v-postgis-3" || pg_install_postgis "$v"
  [[ "$created" -eq 1 ]] && pg_trust_local_tcp "$v"
  pg_start_cluster "$v"
}

# --------------------------------------------------------------------- Redis

redis_ok() {
  if have redis-cli; then
    [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
  else # no client: speak RESP over bash's /dev/tcp
    (
      exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" || exit 1
      printf 'PING\r\n' >&3
      IFS= read -r -t 2 line <&3 && [[ "${line%$'\r'}" == "+PONG" ]]
    ) 2>/dev/null
  fi
}

redis_start_cmd() {
  printf 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port %s --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log' "$REDIS_PORT"
}

ensure_redis() {
  redis_ok && return 0
  if ! is_local_host "$REDIS_HOST"; then
    log "Redis at $REDIS_HOST:$REDIS_PORT does not answer (remote host: not managed here); waiting"
    return 0
  fi
  if ! have redis-server; then
    require_root_or_explain "Redis is not installed" \
      "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server" \
      "mkdir -p /var/lib/redis /var/log/redis" \
      "$(redis_start_cmd)"
    apt_install redis-server
    # The package's init script may already have started a server.
    wait_until 3 redis_ok && return 0
  fi
  require_root_or_explain "Redis is not running" \
    "mkdir -p /var/lib/redis /var/log/redis" "$(redis_start_cmd)"
  log "starting redis-server on 127.0.0.1:$REDIS_PORT (no persistence)"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
    --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log ||
    die "redis-server failed to start; see /var/log/redis/ci.log"
}

# The XSD validator of the CAP 1.2 tests (apps/api/test/public-alerts*.spec.ts, libs/domain
# public-alerts specs): Debian's libxml2-utils (xmllint --schema).
ensure_xmllint() {
  have xmllint && return 0
  require_root_or_explain "xmllint (libxml2-utils) is not installed" \
    "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y libxml2-utils"
  apt_install libxml2-utils
}

# ---------------------------------------------------------------------- main

ensure_postgres
ensure_redis
ensure_xmllint
# The project's own Mosquitto on 127.0.0.1:1884 (never the system one): AVL positions.
bash "$INFRA_DIR/mosquitto.sh"

deadline=$((SECONDS + WAIT))
left() { local n=$((deadline - SECONDS)); ((n > 0)) && echo "$n" || echo 1; }

wait_until "$(left)" pg_ready ||
  die "PostgreSQL at $PGHOST:$PGPORT not accepting connections after ${WAIT}s (pg_isready: $(pg_isready -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" 2>&1 || true))"
wait_until "$(left)" postgis_available ||
  die "PostgreSQL at $PGHOST:$PGPORT answers but extension 'postgis' is not available (query as '$PGUSER': $(pg_query "SELECT count(*) FROM pg_available_extensions WHERE name='postgis'" 2>&1 || true))"
wait_until "$(left)" redis_ok ||
  die "Redis at $REDIS_HOST:$REDIS_PORT did not answer PING with PONG after ${WAIT}s"
exit 0
