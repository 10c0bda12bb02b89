#!/usr/bin/env bash
# The JavaScript linter for static/vidflow/: ESLint from npm into ./node_modules, at the versions
# package-lock.json pins (npm ci, again only when the lock file changes), then run on the repo.
#   scripts/eslint.sh            install if needed, then lint
#   scripts/eslint.sh --install  install only (what `make install` calls)
# Without node >= 20.19 and npm it says so; that fails only in CI (CI set), so a machine without
# node can still run the Python side of `make lint`.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=""
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing="node and npm are not installed"
elif ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  missing="node $(node --version) is too old (ESLint needs 20.19 or newer)"
fi
if [ -n "$missing" ]; then
  echo "eslint: $missing, so static/vidflow/ is not linted."
  echo "        Install Node.js 20.19+ with npm (https://nodejs.org, or your system's packages)."
  if [ -n "${CI:-}" ]; then echo "eslint: failing, since this is CI."; exit 1; fi
  exit 0
fi

stamp=node_modules/.installed-stamp
if [ ! -e "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "eslint: installing from package-lock.json into node_modules/"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
[ "${1:-}" = "--install" ] && exit 0
exec node_modules/.bin/eslint --max-warnings 0 .
