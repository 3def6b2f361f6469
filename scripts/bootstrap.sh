#!/usr/bin/env bash
# Install everything rpc-wizard needs on a fresh Debian machine: the Debian packages of the lab
# (when root) and a virtual environment with the package and its dev extras, exactly as
# requirements-lock.txt pins them (versions and hashes). Safe to run again.
# After changing a dependency in pyproject.toml, regenerate the lock: ./scripts/lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(samba samba-ad-dc winbind krb5-user ldap-utils bind9-host iproute2 iptables tmux procps tcpdump)

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    # krb5-user asks for a realm; the lab writes its own krb5.conf, so the defaults are fine
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
PIP=(.venv/bin/python -m pip install -q --disable-pip-version-check)
# the locked test environment, every file checked against its hash; then the project itself, built by
# the locked hatchling (no build isolation: nothing is fetched that the lock does not name)
"${PIP[@]}" --require-hashes -r requirements-lock.txt
"${PIP[@]}" --no-deps --no-build-isolation -e .
# a dependency pyproject.toml gained but the lock lacks is not installed unlocked: say so and stop
.venv/bin/python scripts/check_lock.py
