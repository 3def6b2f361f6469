"""LDAP connections, every read bounded: open one (anonymous, or signed in as a signin.Permit allows), search,
read the rootDSE, and the GUIDs in extended DNs. The probes that read NTDS Settings live in ldap.py; the
identity check reads the rootDSE from here without the rule of where credentials may go (trust.py)."""

from __future__ import annotations

import re
import uuid as uuidlib
from typing import Any

from impacket.ldap import ldap as impacket_ldap
from impacket.ldap import ldapasn1

from wizard.engine.untrusted import clean
from wizard.probes.session import Session
from wizard.probes.signin import Permit, sign_in
from wizard.probes.sockets import BoundedSocket
from wizard.verdicts.ports import LISTENING

EXTENDED_DN_OID = "1.2.840.113556.1.4.529"  # LDAP_SERVER_EXTENDED_DN_OID: DNs come back as <GUID=...>;DN
ROOT_DSE_ATTRS = ("dnsHostName", "serverName", "dsServiceName", "defaultNamingContext",
                  "rootDomainNamingContext", "configurationNamingContext")
_GUID_IN_DN = re.compile(r"<GUID=([0-9a-fA-F-]{32,36})>")
ANONYMOUS = Permit(None, "no credentials are used for this read")


class LdapUnavailable(Exception):
    """Port 389 is not answering: reported as an outcome by the caller."""


def open_ldap(session: Session, address: str, signed: Permit = ANONYMOUS, host: str | None = None):
    """An LDAP connection to `address` (389 checked first: impacket connects without a timeout), every
    read bounded; signed in as `signed` (a signin.Permit) allows, to `host`."""
    state, detail = session.known_dead(address, 389) or session.port_state(address, 389)
    if state != LISTENING:
        raise LdapUnavailable(f"LDAP (TCP 389) on {address}: {state} ({detail})")
    # the URL names the host meant (the Kerberos service ldap/<host>); dstIp is where the socket goes
    conn = impacket_ldap.LDAPConnection(f"ldap://{host or address}", dstIp=address, signing=bool(signed.how))
    conn._socket = BoundedSocket(conn._socket, session.budget, session.timeout)
    try:
        if signed.how:
            sign_in(session, conn, signed, f"ldap/{host or address}")
    except BaseException:
        conn.close()
        raise
    return conn


def _attrs(entry: Any) -> dict[str, list[bytes]]:
    if not isinstance(entry, ldapasn1.SearchResultEntry):
        return {}
    return {str(a["type"]): [bytes(v) for v in a["vals"]] for a in entry["attributes"]}


def search(conn, base: str, scope: str, flt: str, attrs: list[str], extended: bool = False) -> list[dict]:
    controls = None
    if extended:
        control = ldapasn1.Control()
        control["controlType"] = ldapasn1.LDAPOID(EXTENDED_DN_OID)
        control["criticality"] = False
        controls = [control]
    entries = conn.search(searchBase=base, scope=ldapasn1.Scope(scope), searchFilter=flt,
                          attributes=attrs, searchControls=controls)
    return [a for a in map(_attrs, entries) if a]


def root_dse(session: Session, address: str, signed: Permit = ANONYMOUS, host: str | None = None) -> dict[str, str]:
    """rootDSE attributes as text (cleaned: they come from the server), DNs with their <GUID=...> prefix
    (the extended DN control)."""
    conn = open_ldap(session, address, signed, host)
    try:
        found = search(conn, "", "baseObject", "(objectClass=*)", list(ROOT_DSE_ATTRS), extended=True)
    finally:
        conn.close()
    first = found[0] if found else {}
    return {k: clean(v[0].decode("utf-8", "replace"), 300) for k, v in first.items() if v}


def guid_of_extended_dn(text: str) -> str | None:
    match = _GUID_IN_DN.search(text or "")
    if not match:
        return None
    raw = match.group(1).replace("-", "")
    # The hex form is the GUID's bytes in wire order (little-endian fields), as AD returns it by default
    return str(uuidlib.UUID(bytes_le=bytes.fromhex(raw))) if "-" not in match.group(1) else raw.lower()


def strip_extended(dn: str) -> str:
    return dn.rsplit(">;", 1)[-1]
