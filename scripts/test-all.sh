#!/usr/bin/env bash
# The whole suite: installs what it lacks (node_modules, Debian's Chromium), builds once, then runs
# unit tests, the server suite against Postgres+Redis and against embedded PGlite, and Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
# Debian's Chromium for Playwright; unzip and jq for the export test, which verifies a zip the way a recipient would.
missing=$(for cmd in chromium unzip jq; do command -v "$cmd" >/dev/null 2>&1 || echo "$cmd"; done)
# clamd for the virus-scanner tests: the command is in clamav-daemon, under /usr/sbin (off a non-root PATH).
command -v clamd >/dev/null 2>&1 || [ -x /usr/sbin/clamd ] || missing="$missing clamav-daemon"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y $missing >/dev/null; else sudo apt-get install -y $missing >/dev/null; fi
fi
bash scripts/ensure-services.sh

npx nuxt build >/tmp/switchboard-build.log 2>&1 || { cat /tmp/switchboard-build.log; exit 1; }
npx vitest run --project unit
npx vitest run --project adapters
DB_MODE=postgres npx vitest run --project server
# *.postgres.test.ts seed rows straight into Postgres; PGlite lives inside the app process.
DB_MODE=pglite npx vitest run --project server --exclude 'tests/server/**/*.postgres.test.ts'
npx vitest run --project cluster
npx playwright test
