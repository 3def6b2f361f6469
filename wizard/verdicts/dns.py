"""DNS observations and their verdicts: a host's A/AAAA (dns_host), the `<GUID>._msdcs` alias (dns_cname),
and where the address came from (resolution_source).

One rule for both, whoever gathered the replies (a live query per server, or nslookup output pasted
from the failing computer): a name exists when any server gives it an answer; it does NOT exist only
when every deciding server said so. Design.md: "A cause is named only when the evidence for it was
actually observed"; document 000 has the destination ask its primary and secondary DNS servers, and a
server that did not answer may hold the record the other lacks. The deciding servers are the
destination's (the named ones; else this machine's resolver); in a paste, every server whose answer was
pasted (each is one the failing computer asked).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wizard.verdicts.verdict import Verdict

SYSTEM = "system"  # this machine's resolver, as opposed to a named server
NO_RECORD = ("nxdomain", "nodata")


@dataclass(frozen=True)
class DnsReply:
    """One server's answer to one question."""

    status: str  # ok | nxdomain | nodata | timeout | error
    answers: tuple[str, ...] = ()
    detail: str = ""
    total: int | None = None  # records in the answer when more were sent than kept

    def as_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"status": self.status, "answers": list(self.answers)}
        if self.detail:
            shown["detail"] = self.detail
        if self.total is not None:
            shown["answers_total"] = self.total
        return shown

    @classmethod
    def of(cls, raw: dict[str, Any]) -> DnsReply:
        return cls(str(raw.get("status", "error")), tuple(raw.get("answers") or ()), str(raw.get("detail") or ""),
                   raw.get("answers_total"))


@dataclass(frozen=True)
class HostsLine:
    """A HOSTS or LMHOSTS line that maps the name: which file, which line, the addresses it gives."""

    path: str
    number: int  # 1-based; 0 when not known
    text: str
    addresses: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1].lower()


@dataclass(frozen=True)
class HostLookup:
    """dns_host's observation: each server's replies per record type, and the file lines for the name."""

    host: str
    servers: dict[str, dict[str, DnsReply]]  # server -> record type ("A", "AAAA", "A+AAAA") -> reply
    deciding: tuple[str, ...]  # the servers whose "no such record" counts
    files: tuple[HostsLine, ...] = ()  # the resolver reads these before DNS


@dataclass(frozen=True)
class AliasLookup:
    """dns_cname's observation: each server's CNAME reply for `<GUID>._msdcs.<forest>`."""

    name: str
    target: str  # the DC meant
    servers: dict[str, DnsReply]
    deciding: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)  # shown with the evidence (the DC locator SRV)


def deciding(servers: list[str]) -> tuple[str, ...]:
    """The named servers (the destination's), else this machine's resolver."""
    return tuple(s for s in servers if s != SYSTEM) or (SYSTEM,)


def same_host(a: str, b: str) -> bool:
    """Two host names mean the same computer: exact when both are fully qualified (two DCs of different
    domains may share a first label); by first label when one was given short (DC2)."""
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    return a == b if "." in a and "." in b else a.split(".")[0] == b.split(".")[0]


def _server_name(server: str) -> str:
    return "this machine's resolver" if server == SYSTEM else server


def _names(servers: list[str] | tuple[str, ...]) -> str:
    return ", ".join(map(_server_name, servers))


def _open_question(name: str, unanswered: list[str], said_none: list[str], statuses: str) -> str:
    """Why "not found" cannot be said: who did not answer, and who did say there is no record."""
    if not said_none:
        return f"No DNS server answered for {name} ({statuses})."
    return (f"{_names(unanswered)} did not answer for {name}; {_names(said_none)} said there is no such "
            f"record, which does not tell what the others hold ({statuses}).")


def _no_record(replies: dict[str, DnsReply]) -> bool:
    """No such name at all, or no record of any type asked."""
    statuses = [r.status for r in replies.values()]
    return "nxdomain" in statuses or bool(statuses) and all(s in NO_RECORD for s in statuses)


def _said_none(seen: dict[str, Any], no_record: Callable[[Any], bool]) -> list[str]:
    """The servers that answered that there is no such record."""
    return [s for s, r in seen.items() if no_record(r)]


def _conflicts(servers: dict[str, dict[str, DnsReply]]) -> list[str]:
    """Servers that disagree, or one name with several A records (stale duplicates)."""
    views = {s: tuple(sorted(r["A"].answers)) for s, r in servers.items() if "A" in r and r["A"].status == "ok"}
    found = []
    if len(set(views.values())) > 1:
        found.append("DNS servers disagree: " + ", ".join(f"{s}={'/'.join(v)}" for s, v in views.items()))
    return found + [f"{s} returns {len(v)} A records: {', '.join(v)}" for s, v in views.items() if len(v) > 1]


def record_of(host: str) -> tuple[str, str]:
    """(zone, record name) of a host's A record: a DC registers it in its own domain's zone, under its
    first label (dc2.lab.example -> zone lab.example, record dc2), as dnscmd /recorddelete wants them."""
    name = host.lower().rstrip(".")
    first, _, zone = name.partition(".")
    return zone, first


