#!/usr/bin/env bash
# Regenerate requirements-lock.txt, the exact test environment (versions and hashes) that
# scripts/bootstrap.sh installs, from pyproject.toml (dependencies, the dev extras and the build
# backend). Run it after changing a dependency in pyproject.toml, and commit both files together.
# Pins already in the lock stay as they are; `./scripts/lock.sh --upgrade` moves every package to the
# newest release pyproject.toml allows (then run the whole suite). pip-compile runs in a throw-away
# virtual environment, so .venv stays as the lock says.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_TOOLS_VERSION=7.6.2
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools"
"$tools/bin/python" -m pip install -q --disable-pip-version-check "pip-tools==$PIP_TOOLS_VERSION"
# --all-build-deps: hatchling and its own dependencies are locked too (bootstrap installs the project
# without build isolation, so nothing is fetched unhashed)
CUSTOM_COMPILE_COMMAND=./scripts/lock.sh "$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe \
  --strip-extras --no-emit-index-url --no-emit-find-links --extra dev --all-build-deps -o requirements-lock.txt "$@" pyproject.toml
echo "lock: wrote requirements-lock.txt ($(grep -c '==' requirements-lock.txt) packages)"
