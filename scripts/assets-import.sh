#!/usr/bin/env bash
# npm run assets:import -- <file.geojson|file.csv> [--dry-run]: imports the asset registry from a
# GeoJSON FeatureCollection or a CSV file into the database of DATABASE_URL (all or nothing; every
# bad row and field is printed). Builds the API first when it has not been built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
files=()
for a in "$@"; do
  case "$a" in --*) files+=("$a") ;; *) files+=("$(cd "$(dirname "$a")" && pwd)/$(basename "$a")") ;; esac
done
cd "$root"
if [ -f var/.env ]; then set -a; . var/.env; set +a; fi
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cgi}"
[ -f apps/api/dist/assets/import-assets.cli.js ] || NX_DAEMON=false npx nx run api:build --outputStyle=static >/dev/null
exec node apps/api/dist/assets/import-assets.cli.js "${files[@]}"
