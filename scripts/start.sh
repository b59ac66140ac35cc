#!/usr/bin/env bash
# npm start: install what is missing, build, and run the pipeline on the sample index.
# Extra arguments go to `ccp run` (e.g. `npm start -- --once`).
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then echo "start: ccp needs Node.js 20 or newer (found $(node --version))" >&2; exit 1; fi

if ! bash scripts/install-deps.sh run; then
  echo "start: continuing without the missing tools; linting runs without ShellCheck" >&2
  export CCP_LINT_SHELLCHECK=false
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "start: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "start: compiling"
npx tsc -p tsconfig.build.json

index_dir=$(node dist/cli/main.js sample)
echo "start: sample index in $index_dir"
# Without an SMTP server the mails the pipeline would send are written as .eml files.
mail_args=()
if [ -z "${CCP_SMTP_HOST:-}" ] && [ -z "${CCP_MAIL_TO_DIR:-}" ]; then
  mail_dir="${CCP_DATA_DIR:-.ccp}/mail"
  mail_args=(--mail-to-dir "$mail_dir")
  echo "start: mails are written to $mail_dir as .eml files (set CCP_SMTP_HOST to send them)"
fi
exec node dist/cli/main.js run --index "$index_dir" "${mail_args[@]}" "$@"
