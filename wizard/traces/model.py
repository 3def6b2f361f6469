"""What a trace shows about each RPC call: the JSON contract of `rpc-wizard trace --format json`.

calls [{client, server, interface, dns, epm {outcome, port, status}, connect {port, outcome,
attempts}, bind, kerberos, first_seen, last_seen}] and findings. The connection to 135 is kept
inside `epm` (`epm.connect`), shaped as `connect`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

# epm.outcome
MAPPED, NOT_REGISTERED, OTHER_STATUS, NO_ANSWER, NOT_SEEN = "mapped", "not-registered", "other status", \
    "no-answer", "not-seen"
# Kerberos errors that fail a call (the -2146893022 family); others (PREAUTH_REQUIRED) are routine
FAILING_KERBEROS = {41: "KRB_AP_ERR_MODIFIED", 7: "KDC_ERR_S_PRINCIPAL_UNKNOWN"}
ROUTINE_KERBEROS = (25,)  # KDC_ERR_PREAUTH_REQUIRED: the first AS-REQ of every logon
# connect.outcome
ANSWERED, RESET, RETRANSMITTED, UNREACHABLE = "answered", "reset", "retransmitted", "unreachable"


def when(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Connect:
    port: int | None = None
    outcome: str = NOT_SEEN
    attempts: int = 0
    time: float | None = None  # the first SYN (or the first packet seen)
    answered_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"port": self.port, "outcome": self.outcome, "attempts": self.attempts, "time": when(self.time)}


@dataclass
class Epm:
    outcome: str = NOT_SEEN
    port: int | None = None
    status: str | None = None
    connect: Connect = field(default_factory=lambda: Connect(135))
    time: float | None = None  # the request
    answered_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "port": self.port, "status": self.status, "connect": self.connect.to_dict(),
                "time": when(self.time)}


@dataclass
class Bind:
    outcome: str = NOT_SEEN  # bind_ack, bind_nak, fault, rejected, no-answer, not-seen
    detail: str = ""  # the nak reason, the fault status, the context result
    auth: str = ""  # the authentication the client offered
    time: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "detail": self.detail, "auth": self.auth, "time": when(self.time)}


@dataclass
class DnsAnswer:
    name: str
    qtype: str
    client: str
    server: str
    time: float
    rcode: str = ""  # "" while no answer came
    addresses: list[str] = field(default_factory=list)
    cnames: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.qtype, "server": self.server, "rcode": self.rcode or "no answer",
                "addresses": self.addresses, "cnames": self.cnames, "time": when(self.time)}


@dataclass
class KerberosEvent:
    name: str
    code: int
    time: float
    source: str  # the KDC or the server that sent it
    client: str
    sname: str = ""
    realm: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.name, "code": self.code, "from": self.source, "principal": self.sname,
                "realm": self.realm, "time": when(self.time)}


@dataclass
class Call:
    client: str
    server: str | None
    interface_uuid: str | None = None
    interface_name: str = ""
    name: str | None = None  # the DNS name the client asked for, when the trace shows it
    dns: list[DnsAnswer] = field(default_factory=list)
    epm: Epm = field(default_factory=Epm)
    connect: Connect = field(default_factory=Connect)
    bind: Bind = field(default_factory=Bind)
    kerberos: list[KerberosEvent] = field(default_factory=list)
    first_seen: float = 0.0
    last_seen: float = 0.0

    @property
    def failure(self) -> str | None:
        """The first exchange that failed, as a word of the ladder: dns, epm-connect, epm, connect, bind, kerberos."""
        if self.server is None:
            return "dns"
        if self.epm.connect.outcome in (RESET, RETRANSMITTED, UNREACHABLE):
            return "epm-connect"
        if self.epm.outcome in (NOT_REGISTERED, OTHER_STATUS, NO_ANSWER):
            return "epm"
        if self.connect.outcome in (RESET, RETRANSMITTED, UNREACHABLE):
            return "connect"
        if self.bind.outcome in ("bind_nak", "fault", "rejected", "no-answer") and \
                any(k.code in FAILING_KERBEROS for k in self.kerberos):
            return "kerberos"  # a client that tried another name first and then bound is not failing
        if self.bind.outcome in ("bind_nak", "fault", "rejected"):
            return "bind"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.client, "server": self.server, "name": self.name,
            "interface": {"uuid": self.interface_uuid, "name": self.interface_name} if self.interface_uuid else None,
            "dns": [d.to_dict() for d in self.dns], "epm": self.epm.to_dict(), "connect": self.connect.to_dict(),
            "bind": self.bind.to_dict(), "kerberos": [k.to_dict() for k in self.kerberos],
            "first_seen": when(self.first_seen), "last_seen": when(self.last_seen), "failure": self.failure,
        }


@dataclass
class TraceResult:
    file: str
    format: str
    link_types: list[str]
    packets: int
    calls: list[Call]
    findings: list[str]
    skipped: list[str]  # what the reading could not use, in a line each

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "format": self.format, "link_types": self.link_types, "packets": self.packets,
                "calls": [c.to_dict() for c in self.calls], "findings": self.findings, "skipped": self.skipped}
