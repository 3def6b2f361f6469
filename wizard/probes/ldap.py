"""LDAP probes: rootDSE (anonymous) and NTDS Settings objectGUIDs (signed in, read-only).

Every read goes through a BoundedSocket (the call's deadline, the byte cap). Signing in follows
wizard.probes.trust: Kerberos to the intended name, NTLM only where the identity check matched; where
credentials may not go, ntds_guid compares anonymously (as without --user) and ntds_lookup is
skipped, each saying why and what to run by hand.
"""

from __future__ import annotations

import uuid as uuidlib
from typing import Any

from wizard.engine.names import is_valid_address
from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.probes.dns import SYSTEM, ask
from wizard.probes.ldap_connection import (
    ANONYMOUS,
    LdapUnavailable,
    guid_of_extended_dn,
    open_ldap,
    root_dse,
    search,
    strip_extended,
)
from wizard.probes.session import Session
from wizard.probes.signin import Permit, by_hand
from wizard.probes.trust import permit
from wizard.verdicts.guids import GuidComparison
from wizard.verdicts.guids import ntds_guid as verdict


def _resolve(name: str, dns_servers: list[str] | None, session: Session) -> str | None:
    if is_valid_address(name):
        return name
    server = dns_servers[0] if dns_servers else SYSTEM
    answer = ask(server, name, "A", session.wait())
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
    address = _resolve(dest, dns_servers, session)
    if not address:
        return ProbeResult("ntds_lookup", ERROR, f"Could not resolve the destination DC {dest}.")
    signed = permit(session, address, dest)
    if not signed.how:
        return ProbeResult("ntds_lookup", SKIPPED,
                           f"Not read: {signed.why}. Run by hand on a DC: "
                           f"{by_hand('ntds_lookup', {'dest': dest, 'target': target})}",
                           {"dest": dest, "dest_address": address, "credentials": "not sent"})
    settings = find_ntds_settings(session, address, target, signed, dest)
    if not settings:
        return ProbeResult("ntds_lookup", ERROR, f"{dest} holds no NTDS Settings object for {target}.",
                           {"dest": dest, "dest_address": address})
    return ProbeResult("ntds_lookup", "found",
                       f"{dest} knows {target}'s NTDS Settings as objectGUID {settings['guid']} "
                       f"(created {settings['when_created']}).",
                       {"dest": dest, "dest_address": address, **settings}, {"guid": settings["guid"]})


def _short(host: str | None) -> str:
    return (host or "<source DC>").split(".")[0].upper()


def find_ntds_settings(session: Session, address: str, target: str, signed: Permit,
                       host: str) -> dict[str, str] | None:
    """objectGUID and whenCreated of `target`'s NTDS Settings object in the directory at `address`
    (signed in as `signed` allows, to `host`)."""
    conn = open_ldap(session, address, signed, host)
    try:
        config = search(conn, "", "baseObject", "(objectClass=*)", ["configurationNamingContext"])
        config_nc = config[0]["configurationNamingContext"][0].decode()
        flt = f"(&(objectClass=server)(|(dNSHostName={_escape(target)})(cn={_escape(_short(target))})))"
        servers = search(conn, f"CN=Sites,{config_nc}", "wholeSubtree", flt, ["distinguishedName"])
        for server in servers:
            dn = server["distinguishedName"][0].decode()
            found = search(conn, dn, "singleLevel", "(objectClass=nTDSDSA)",
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


def _own_view(session: Session, address: str, target: str, signed: Permit) -> dict[str, str]:
    """The source DC's NTDS Settings as its own directory holds them: GUID, and creation time when signed in."""
    if signed.how:
        settings = find_ntds_settings(session, address, target, signed, target)
        if settings:
            return {"own_guid": settings["guid"], "own_when_created": settings["when_created"], "dn": settings["dn"]}
    dse = root_dse(session, address, signed, target if signed.how else None)
    own = guid_of_extended_dn(dse.get("dsServiceName", ""))
    return {"own_guid": own or "", "dn": strip_extended(dse.get("dsServiceName", ""))}


def ntds_guid(session: Session, address: str | None, target: str | None, guid: str | None) -> ProbeResult:
    """Does the source DC, asked at `address`, hold the NTDS Settings GUID the destination uses?"""
    if not guid:
        return ProbeResult("ntds_guid", SKIPPED, "No GUID to compare: the NTDS Settings check is skipped.")
    if not address:
        return ProbeResult("ntds_guid", ERROR, "No address for the source DC.")
    target = target or address
    signed = permit(session, address, target) if session.credentials else ANONYMOUS
    withheld = signed.why if session.credentials and not signed.how else None
    try:
        evidence = {"given_guid": guid, **_own_view(session, address, target, signed)}
    except LdapUnavailable as exc:
        return ProbeResult("ntds_guid", ERROR, str(exc))
    except Exception as exc:
        if withheld is None:
            raise
        evidence = {"given_guid": guid, "own_guid": "", "anonymous_read": str(exc)[:200]}
    if withheld:
        evidence["credentials"] = "not sent"
    return _compare(evidence, address, target, guid, bool(signed.how), withheld)


def _compare(evidence: dict[str, Any], address: str, target: str, guid: str, signed_in: bool,
             withheld: str | None) -> ProbeResult:
    """match / mismatch, or why the comparison could not be made (and, credentials withheld, how by hand)."""
    own = evidence["own_guid"]
    if not own and withheld:
        return ProbeResult("ntds_guid", SKIPPED, f"Not compared: {withheld}; anonymously, {target} did not show "
                           f"its NTDS Settings objectGUID. Run by hand: {by_hand('ntds_guid', {'target': target})}",
                           evidence)
    if not own and not signed_in:
        return ProbeResult("ntds_guid", SKIPPED, f"{target} did not show its NTDS Settings objectGUID to an "
                           "anonymous client: give --user to compare it.", evidence)
    if not own:
        return ProbeResult("ntds_guid", ERROR, f"{address} did not reveal its NTDS Settings objectGUID.", evidence)
    rest = {k: v for k, v in evidence.items() if k not in ("given_guid", "own_guid")}
    found = verdict(GuidComparison(guid, own, target, evidence.get("own_when_created", ""), rest)).result("ntds_guid")
    if found.outcome == "match" and withheld:
        found.summary = found.summary.rstrip(".") + " (read anonymously: the credentials were not sent)."
    return found
