"""LDAP probes: rootDSE (anonymous) and NTDS Settings objectGUIDs (bound, read-only)."""

from __future__ import annotations

import re
import uuid as uuidlib
from typing import Any

from impacket.ldap import ldap as impacket_ldap
from impacket.ldap import ldapasn1

from wizard.engine.names import is_valid_address
from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.probes.base import LISTENING, Session
from wizard.probes.dns import SYSTEM, ask

EXTENDED_DN_OID = "1.2.840.113556.1.4.529"  # LDAP_SERVER_EXTENDED_DN_OID: DNs come back as <GUID=...>;DN
ROOT_DSE_ATTRS = ("dnsHostName", "serverName", "dsServiceName", "defaultNamingContext",
                  "rootDomainNamingContext", "configurationNamingContext")
_GUID_IN_DN = re.compile(r"<GUID=([0-9a-fA-F-]{32,36})>")


class LdapUnavailable(Exception):
    """Port 389 is not answering: reported as an outcome by the caller."""


def _open(session: Session, address: str, bind: bool) -> impacket_ldap.LDAPConnection:
    state, detail = session.known_dead(address, 389) or session.port_state(address, 389)
    if state != LISTENING:  # impacket connects without a timeout: only connect where a SYN was answered
        raise LdapUnavailable(f"LDAP (TCP 389) on {address}: {state} ({detail})")
    conn = impacket_ldap.LDAPConnection(f"ldap://{address}", dstIp=address, signing=bind)
    conn._socket.settimeout(session.timeout)  # bounds every later receive on this connection
    if bind:
        creds = session.credentials
        if creds.ccache:
            conn.kerberosLogin(creds.username, "", creds.domain, kdcHost=address, useCache=True)
        else:
            conn.login(creds.username, creds.password, creds.domain)
    return conn


def _attrs(entry: Any) -> dict[str, list[bytes]]:
    if not isinstance(entry, ldapasn1.SearchResultEntry):
        return {}
    return {str(a["type"]): [bytes(v) for v in a["vals"]] for a in entry["attributes"]}


def _search(conn, base: str, scope: str, flt: str, attrs: list[str], extended: bool = False) -> list[dict]:
    controls = None
    if extended:
        control = ldapasn1.Control()
        control["controlType"] = ldapasn1.LDAPOID(EXTENDED_DN_OID)
        control["criticality"] = False
        controls = [control]
    entries = conn.search(searchBase=base, scope=ldapasn1.Scope(scope), searchFilter=flt,
                          attributes=attrs, searchControls=controls)
    return [a for a in map(_attrs, entries) if a]


def root_dse(session: Session, address: str, bind: bool = False) -> dict[str, str]:
    """rootDSE attributes as text, DNs with their <GUID=...> prefix (the extended DN control)."""
    conn = _open(session, address, bind=bind)
    try:
        found = _search(conn, "", "baseObject", "(objectClass=*)", list(ROOT_DSE_ATTRS), extended=True)
    finally:
        conn.close()
    first = found[0] if found else {}
    return {k: v[0].decode("utf-8", "replace") for k, v in first.items() if v}


def guid_of_extended_dn(text: str) -> str | None:
    match = _GUID_IN_DN.search(text or "")
    if not match:
        return None
    raw = match.group(1).replace("-", "")
    # The hex form is the GUID's bytes in wire order (little-endian fields), as AD returns it by default
    return str(uuidlib.UUID(bytes_le=bytes.fromhex(raw))) if "-" not in match.group(1) else raw.lower()


def strip_extended(dn: str) -> str:
    return dn.rsplit(">;", 1)[-1]


def _resolve(name: str, dns_servers: list[str] | None, timeout: float) -> str | None:
    if is_valid_address(name):
        return name
    server = dns_servers[0] if dns_servers else SYSTEM
    answer = ask(server, name, "A", timeout)
    return answer["answers"][0] if answer["answers"] else None


