#!/usr/bin/env bash
# Open the wizard against the practice lab with a fault: `./scripts/lab-wizard.sh [FAULT]`.
# Builds the lab (root, Linux) on first use; `rpc-wizard lab down` removes it. In a terminal it opens
# the TUI on the first step of the 1753 diagnosis; without one (a pipe, CI) it runs it headless.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
fault="${1:-stale-a-record}"
wizard=.venv/bin/rpc-wizard
if $wizard lab status >/dev/null 2>&1; then
  $wizard lab fault "$fault"
else
  $wizard lab up --fault "$fault"
fi
mode=diagnose
if [ -t 0 ] && [ -t 1 ]; then mode=tui; fi
exec $wizard lab exec -- "$PWD/.venv/bin/rpc-wizard" "$mode" --symptom ad-replication-1753 \
  --target dc2.lab.example --dest dc1.lab.example --dns-server 198.51.100.10
