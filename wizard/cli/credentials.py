"""Credentials for the read-only LDAP and registry checks: never from argv.

KRB5CCNAME: `FILE:/path` (what kinit writes) and a bare path name a ticket cache file, which the
probes read themselves (wizard.probes.kerberos; impacket would read the raw variable and fail on the
`FILE:` prefix). Caches that are not files (KCM:, API:, KEYRING:, MEMORY:, MSLSA:, DIR:) cannot be
read here: that is said in one line, with the kinit command that writes a file cache instead.
"""

from __future__ import annotations

import os
import re
import sys

from wizard import WizardError
from wizard.probes.session import Credentials

PASSWORD_ENV = "RPC_WIZARD_PASSWORD"
FILE_CACHE = "/tmp/krb5cc_rpc_wizard"
# a cache type prefix: two letters or more, so that a Windows path (C:\...) is not taken for one
_CACHE_TYPE = re.compile(r"^([A-Za-z][A-Za-z0-9_]+):")


def credentials_for(user: str | None, interactive: bool | None = None) -> Credentials | None:
    """--user with RPC_WIZARD_PASSWORD, a Kerberos ticket cache file (KRB5CCNAME), or a masked prompt."""
    if not user:
        return None
    if "\\" not in user and "@" not in user:
        raise WizardError(f"--user {user!r} must be DOMAIN\\user or user@domain")
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return Credentials(user, password)
    ccache = os.environ.get("KRB5CCNAME")
    if ccache:
        return Credentials(user, "", ccache=ccache_path(ccache))
    if interactive if interactive is not None else sys.stdin.isatty():
        import getpass  # with termios: only a prompt needs them (not `check` without --user)

        return Credentials(user, getpass.getpass(f"Password for {user}: "))
    raise WizardError(f"--user needs a password: set {PASSWORD_ENV}, or KRB5CCNAME, or run in a terminal")


def ccache_path(value: str) -> str:
    """The ticket cache file KRB5CCNAME names; a WizardError for a cache that is not a file, or no file."""
    kind = _CACHE_TYPE.match(value)
    if kind and kind.group(1).upper() != "FILE":
        raise WizardError(f"KRB5CCNAME names a {kind.group(1).upper()}: ticket cache, which cannot be read here "
                          f"(only ticket cache files can): run `kinit -c FILE:{FILE_CACHE} USER@REALM` and set "
                          f"KRB5CCNAME=FILE:{FILE_CACHE}, or give the password in {PASSWORD_ENV}")
    path = value[len(kind.group(0)):] if kind else value
    if not os.path.isfile(path):
        raise WizardError(f"KRB5CCNAME points to {path!r}, but there is no ticket cache there: run kinit, "
                          f"or give the password in {PASSWORD_ENV}")
    return path
