#!/usr/bin/env bash
# The whole test suite, set-up included: `./scripts/test.sh [pytest args]`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
# the import direction of the layers (pyproject's [tool.importlinter]) and the style rules, before the tests
.venv/bin/lint-imports --no-cache >/dev/null || { .venv/bin/lint-imports --no-cache; exit 1; }
.venv/bin/ruff check --quiet wizard tests scripts
exec .venv/bin/python -m pytest "$@"
