"""Where credentials may go: the rule of the signed-in reads (LDAP and the registry).

- Kerberos (a ticket cache) goes to the intended host by name: the ticket is for that name, so a
  computer that is not it learns nothing from it.
- A password is used with NTLM only at an address where the identity check, in this session, found
  the intended host (`match`). When it has not been asked yet, it is asked here (within the same
  deadline); `silent` or `mismatch` means the password is not sent, and the probe says so and gives
  the command to run by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.engine.catalog import CATALOG
from wizard.engine.commands import render_command
from wizard.probes import kerberos
from wizard.probes.base import Session

KERBEROS = "kerberos"
NTLM = "ntlm"


@dataclass(frozen=True)
class Permit:
    how: str | None  # KERBEROS, NTLM, or None: no credentials go to this address
    why: str = ""  # when None: why not, in plain words
    kdc: str | None = None  # where Kerberos asks for a service ticket (None: the domain's KDCs)


def permit(session: Session, address: str, host: str) -> Permit:
    """May the session's credentials be used to sign in to `host` at `address`, and how?"""
    creds = session.credentials
    if creds is None:
        return Permit(None, "no credentials were given (--user)")
    if creds.ccache:
        # the DC itself is a KDC only once it is known to be that DC; else the domain's own KDCs
        return Permit(KERBEROS, kdc=address if session.is_verified(address, host) else None)
    outcome = session.identity_of(address, host) or _ask_identity(session, address, host)
    if outcome == "match":
        return Permit(NTLM)
    return Permit(None, f"{address} was not confirmed to be {host} (identity check: {outcome}), so the password "
                        "was not sent to it (NTLM goes only to an address whose identity matched)")


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


def _ask_identity(session: Session, address: str, host: str) -> str:
    from wizard.probes.identity import identity  # identity reads the rootDSE through ldap, which needs this module

    return identity(session, address, host).outcome


def by_hand(probe: str, params: dict[str, object]) -> str:
    """The Windows command of `probe` for these values, to run where the wizard may not sign in."""
    return render_command(CATALOG[probe].command, params)
