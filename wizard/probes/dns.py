"""DNS probes: the _msdcs CNAME and the host's A/AAAA, asked of each DNS server separately.

Each question lasts at most one timeout, cut to what is left of the call's deadline (dnspython's
lifetime covers its retries, a TCP retry after a truncated answer included). An answer keeps at most
MAX_ANSWERS records. "Not found" is said only when every server whose word counts (the named ones,
the destination's; else this machine's) answered that there is no record: a server that did not
answer, or answered with the wrong query id, leaves the question open.
"""

from __future__ import annotations

from typing import Any

import dns.exception
import dns.name
import dns.resolver
import dns.reversename

from wizard.engine.names import is_valid_address
from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.probes.base import Session, in_parallel, parallel
from wizard.probes.hostsfile import lookup_files

SYSTEM = "system"  # the resolver configured on this machine (resolv.conf), as opposed to a named server
MAX_ANSWERS = 50  # records kept from one answer: a host has a few addresses, a forest's SRV list can be long
_NO_RECORD = ("nxdomain", "nodata")


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
    said_none = [s for s, r in per_server.items() if r["status"] in _NO_RECORD]
    unanswered = [s for s in _deciding(servers) if s not in said_none]
    if said_none and not unanswered:
        return ProbeResult("dns_cname", "missing", f"{qname} does not exist in DNS ({_statuses(per_server)}).",
                           evidence, {})
    return ProbeResult("dns_cname", ERROR, _open_question(qname, unanswered, said_none, _statuses(per_server)),
                       evidence, {})


def _deciding(servers: list[str]) -> list[str]:
    """The servers whose "no such record" counts: the named ones (the destination's), else this machine's."""
    return [s for s in servers if s != SYSTEM] or [SYSTEM]


def _open_question(name: str, unanswered: list[str], said_none: list[str], statuses: str) -> str:
    """Why "not found" cannot be said: who did not answer, and who did say there is no record."""
    if not said_none:
        return f"No DNS server answered for {name} ({statuses})."
    return (f"{_names(unanswered)} did not answer for {name}; {_names(said_none)} said there is no such "
            f"record, which does not tell what the others hold ({statuses}).")


def _names(servers: list[str]) -> str:
    return ", ".join("this machine's resolver" if s == SYSTEM else s for s in servers)


def _statuses(per_server: dict[str, dict[str, Any]]) -> str:
    return ", ".join(f"{server}: {r['status']}" for server, r in per_server.items())


def dns_host(session: Session, host: str | None, dns_servers: list[str] | None = None,
             hosts_file: str | None = None) -> ProbeResult:
    if not host:
        return ProbeResult("dns_host", ERROR, "No host name to resolve.")
    servers = servers_of(dns_servers)
    wait = session.wait()
    calls = {f"{s} {t}": (lambda s=s, t=t: ask(s, host, t, wait)) for s in servers for t in ("A", "AAAA")}
    raw = in_parallel(session, calls)
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
        evidence["ptr"] = _ptr(servers[0], address, session) if answering else {"status": "not asked"}
        note = f" (DNS says {', '.join(sorted(set(dns_addresses)))})" if dns_addresses else ""
        return ProbeResult("dns_host", "resolved", f"{host} -> {address} from {next(iter(files))}{note}.",
                           evidence, {"address": address, "resolved_from": "hosts-file",
                                      "addresses": next(iter(files.values()))})
    if dns_addresses:
        address = dns_addresses[0]
        evidence["ptr"] = _ptr(servers[0], address, session) if answering else {"status": "not asked"}
        extra = f"; conflicting answers: {'; '.join(conflicts)}" if conflicts else ""
        source = next(s for s in servers if address in per_server[s]["A"]["answers"] + per_server[s]["AAAA"]["answers"])
        return ProbeResult("dns_host", "resolved", f"{host} -> {address} from DNS ({source}){extra}.",
                           evidence, {"address": address, "resolved_from": "dns",
                                      "addresses": list(dict.fromkeys(dns_addresses))})
    said_none = [s for s in servers if _no_record(per_server[s])]
    unanswered = [s for s in _deciding(servers) if s not in said_none]
    if said_none and not unanswered:
        return ProbeResult("dns_host", "not-found", f"{host} has no A/AAAA record and no hosts-file entry.",
                           evidence, {})
    statuses = ", ".join(f"{s}: {r['A']['status']}" for s, r in per_server.items())
    return ProbeResult("dns_host", ERROR, _open_question(host, unanswered, said_none, statuses), evidence, {})


def _no_record(reply: dict[str, dict[str, Any]]) -> bool:
    """The server answered that the name has no address: no such name, or neither A nor AAAA records."""
    statuses = (reply["A"]["status"], reply["AAAA"]["status"])
    return "nxdomain" in statuses or all(st in _NO_RECORD for st in statuses)


def _conflicts(per_server: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Servers that disagree, or one name with several A records (stale duplicates)."""
    found = []
    views = {s: tuple(sorted(r["A"]["answers"])) for s, r in per_server.items() if r["A"]["status"] == "ok"}
    if len(set(views.values())) > 1:
        found.append("DNS servers disagree: " + ", ".join(f"{s}={'/'.join(v)}" for s, v in views.items()))
    found += [f"{s} returns {len(v)} A records: {', '.join(v)}" for s, v in views.items() if len(v) > 1]
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
