#!/usr/bin/env bash
# Runs every test: typecheck, lint, unit, integration (real PostgreSQL + Redis) and end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE=${NX_SKIP_NX_CACHE:-false}
bash scripts/ensure-deps.sh
bash infra/dev-services.sh
npx nx run-many -t build --projects=shared,domain --outputStyle=static
npx nx run-many -t typecheck lint --outputStyle=static
npx nx run-many -t test --outputStyle=static --parallel=1
