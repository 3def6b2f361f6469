"""A DC's inbound replication partners, per naming context, as the DC itself records them (signed in, read-only).

Which read, and why: `repsFrom` on each naming context head, over LDAP. The three reads the documents offer:
- DRSUAPI `DRSGetReplInfo` (what repadmin uses) needs the DC's endpoint mapper and a dynamic port, the very
  path a replication fault breaks, and impacket does not implement it;
- `msDS-NCReplInboundNeighbors` is constructed by Windows DCs only: Samba returns nothing for it (tried on
  the lab);
- `repsFrom` is the stored value both keep (MS-DRSR REPS_FROM; Samba's drsblobs repsFromToBlob), readable
  over LDAP (TCP 389, the port a helpdesk can usually reach) by an account allowed to read the NC head.
So both attributes are asked for in one search per naming context: repsFrom is decoded
(wizard.parsers.repsfrom); where a DC constructs msDS-NCReplInboundNeighbors and holds no readable repsFrom,
its DS_REPL_NEIGHBOR entries are read instead. Credentials follow wizard.probes.trust (NTLM only to an
address whose identity matched, Kerberos to the name).
"""

from __future__ import annotations

import re
from typing import Any

from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.engine.untrusted import clean
from wizard.parsers.repsfrom import NotRepsFrom, decode
from wizard.probes.ldap_connection import LdapUnavailable, open_ldap, search
from wizard.probes.locator import _directory_dcs
from wizard.probes.session import Session
from wizard.probes.signin import by_hand
from wizard.probes.trust import permit

MAX_NCS = 50  # a DC holds a handful of naming contexts; a server listing more is not believed past this
_NEIGHBOR = re.compile(r"<(\w+)>([^<]*)</\1>")


def repl_status(session: Session, host: str | None, address: str | None = None) -> ProbeResult:
    """Every inbound partner of `host` (asked at `address`) per naming context: source GUID and name, last
    attempt, its result, consecutive failures, last success."""
    if not host:
        return ProbeResult("repl_status", ERROR, "No DC to read.")
    if not session.credentials:
        return ProbeResult("repl_status", SKIPPED, "No credentials: a DC's replication status is read signed in "
                           "(give --user), or paste `repadmin /showrepl * /csv`.")
    if not address:
        return ProbeResult("repl_status", SKIPPED, f"{host} has no address: its replication status is not read.")
    signed = permit(session, address, host)
    if not signed.how:
        return ProbeResult("repl_status", SKIPPED, f"Not read: {signed.why}. Run by hand on a DC: "
                           f"{by_hand('repl_status', {'host': host})}", {"address": address, "credentials": "not sent"})
    try:
        partners = _read(session, address, host, signed)
    except LdapUnavailable as exc:
        return ProbeResult("repl_status", ERROR, f"{host}'s replication status could not be read: {exc}",
                           {"address": address})
    failing = [p for p in partners if p["last_result"]]
    evidence = {"address": address, "dc": host, "partners": partners}
    if failing:
        return ProbeResult("repl_status", "failing", f"{host} records {len(failing)} of {len(partners)} inbound "
                           "partner(s) failing.", evidence, {"partners": partners})
    return ProbeResult("repl_status", "healthy", f"{host} records {len(partners)} inbound partner(s), none failing.",
                       evidence, {"partners": partners})


def _read(session: Session, address: str, host: str, signed: Any) -> list[dict[str, Any]]:
    conn = open_ldap(session, address, signed, host)
    try:
        dse = search(conn, "", "baseObject", "(objectClass=*)", ["namingContexts"])
        contexts = [v.decode("utf-8", "replace") for v in (dse[0].get("namingContexts", []) if dse else [])]
        partners = []
        for nc in contexts[:MAX_NCS]:
            head = search(conn, nc, "baseObject", "(objectClass=*)", ["repsFrom", "msDS-NCReplInboundNeighbors"])
            partners += _partners(nc, head[0] if head else {})
    finally:
        conn.close()
    if partners:
        _name_sources(session, address, signed, host, partners)
    return partners


def _partners(nc: str, head: dict[str, list[bytes]]) -> list[dict[str, Any]]:
    found = []
    for value in head.get("repsFrom", []):
        try:
            found.append({"naming_context": clean(nc, 300), **decode(value)})
        except NotRepsFrom as exc:
            found.append({"naming_context": clean(nc, 300), "unreadable": str(exc)})
    if not found:  # a Windows DC that constructs the neighbours and keeps repsFrom to itself
        found = [_neighbor(nc, v.decode("utf-16-le" if v[1:2] == b"\0" else "utf-8", "replace"))
                 for v in head.get("msDS-NCReplInboundNeighbors", [])]
    return found


def _neighbor(nc: str, xml: str) -> dict[str, Any]:
    """One DS_REPL_NEIGHBOR, as msDS-NCReplInboundNeighbors writes it (`<dwLastSyncResult>0</...>` ...)."""
    tags = dict(_NEIGHBOR.findall(xml))
    return {"naming_context": clean(tags.get("pszNamingContext") or nc, 300),
            "source_guid": clean(tags.get("uuidSourceDsaObjGuid", ""), 40).lower(),
            "address": clean(tags.get("pszSourceDsaAddress", ""), 300),
            "source_dn": clean(tags.get("pszSourceDsaDN", ""), 300),
            "last_result": _int(tags.get("dwLastSyncResult")),
            "consecutive_failures": _int(tags.get("cNumConsecutiveSyncFailures")),
            "last_attempt": _time(tags.get("ftimeLastSyncAttempt")),
            "last_success": _time(tags.get("ftimeLastSyncSuccess"))}


def _int(text: str | None) -> int:
    value = int(text or 0) if (text or "0").lstrip("-").isdigit() else 0
    return value - 2**32 if value >= 2**31 else value


def _time(text: str | None) -> str | None:
    return None if not text or text.startswith("1601") else clean(text, 40)


def _name_sources(session: Session, address: str, signed: Any, host: str, partners: list[dict[str, Any]]) -> None:
    """Each source's name, from the NTDS Settings objects the same DC holds (its GUID is what repsFrom has)."""
    try:
        known = {dc["guid"]: dc for dc in _directory_dcs(session, address, signed, host)}
    except Exception:  # noqa: BLE001 - the partners stand without names; the GUID still says who
        return
    for partner in partners:
        dc = known.get(partner.get("source_guid", ""))
        partner["source"] = dc["fqdn"] if dc and dc.get("fqdn") else ""
