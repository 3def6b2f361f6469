"""DNS probes: the _msdcs CNAME and the host's A/AAAA, asked of each DNS server separately.

Each question lasts at most one timeout, cut to what is left of the call's deadline (dnspython's
lifetime covers its retries, a TCP retry after a truncated answer included). An answer keeps at most
MAX_ANSWERS records. The replies are judged by wizard.verdicts.dns, as a pasted nslookup is: "not
found" only when every server whose word counts answered that there is no record.
"""

from __future__ import annotations

from typing import Any

import dns.exception
import dns.name
import dns.resolver
import dns.reversename

from wizard.engine.names import is_valid_address
from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.probes.guard import in_parallel, parallel
from wizard.probes.hostsfile import lookup_lines
from wizard.probes.session import Session
from wizard.verdicts import dns as verdicts
from wizard.verdicts.dns import SYSTEM, AliasLookup, DnsReply, HostLookup, deciding

MAX_ANSWERS = 50  # records kept from one answer: a host has a few addresses, a forest's SRV list can be long


def _resolver(server: str, timeout: float) -> dns.resolver.Resolver:
    if server == SYSTEM:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [server]
    resolver.lifetime = timeout
    resolver.timeout = timeout
    return resolver


def ask(server: str, name: str, rdtype: str, timeout: float, limit: int = MAX_ANSWERS) -> dict[str, Any]:
    """One question to one server: {"status": ok|nxdomain|nodata|timeout|error, "answers": [...]}, at most
    `limit` answers kept (the DC locator's SRV list of a large forest asks for more)."""
    try:
        answer = _resolver(server, timeout).resolve(name, rdtype, search=False, raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        return {"status": "nxdomain", "answers": []}
    except (dns.exception.Timeout, dns.resolver.LifetimeTimeout):
        return {"status": "timeout", "answers": []}
    except (dns.resolver.NoNameservers, dns.exception.DNSException, OSError, ValueError) as exc:
        return {"status": "error", "answers": [], "detail": str(exc).splitlines()[0][:200]}
    records = list(answer)
    answers = [r.to_text().rstrip(".").lower() if rdtype in ("CNAME", "PTR") else r.to_text()
               for r in records[:limit]]  # to_text escapes any control byte in a name (\027)
    if rdtype == "SRV":
        answers = [a.rstrip(".").lower() for a in answers]
    reply: dict[str, Any] = {"status": "ok" if answers else "nodata", "answers": answers}
    if len(records) > limit:
        reply["answers_total"] = len(records)
    return reply


def servers_of(dns_servers: list[str] | None) -> list[str]:
    """The named servers first (the destination's primary, secondary), then this machine's resolver."""
    named = [s for s in dns_servers or [] if s != SYSTEM]
    return named + [SYSTEM]


def ask_all(servers: list[str], name: str, rdtype: str, timeout: float,
            limit: int = MAX_ANSWERS) -> dict[str, dict[str, Any]]:
    """The same question to each server at once; `timeout` bounds each (a probe passes session.wait())."""
    calls = {server: (lambda s=server: ask(s, name, rdtype, timeout, limit)) for server in servers}
    raw = parallel(calls, timeout, grace=0.5)
    return {s: r if isinstance(r, dict) else {"status": "error", "answers": [], "detail": str(r)}
            for s, r in raw.items()}


def _name(text: str) -> str:
    return text.lower().rstrip(".")


def dns_cname(session: Session, guid: str | None, forest: str | None, target: str | None,
              dns_servers: list[str] | None = None) -> ProbeResult:
    if not guid:
        return ProbeResult("dns_cname", SKIPPED, "No NTDS Settings objectGUID known: the CNAME check is skipped.")
    forest = forest or (target.split(".", 1)[1] if target and "." in target else None)
    if not forest:
        return ProbeResult("dns_cname", ERROR, "The forest root domain is unknown: give --forest.")
    qname = f"{guid.lower()}._msdcs.{forest}"
    servers = servers_of(dns_servers)
    per_server = ask_all(servers, qname, "CNAME", session.wait())
    locator = f"_ldap._tcp.dc._msdcs.{forest}"  # evidence only, and alike for every DC: asked once per session
    srv = session.shared(("srv", servers[0], locator), lambda: ask(servers[0], locator, "SRV", session.wait()))
    seen = AliasLookup(qname, target or "", {s: DnsReply.of(r) for s, r in per_server.items()}, deciding(servers),
                       {"dc_locator_srv": srv})
    return verdicts.dns_cname(seen).result("dns_cname")


def dns_host(session: Session, host: str | None, dns_servers: list[str] | None = None,
             hosts_file: str | None = None) -> ProbeResult:
    if not host:
        return ProbeResult("dns_host", ERROR, "No host name to resolve.")
    servers = servers_of(dns_servers)
    wait = session.wait()
    calls = {f"{s} {t}": (lambda s=s, t=t: ask(s, host, t, wait)) for s in servers for t in ("A", "AAAA")}
    raw = in_parallel(session, calls)
    replies = {s: {t: DnsReply.of(raw[f"{s} {t}"]) if isinstance(raw[f"{s} {t}"], dict) else DnsReply("error")
                   for t in ("A", "AAAA")} for s in servers}
    found = verdicts.dns_host(HostLookup(host, replies, deciding(servers), lookup_lines(host, hosts_file))).result(
        "dns_host")
    if found.outcome == "resolved":
        answering = replies[servers[0]]["A"].status != "timeout"  # a silent server would cost another timeout
        found.evidence["ptr"] = _ptr(servers[0], found.facts["address"], session) if answering else {
            "status": "not asked"}
    return found


def _ptr(server: str, address: str, session: Session) -> dict[str, Any]:
    if server != SYSTEM and not is_valid_address(server):
        return {"status": "error", "answers": []}
    try:
        name = dns.reversename.from_address(address).to_text()
    except (dns.exception.DNSException, ValueError):
        return {"status": "error", "answers": []}
    return ask(server, name, "PTR", session.wait())


def address_of(session: Session, host: str, dns_servers: list[str] | None = None) -> str | None:
    """The first address `host` has on the first DNS server given (or this machine's resolver); an
    address stays as it is. For checks that need an address for a computer named in passing."""
    if is_valid_address(host):
        return host
    reply = ask((dns_servers or [SYSTEM])[0], host, "A", session.wait())
    return reply["answers"][0] if reply["answers"] else None