def ntds_lookup(session: Session, target: str | None, dest: str | None, guid: str | None = None,
                dns_servers: list[str] | None = None) -> ProbeResult:
    """The GUID the destination DC will look up: given by the person, or read from the destination's directory."""
    if guid:
        return ProbeResult("ntds_lookup", "found", f"Using the NTDS Settings objectGUID given: {guid}.",
                           {"guid": guid, "from": "given"}, {"guid": guid})
    if not dest or not target:
        return ProbeResult("ntds_lookup", SKIPPED, "No destination DC given: its view of the source DC is not read.")
    if not session.credentials:
        return ProbeResult("ntds_lookup", SKIPPED,
                           "No credentials: the destination's copy of the NTDS Settings object is not read "
                           "(give --user, or --guid from dcdiag/repadmin output).")
    address = _resolve(dest, dns_servers, session.timeout)
    if not address:
        return ProbeResult("ntds_lookup", ERROR, f"Could not resolve the destination DC {dest}.")
    settings = find_ntds_settings(session, address, target)
    if not settings:
        return ProbeResult("ntds_lookup", ERROR, f"{dest} holds no NTDS Settings object for {target}.",
                           {"dest": dest, "dest_address": address})
    return ProbeResult("ntds_lookup", "found",
                       f"{dest} knows {target}'s NTDS Settings as objectGUID {settings['guid']} "
                       f"(created {settings['when_created']}).",
                       {"dest": dest, "dest_address": address, **settings}, {"guid": settings["guid"]})


def _short(host: str | None) -> str:
    return (host or "<source DC>").split(".")[0].upper()


def find_ntds_settings(session: Session, address: str, target: str) -> dict[str, str] | None:
    """objectGUID and whenCreated of `target`'s NTDS Settings object in the directory at `address`."""
    conn = _open(session, address, bind=True)
    try:
        config = _search(conn, "", "baseObject", "(objectClass=*)", ["configurationNamingContext"])
        config_nc = config[0]["configurationNamingContext"][0].decode()
        flt = f"(&(objectClass=server)(|(dNSHostName={_escape(target)})(cn={_escape(_short(target))})))"
        servers = _search(conn, f"CN=Sites,{config_nc}", "wholeSubtree", flt, ["distinguishedName"])
        for server in servers:
            dn = server["distinguishedName"][0].decode()
            found = _search(conn, dn, "singleLevel", "(objectClass=nTDSDSA)",
                            ["objectGUID", "whenCreated", "distinguishedName"])
            if found:
                item = found[0]
                return {"guid": str(uuidlib.UUID(bytes_le=item["objectGUID"][0])),
                        "when_created": item.get("whenCreated", [b"?"])[0].decode(),
                        "dn": item["distinguishedName"][0].decode()}
    finally:
        conn.close()
    return None


def _escape(value: str) -> str:
    return "".join(f"\\{ord(c):02x}" if c in "*()\\\x00" else c for c in value)


def _own_view(session: Session, address: str, target: str | None) -> dict[str, str]:
    """The source DC's NTDS Settings as its own directory holds them: GUID, and creation time when signed in."""
    if session.credentials is not None and target:
        settings = find_ntds_settings(session, address, target)
        if settings:
            return {"own_guid": settings["guid"], "own_when_created": settings["when_created"], "dn": settings["dn"]}
    dse = root_dse(session, address, bind=session.credentials is not None)
    own = guid_of_extended_dn(dse.get("dsServiceName", ""))
    return {"own_guid": own or "", "dn": strip_extended(dse.get("dsServiceName", ""))}


def ntds_guid(session: Session, address: str | None, target: str | None, guid: str | None) -> ProbeResult:
    """Does the source DC, asked at `address`, hold the NTDS Settings GUID the destination uses?"""
    if not guid:
        return ProbeResult("ntds_guid", SKIPPED, "No GUID to compare: the NTDS Settings check is skipped.")
    if not address:
        return ProbeResult("ntds_guid", ERROR, "No address for the source DC.")
    try:
        evidence = {"given_guid": guid, **_own_view(session, address, target)}
    except LdapUnavailable as exc:
        return ProbeResult("ntds_guid", ERROR, str(exc))
    own = evidence["own_guid"]
    if not own and session.credentials is None:
        return ProbeResult("ntds_guid", SKIPPED, f"{target} did not show its NTDS Settings objectGUID to an "
                           "anonymous client: give --user to compare it.", evidence)
    if not own:
        return ProbeResult("ntds_guid", ERROR, f"{address} did not reveal its NTDS Settings objectGUID.", evidence)
    if own == guid.lower():
        return ProbeResult("ntds_guid", "match", f"{target} holds NTDS Settings objectGUID {own}, as expected.",
                           evidence, {"ntds_guid": own})
    created = f" (its own was created {evidence['own_when_created']})" if evidence.get("own_when_created") else ""
    return ProbeResult("ntds_guid", "mismatch",
                       f"The destination uses objectGUID {guid}, but {target} holds {own}{created}: "
                       "a stale NTDS Settings object.", evidence, {"ntds_guid": own})
