#!/usr/bin/env bash
# npm test: install what is missing, then typecheck, lint, check formatting and run jest, so that a fresh clone
# needs nothing but `npm test`. Extra arguments go to jest (e.g. `npm test -- shared/index`).
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then echo "test: ccp needs Node.js 20 or newer (found $(node --version))" >&2; exit 1; fi

# npm writes node_modules/.package-lock.json last: missing or older than the lock file means
# node_modules is absent, half-installed or from another lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "test: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
# Without root the missing tools cannot be installed; the tests that need them fail, naming
# them, while a subset that needs none (`npm test -- shared/index`) still runs. On CI (`CI` set)
# a missing tool stops the run at once.
if ! bash scripts/install-deps.sh test; then
  if [ -n "${CI:-}" ]; then echo "test: host tools are missing (see above)" >&2; exit 1; fi
  echo "test: WARNING: host tools are missing (see above); the tests that need them will fail" >&2
fi

echo "test: tsc"
node_modules/.bin/tsc -p tsconfig.json --noEmit
echo "test: eslint"
node_modules/.bin/eslint .
echo "test: prettier"
node_modules/.bin/prettier --check --log-level warn "**/*.{ts,js,mjs}"
echo "test: jest"
exec node_modules/.bin/jest "$@"
