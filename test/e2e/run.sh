#!/usr/bin/env bash
# End-to-end browser tests: Debian's Chromium (installed when absent), the built API serving the
# built console, a fresh database, real Redis. Screenshots: test-results/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CHROME_BIN="${CHROME_BIN:-$(bash infra/ensure-chromium.sh)}"
npx nx run-many -t build --projects=shared,domain,api,console --outputStyle=static
npx tsx --test --test-concurrency=1 test/e2e/*.e2e.ts
