#!/usr/bin/env bash
# npm start: brings the whole system up on this machine — dependencies, PostgreSQL + PostGIS and
# Redis, build, migrations, demo data, then the API (serving the console) and the escalation
# worker — and prints where to look. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

step() { printf '\n\033[1m› %s\033[0m\n' "$*"; }

step "dependencies"
bash scripts/ensure-deps.sh

step "PostgreSQL (PostGIS), Redis and the MQTT broker"
bash infra/dev-services.sh

# Local configuration: generated once into var/.env (gitignored); the environment wins over it.
mkdir -p var
if [ ! -f var/.env ]; then
  umask 077
  printf 'JWT_SECRET=%s\n' "$(node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))")" > var/.env
fi
set -a
# shellcheck disable=SC1091
. var/.env
set +a
# The project broker's credentials (infra/mosquitto.sh); the environment wins over them.
if [ -f var/mosquitto/credentials.env ]; then
  while IFS='=' read -r key value; do
    case "$key" in MQTT_URL | MQTT_USERNAME | MQTT_PASSWORD) [ -n "${!key:-}" ] || export "$key=$value" ;; esac
  done < var/mosquitto/credentials.env
fi
export NODE_ENV="${NODE_ENV:-development}"
export PORT="${PORT:-3000}"
export WORKER_PORT="${WORKER_PORT:-3001}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cgi}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"

step "build"
npx nx run-many -t build --outputStyle=static

step "migrations and reference data"
node apps/api/dist/database/migrate.js

step "demo data"
credentials=$(node apps/api/dist/demo/seed-demo.js)

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

step "starting"
# A larger young generation: the API allocates fast and short-lived (docs/operations.md).
node --max-semi-space-size=64 apps/api/dist/main.js &
pids+=($!)
if [ -f apps/escalation-worker/dist/main.js ]; then
  node apps/escalation-worker/dist/main.js &
  pids+=($!)
fi

ready() { node -e "fetch('http://127.0.0.1:${PORT}/health/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; }
for _ in $(seq 1 60); do
  if ready; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then echo "the API stopped during start-up: see the messages above" >&2; exit 1; fi
  sleep 0.5
done
ready || { echo "the API is not ready after 30 s" >&2; exit 1; }

cat <<MSG

  CGI Porto — Occurrences Integrated Manager is up.

  Console (videowall, operator, department views)  http://localhost:${PORT}/
  REST API                                          http://localhost:${PORT}/api/v1
  API documentation (OpenAPI)                       http://localhost:${PORT}/api/docs
  Health                                            http://localhost:${PORT}/health/ready
  Escalation worker health and metrics              http://localhost:${WORKER_PORT}/health/ready  /metrics
  MQTT broker (AVL positions)                       ${MQTT_URL:-not configured}  (credentials: var/mosquitto/credentials.env)

${credentials}
  Stop with Ctrl-C.
MSG

wait -n "${pids[@]}"
echo "a process stopped; shutting down the others" >&2
exit 1
