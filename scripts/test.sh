#!/usr/bin/env bash
# `make test`: lint, then the whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL
# names one. CI sets REQUIRE_POSTGRES=1 and REQUIRE_BROWSER=1 so that nothing is silently skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [ "${REQUIRE_REDIS:-}" = 1 ] && [ -z "${TEST_REDIS_URL:-}" ]; then
  echo "REQUIRE_REDIS=1 but TEST_REDIS_URL is not set" >&2
  exit 1
fi

$BIN/ruff check .
$BIN/ruff format --check .
$BIN/mypy
# The dependency direction (pyproject.toml, [tool.importlinter]): web -> jobs -> domains -> core.
$BIN/lint-imports --no-cache >/dev/null || $BIN/lint-imports --no-cache

echo "== tests on SQLite"
env -u TEST_DATABASE_URL $BIN/python -m pytest "$@"

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== tests on PostgreSQL"
  $BIN/python -m pytest "$@"
elif [ "${REQUIRE_POSTGRES:-}" = 1 ]; then
  echo "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set" >&2
  exit 1
else
  echo "== PostgreSQL pass skipped: set TEST_DATABASE_URL=postgresql://user:pass@127.0.0.1/db to run it"
fi
