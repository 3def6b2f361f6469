"""The ladder of one call: each exchange (DNS, TCP 135, EPM, the dynamic port, the bind, Kerberos) with its
time and state, the failing one marked. The text output and the wizard's picture both draw it."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.traces.model import FAILING_KERBEROS, MAPPED, NOT_SEEN, Call


@dataclass(frozen=True)
class Rung:
    time: float | None
    lane: str  # DNS, TCP, EPM, BIND, KRB
    text: str
    failed: bool


def rungs(call: Call) -> list[Rung]:
    out = []
    failure = call.failure
    for d in call.dns:
        answer = ", ".join(d.cnames + d.addresses) or d.rcode or "no answer"
        out.append(Rung(d.time, "DNS", f"{d.qtype} {d.name} -> {d.server}: {answer}", failure == "dns"))
    c = call.epm.connect
    if c.outcome != NOT_SEEN:
        out.append(Rung(c.time, "TCP", f"135: {c.outcome} (SYN x{c.attempts})", failure == "epm-connect"))
    if call.epm.time:
        iface = call.interface_name.split(":")[0].strip("[] ") if call.interface_name else (call.interface_uuid or "?")
        answer = f"port {call.epm.port}" if call.epm.outcome == MAPPED else (call.epm.status or call.epm.outcome)
        out.append(Rung(call.epm.time, "EPM", f"ept_map {iface} -> {answer}", failure == "epm"))
    c = call.connect
    if c.port:
        out.append(Rung(c.time, "TCP", f"{c.port}: {c.outcome} (SYN x{c.attempts})", failure == "connect"))
    if call.bind.outcome != NOT_SEEN:
        detail = f" ({call.bind.detail})" if call.bind.detail else ""
        out.append(Rung(call.bind.time, "BIND", f"{call.bind.auth} -> {call.bind.outcome}{detail}".strip(),
                        failure == "bind"))
    for k in call.kerberos:
        out.append(Rung(k.time, "KRB", f"{k.name} from {k.source} {k.sname}".rstrip(),
                        failure == "kerberos" and k.code in FAILING_KERBEROS))
    return out


def offset(ts: float | None, t0: float) -> str:
    return f"+{ts - t0:7.3f}s" if ts else "        -"
