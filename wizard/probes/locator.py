"""Finding a forest's DCs: the DC locator SRV records each DNS server holds, each DC's own NTDS
Settings objectGUID (anonymous rootDSE), and, signed in, every NTDS Settings object of the directory."""

from __future__ import annotations

import uuid as uuidlib

from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.probes.dns import address_of, ask_all, servers_of
from wizard.probes.ldap_connection import LdapUnavailable, guid_of_extended_dn, open_ldap, root_dse, search
from wizard.probes.session import Session
from wizard.probes.signin import Permit, by_hand
from wizard.probes.trust import permit
from wizard.verdicts.guids import GuidComparison
from wizard.verdicts.guids import source_guid as verdict

MAX_DCS = 1000  # a forest's DC locator never names more; a server that does is not believed past this


def _srv_host(answer: str) -> str:
    """'0 100 389 dc1.lab.example' -> 'dc1.lab.example'."""
    return answer.split()[-1].rstrip(".").lower() if answer.split() else ""


def dc_locator(session: Session, forest: str | None, dns_servers: list[str] | None = None) -> ProbeResult:
    """The DCs that _ldap._tcp.dc._msdcs.<forest> names, on each DNS server, with who named whom."""
    if not forest:
        return ProbeResult("dc_locator", ERROR, "No forest to look up: give --forest.")
    qname = f"_ldap._tcp.dc._msdcs.{forest}"
    per_server = ask_all(servers_of(dns_servers), qname, "SRV", session.wait(), limit=MAX_DCS)
    named: dict[str, list[str]] = {}
    for server, reply in per_server.items():
        for host in filter(None, map(_srv_host, reply["answers"])):
            named.setdefault(host, []).append(server)
    dcs = sorted(named)[:MAX_DCS]
    evidence = {"name": qname, "servers": per_server, "named_by": {dc: named[dc] for dc in dcs}}
    if dcs:
        return ProbeResult("dc_locator", "found", f"{qname} names {len(dcs)} DC(s).", evidence, {"dcs": dcs})
    if any(r["status"] in ("nxdomain", "nodata") for r in per_server.values()):
        return ProbeResult("dc_locator", "none", f"No DNS server knows {qname}.", evidence, {"dcs": []})
    return ProbeResult("dc_locator", ERROR, f"No DNS server answered for {qname}.", evidence, {})


def dc_guid(session: Session, host: str | None, dns_servers: list[str] | None = None) -> ProbeResult:
    """The objectGUID of the DC's own NTDS Settings, from its rootDSE (anonymous: no credentials sent)."""
    if not host:
        return ProbeResult("dc_guid", ERROR, "No DC to ask.")
    address = address_of(session, host, dns_servers)
    if not address:
        return ProbeResult("dc_guid", SKIPPED, f"{host} does not resolve: its own GUID cannot be read.")
    try:
        dse = root_dse(session, address)  # anonymous
    except LdapUnavailable as exc:
        return ProbeResult("dc_guid", SKIPPED, f"{host}'s rootDSE could not be read: {exc}", {"address": address})
    guid = guid_of_extended_dn(dse.get("dsServiceName", ""))
    evidence = {"address": address, "dnsHostName": dse.get("dnsHostName", ""), "guid": guid or ""}
    if not guid:
        return ProbeResult("dc_guid", SKIPPED, f"{host} did not show its NTDS Settings GUID.", evidence)
    return ProbeResult("dc_guid", "found", f"{host} holds NTDS Settings objectGUID {guid}.", evidence,
                       {"guid": guid})


def ntds_list(session: Session, address: str | None, forest: str | None = None) -> ProbeResult:
    """Every DC the directory knows: each server object's dNSHostName with its NTDS Settings objectGUID.
    Signed in (read-only), so only to an address whose identity was verified this session
    (wizard.probes.trust: the host meant is the one identity was asked about at that address)."""
    if not session.credentials:
        return ProbeResult("ntds_list", SKIPPED, "No credentials: the directory's list of DCs is not read.")
    if not address:
        return ProbeResult("ntds_list", ERROR, "No DC to read the directory from.")
    host = session.host_at(address)
    signed = permit(session, address, host) if host else Permit(
        None, f"no identity check in this run said which DC answers at {address}, so the credentials were not sent")
    if not signed.how:
        return ProbeResult("ntds_list", SKIPPED, f"Not read: {signed.why}. Run by hand on a DC: "
                           f"{by_hand('ntds_list', {'address': address})}", {"credentials": "not sent"})
    try:
        dcs = _directory_dcs(session, address, signed, host)
    except LdapUnavailable as exc:
        return ProbeResult("ntds_list", ERROR, f"The directory at {address} could not be read: {exc}")
    return ProbeResult("ntds_list", "found", f"The directory at {address} lists {len(dcs)} DC(s).",
                       {"address": address, "dcs": dcs}, {"directory_dcs": dcs})


def _directory_dcs(session: Session, address: str, signed: Permit, host: str) -> list[dict[str, str]]:
    conn = open_ldap(session, address, signed, host)
    try:
        config = search(conn, "", "baseObject", "(objectClass=*)", ["configurationNamingContext"])
        sites = f"CN=Sites,{config[0]['configurationNamingContext'][0].decode()}"
        servers = search(conn, sites, "wholeSubtree", "(objectClass=server)", ["distinguishedName", "dNSHostName"])
        settings = search(conn, sites, "wholeSubtree", "(objectClass=nTDSDSA)",
                          ["distinguishedName", "objectGUID", "whenCreated"])
    finally:
        conn.close()
    hosts = {s["distinguishedName"][0].decode().lower(): s.get("dNSHostName", [b""])[0].decode().lower()
             for s in servers}
    dcs = []
    for item in settings[:MAX_DCS]:
        dn = item["distinguishedName"][0].decode()
        parent = dn.split(",", 1)[1].lower() if "," in dn else ""
        dcs.append({"fqdn": hosts.get(parent, ""), "dn": dn,
                    "guid": str(uuidlib.UUID(bytes_le=item["objectGUID"][0])),
                    "when_created": item.get("whenCreated", [b""])[0].decode()})
    return dcs


def source_guid(session: Session, target: str | None, guid: str | None,
                dns_servers: list[str] | None = None) -> ProbeResult:
    """Document 000: before blaming DNS for a missing or wrong _msdcs alias, compare the GUID the
    destination uses with the source DC's own NTDS Settings objectGUID (read anonymously)."""
    if not target or not guid:
        return ProbeResult("source_guid", SKIPPED, "No source DC or no GUID to compare.")
    own = dc_guid(session, target, dns_servers)
    if own.outcome != "found":
        return ProbeResult("source_guid", SKIPPED, f"Not compared: {own.summary} Compare by hand: the \"DSA object "
                           f"GUID\" at the top of \"repadmin /showrepl {target}\" with {guid}.", own.evidence)
    return verdict(GuidComparison(guid, own.facts["guid"], target, evidence=own.evidence)).result("source_guid")
