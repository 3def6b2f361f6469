#!/usr/bin/env bash
# Open the wizard against the practice lab with a fault: `./scripts/lab-wizard.sh [FAULT]`.
# Builds the lab (root, Linux) on first use; `rpc-wizard lab down` removes it.
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
exec $wizard lab exec -- "$PWD/.venv/bin/rpc-wizard" diagnose --symptom ad-replication-1753 \
  --target dc2.lab.example --dest dc1.lab.example --dns-server 198.51.100.10
