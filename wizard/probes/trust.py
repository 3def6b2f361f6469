"""Where credentials may go: the rule of the signed-in reads (LDAP and the registry).

- Kerberos (a ticket cache) goes to the intended host by name: the ticket is for that name, so a
  computer that is not it learns nothing from it.
- A password is used with NTLM only at an address where the identity check, in this session, found
  the intended host (`match`). When it has not been asked yet, it is asked here (within the same
  deadline); `silent` or `mismatch` means the password is not sent, and the probe says so and gives
  the command to run by hand.
"""

from __future__ import annotations

from wizard.probes.identity import identity
from wizard.probes.session import Session
from wizard.probes.signin import KERBEROS, NTLM, Permit


def permit(session: Session, address: str, host: str) -> Permit:
    """May the session's credentials be used to sign in to `host` at `address`, and how?"""
    creds = session.credentials
    if creds is None:
        return Permit(None, "no credentials were given (--user)")
    if creds.ccache:
        # the DC itself is a KDC only once it is known to be that DC; else the domain's own KDCs
        return Permit(KERBEROS, kdc=address if session.is_verified(address, host) else None)
    outcome = session.identity_of(address, host) or identity(session, address, host).outcome
    if outcome == "match":
        return Permit(NTLM)
    return Permit(None, f"{address} was not confirmed to be {host} (identity check: {outcome}), so the password "
                        "was not sent to it (NTLM goes only to an address whose identity matched)")
