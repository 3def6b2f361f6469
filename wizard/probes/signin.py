"""How a signed-in read signs in, once trust.permit() has said it may: the Permit it was given
(Kerberos by name, NTLM, or nothing and why) and the two impacket calls that sign a connection in.
Kept apart from trust.py, which asks the identity check: the LDAP connection code needs this module,
and the identity check needs the LDAP connection code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.engine.catalog import CATALOG
from wizard.engine.commands import render_command
from wizard.probes import kerberos
from wizard.probes.session import Session

KERBEROS = "kerberos"
NTLM = "ntlm"


@dataclass(frozen=True)
class Permit:
    how: str | None  # KERBEROS, NTLM, or None: no credentials go to this address
    why: str = ""  # when None: why not, in plain words
    kdc: str | None = None  # where Kerberos asks for a service ticket (None: the domain's KDCs)


def sign_in(session: Session, conn: Any, signed: Permit, service: str) -> None:
    """Sign an impacket LDAP or SMB connection in (both take the same two calls) as `signed` allows:
    Kerberos with a service ticket for `service` (ldap/<host>, cifs/<host>), else NTLM."""
    creds = session.credentials
    if signed.how == KERBEROS:
        domain, tgt, tgs = kerberos.tickets(creds, service)
        with kerberos.bounded_kdc(session):
            conn.kerberosLogin(creds.username, "", domain, kdcHost=signed.kdc, TGT=tgt, TGS=tgs, useCache=False)
    else:
        conn.login(creds.username, creds.password, creds.domain)


def by_hand(probe: str, params: dict[str, object]) -> str:
    """The Windows command of `probe` for these values, to run where the wizard may not sign in."""
    return render_command(CATALOG[probe].command, params)