def dns_host(seen: HostLookup) -> Verdict:
    host = seen.host
    evidence: dict[str, Any] = {"host": host, "servers": {s: {t: r.as_dict() for t, r in types.items()}
                                                          for s, types in seen.servers.items()}}
    evidence["hosts_files"] = {line.path: list(line.addresses) for line in seen.files}
    dns_addresses = [a for types in seen.servers.values() for r in types.values() for a in r.answers]
    conflicts = _conflicts(seen.servers)
    if conflicts:
        evidence["conflicts"] = conflicts
    if seen.files:
        return _from_file(seen, evidence, dns_addresses)
    if dns_addresses:
        return _from_dns(seen, evidence, dns_addresses, conflicts)
    said_none = _said_none(seen.servers, _no_record)
    unanswered = [s for s in seen.deciding if s not in said_none]
    if said_none and not unanswered:
        return Verdict("not-found", f"{host} has no A/AAAA record and no hosts-file entry "
                                    f"({_statuses(seen.servers)}).", evidence)
    return Verdict("error", _open_question(host, unanswered, said_none, _statuses(seen.servers)), evidence)


def _from_file(seen: HostLookup, evidence: dict[str, Any], dns_addresses: list[str]) -> Verdict:
    line = seen.files[0]
    address = line.addresses[0]
    note = f" (DNS says {', '.join(sorted(set(dns_addresses)))})" if dns_addresses else ""
    where = f"line {line.number} of {line.path}" if line.number else line.path
    facts = {"address": address, "resolved_from": "hosts-file", "addresses": list(line.addresses),
             "hosts_file_name": line.file_name}
    if line.number:
        facts["hosts_line"] = line.number
        evidence["hosts_line"] = f"{line.path}:{line.number}: {line.text}"
    return Verdict("resolved", f"{seen.host} -> {address} from {where}{note}.", evidence, facts)


def _from_dns(seen: HostLookup, evidence: dict[str, Any], dns_addresses: list[str], conflicts: list[str]) -> Verdict:
    address = dns_addresses[0]
    holding = [s for s, types in seen.servers.items() if any(address in r.answers for r in types.values())]
    kind = "AAAA" if ":" in address else "A"
    zone, record = record_of(seen.host)
    facts: dict[str, Any] = {"address": address, "resolved_from": "dns",
                             "addresses": list(dict.fromkeys(dns_addresses)), "dns_record_type": kind}
    if zone:
        facts.update(dns_zone=zone, dns_record=record)
    named = [s for s in holding if s != SYSTEM]
    if named:
        facts["dns_record_server"] = named[0]  # dnscmd needs a server: this machine's resolver has no name
    extra = f"; conflicting answers: {'; '.join(conflicts)}" if conflicts else ""
    return Verdict("resolved", f"{seen.host} -> {address} from DNS ({_names(holding)}){extra}.", evidence, facts)


def _statuses(servers: dict[str, dict[str, DnsReply]]) -> str:
    return ", ".join(f"{_server_name(s)}: {'/'.join(dict.fromkeys(r.status for r in types.values()))}"
                     for s, types in servers.items())


def dns_cname(seen: AliasLookup) -> Verdict:
    name, target = seen.name, seen.target
    evidence: dict[str, Any] = {"name": name, "servers": {s: r.as_dict() for s, r in seen.servers.items()},
                                **seen.extra}
    targets = sorted({a.lower().rstrip(".") for r in seen.servers.values() for a in r.answers})
    statuses = ", ".join(f"{_server_name(s)}: {r.status}" for s, r in seen.servers.items())
    if targets:
        evidence["cname_targets"] = targets
        facts = {"cname_target": targets[0]}
        if target and all(same_host(t, target) for t in targets):
            return Verdict("matches-target", f"{name} -> {targets[0]}, the intended DC.", evidence, facts)
        return Verdict("other-host", f"{name} -> {', '.join(targets)}, not {target or 'the intended DC'}.",
                       evidence, facts)
    said_none = _said_none(seen.servers, lambda r: r.status in NO_RECORD)
    unanswered = [s for s in seen.deciding if s not in said_none]
    if said_none and not unanswered:
        return Verdict("missing", f"{name} does not exist in DNS ({statuses}).", evidence)
    return Verdict("error", _open_question(name, unanswered, said_none, statuses), evidence)


def resolution_source(resolved_from: str | None) -> Verdict:
    """Where the address that led to the wrong computer came from (dns_host's fact)."""
    if resolved_from == "hosts-file":
        return Verdict("hosts-file", "The wrong address came from a HOSTS/LMHOSTS file entry, which the resolver "
                                     "reads before DNS.", {"resolved_from": resolved_from})
    if resolved_from == "dns":
        return Verdict("dns", "The wrong address came from DNS.", {"resolved_from": resolved_from})
    return Verdict("error", "Where the address came from is unknown.")
