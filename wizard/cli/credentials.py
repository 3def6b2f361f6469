"""Credentials for the read-only LDAP and registry checks: never from argv."""

from __future__ import annotations

import getpass
import os
import sys

from wizard import WizardError
from wizard.probes.base import Credentials

PASSWORD_ENV = "RPC_WIZARD_PASSWORD"


def credentials_for(user: str | None, interactive: bool | None = None) -> Credentials | None:
    """--user with RPC_WIZARD_PASSWORD, a Kerberos ccache (KRB5CCNAME), or a masked prompt."""
    if not user:
        return None
    if "\\" not in user and "@" not in user:
        raise WizardError(f"--user {user!r} must be DOMAIN\\user or user@domain")
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return Credentials(user, password)
    ccache = os.environ.get("KRB5CCNAME")
    if ccache:
        return Credentials(user, "", ccache=ccache.removeprefix("FILE:"))
    if interactive if interactive is not None else sys.stdin.isatty():
        return Credentials(user, getpass.getpass(f"Password for {user}: "))
    raise WizardError(f"--user needs a password: set {PASSWORD_ENV}, or KRB5CCNAME, or run in a terminal")
