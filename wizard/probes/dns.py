"""DNS probes: the _msdcs CNAME and the host's A/AAAA, asked of each DNS server separately."""

from __future__ import annotations

from typing import Any

import dns.exception
import dns.name
import dns.resolver
import dns.reversename

from wizard.engine.names import is_valid_address
from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.probes.base import Session, parallel
from wizard.probes.hostsfile import lookup_files

SYSTEM = "system"  # the resolver configured on this machine (resolv.conf), as opposed to a named server


def _resolver(server: str, timeout: float) -> dns.resolver.Resolver:
    if server == SYSTEM:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [server]
    resolver.lifetime = timeout
    resolver.timeout = timeout
    return resolver


def ask(server: str, name: str, rdtype: str, timeout: float) -> dict[str, Any]:
    """One question to one server: {"status": ok|nxdomain|nodata|timeout|error, "answers": [...]}."""
    try:
        answer = _resolver(server, timeout).resolve(name, rdtype, search=False, raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        return {"status": "nxdomain", "answers": []}
    except (dns.exception.Timeout, dns.resolver.LifetimeTimeout):
        return {"status": "timeout", "answers": []}
    except (dns.resolver.NoNameservers, dns.exception.DNSException, OSError, ValueError) as exc:
        return {"status": "error", "answers": [], "detail": str(exc).splitlines()[0][:200]}
    answers = [r.to_text().rstrip(".").lower() if rdtype in ("CNAME", "PTR") else r.to_text() for r in answer]
    if rdtype == "SRV":
        answers = [a.rstrip(".").lower() for a in answers]
    return {"status": "ok" if answers else "nodata", "answers": answers}


def servers_of(dns_servers: list[str] | None) -> list[str]:
    """The named servers first (the destination's primary, secondary), then this machine's resolver."""
    named = [s for s in dns_servers or [] if s != SYSTEM]
    return named + [SYSTEM]


def ask_all(servers: list[str], name: str, rdtype: str, timeout: float) -> dict[str, dict[str, Any]]:
    calls = {server: (lambda s=server: ask(s, name, rdtype, timeout)) for server in servers}
    raw = parallel(calls, timeout)
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
    per_server = ask_all(servers, qname, "CNAME", session.timeout)
    srv = ask(servers[0], f"_ldap._tcp.dc._msdcs.{forest}", "SRV", session.timeout)
    evidence = {"name": qname, "servers": per_server, "dc_locator_srv": srv}
    targets = sorted({a for r in per_server.values() for a in r["answers"]})
    if targets:
        evidence["cname_targets"] = targets
        facts = {"cname_target": targets[0]}
        if target and all(_name(t) == _name(target) for t in targets):
            return ProbeResult("dns_cname", "matches-target", f"{qname} -> {targets[0]}, the intended DC.",
                               evidence, facts)
        return ProbeResult("dns_cname", "other-host",
                           f"{qname} -> {', '.join(targets)}, not {target}.", evidence, facts)
    if any(r["status"] in ("nxdomain", "nodata") for r in per_server.values()):
        return ProbeResult("dns_cname", "missing", f"{qname} does not exist in DNS ({_statuses(per_server)}).",
                           evidence, {})
    return ProbeResult("dns_cname", ERROR, f"No DNS server answered for {qname} ({_statuses(per_server)}).",
                       evidence, {})


def _statuses(per_server: dict[str, dict[str, Any]]) -> str:
    return ", ".join(f"{server}: {r['status']}" for server, r in per_server.items())


def dns_host(session: Session, host: str | None, dns_servers: list[str] | None = None,
             hosts_file: str | None = None) -> ProbeResult:
    if not host:
        return ProbeResult("dns_host", ERROR, "No host name to resolve.")
    servers = servers_of(dns_servers)
    calls = {f"{s} {t}": (lambda s=s, t=t: ask(s, host, t, session.timeout)) for s in servers for t in ("A", "AAAA")}
    raw = parallel(calls, session.timeout)
    per_server = {s: {t: raw[f"{s} {t}"] if isinstance(raw[f"{s} {t}"], dict) else
                      {"status": "error", "answers": []} for t in ("A", "AAAA")} for s in servers}
    files = lookup_files(host, hosts_file)
    evidence: dict[str, Any] = {"host": host, "servers": per_server, "hosts_files": files}
    dns_addresses = [a for s in servers for t in ("A", "AAAA") for a in per_server[s][t]["answers"]]
    conflicts = _conflicts(per_server)
    if conflicts:
        evidence["conflicts"] = conflicts
    answering = per_server[servers[0]]["A"]["status"] != "timeout"  # a silent server would cost another timeout
    if files:
        address = next(iter(files.values()))[0]
        evidence["ptr"] = _ptr(servers[0], address, session.timeout) if answering else {"status": "not asked"}
        note = f" (DNS says {', '.join(sorted(set(dns_addresses)))})" if dns_addresses else ""
        return ProbeResult("dns_host", "resolved", f"{host} -> {address} from {next(iter(files))}{note}.",
                           evidence, {"address": address, "resolved_from": "hosts-file",
                                      "addresses": next(iter(files.values()))})
    if dns_addresses:
        address = dns_addresses[0]
        evidence["ptr"] = _ptr(servers[0], address, session.timeout) if answering else {"status": "not asked"}
        extra = f"; conflicting answers: {'; '.join(conflicts)}" if conflicts else ""
        return ProbeResult("dns_host", "resolved", f"{host} -> {address} from DNS ({servers[0]}){extra}.",
                           evidence, {"address": address, "resolved_from": "dns",
                                      "addresses": list(dict.fromkeys(dns_addresses))})
    statuses = [per_server[s][t]["status"] for s in servers for t in ("A", "AAAA")]
    if any(st in ("nxdomain", "nodata") for st in statuses):
        return ProbeResult("dns_host", "not-found", f"{host} has no A/AAAA record and no hosts-file entry.",
                           evidence, {})
    return ProbeResult("dns_host", ERROR, f"No DNS server answered for {host}.", evidence, {})


def _conflicts(per_server: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Servers that disagree, or one name with several A records (stale duplicates)."""
    found = []
    views = {s: tuple(sorted(r["A"]["answers"])) for s, r in per_server.items() if r["A"]["status"] == "ok"}
    if len(set(views.values())) > 1:
        found.append("DNS servers disagree: " + ", ".join(f"{s}={'/'.join(v)}" for s, v in views.items()))
    found += [f"{s} returns {len(v)} A records: {', '.join(v)}" for s, v in views.items() if len(v) > 1]
    return found


def _ptr(server: str, address: str, timeout: float) -> dict[str, Any]:
    if server != SYSTEM and not is_valid_address(server):
        return {"status": "error", "answers": []}
    try:
        name = dns.reversename.from_address(address).to_text()
    except (dns.exception.DNSException, ValueError):
        return {"status": "error", "answers": []}
    return ask(server, name, "PTR", timeout)
