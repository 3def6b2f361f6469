"""From the connections, PDUs and DNS answers a reader saw to RPC calls, in order, with findings.

A call starts at a connection to TCP 135 (one per ept_map request in it); the connection to the port
the endpoint mapper handed out, from the same client, is its second half. A DCE/RPC connection with
no endpoint-mapper exchange before it is a call of its own, and a host name that no DNS server
resolved is one too (the call never got further).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from wizard.traces import dcerpc
from wizard.traces.model import (
    ANSWERED,
    FAILING_KERBEROS,
    MAPPED,
    NO_ANSWER,
    NOT_REGISTERED,
    NOT_SEEN,
    OTHER_STATUS,
    RESET,
    RETRANSMITTED,
    UNREACHABLE,
    Bind,
    Call,
    Connect,
    DnsAnswer,
)
from wizard.traces.reader import Conn, EpmMap, TraceReader

WINDOW = 60.0  # seconds: how far apart the parts of one call may be
NAME_TYPES = ("A", "AAAA", "CNAME", "ANY")


def interface_name(uuid: str | None) -> str:
    if not uuid:
        return ""
    from wizard.engine.interfaces import INTERFACES, alias_of

    alias = alias_of(uuid)
    if alias:
        return INTERFACES[alias].name
    if uuid == dcerpc.EPM_UUID:
        return "endpoint mapper"
    from impacket.dcerpc.v5 import epm

    name = epm.KNOWN_PROTOCOLS.get(uuid.upper())
    if name:
        return name
    import uuid as uuidlib

    raw = uuidlib.UUID(uuid).bytes_le
    return next((v for k, v in epm.KNOWN_UUIDS.items() if k[:16] == raw), "")


def connect_of(conns: list[Conn], port: int | None) -> Connect:
    """One connection attempt as the client saw it, over the fresh connections it took (new source ports)."""
    if not conns:
        return Connect(port)
    attempts = sum(max(c.syns, 0) for c in conns)
    answered = next((c for c in conns if c.synack_at or c.server_data), None)
    first = conns[0]
    if answered:
        return Connect(port, ANSWERED, attempts, first.first, answered.synack_at or answered.first)
    last = conns[-1]
    if last.rst_at:
        return Connect(port, RESET, attempts, first.first, last.rst_at)
    if last.icmp_at:
        return Connect(port, UNREACHABLE, attempts, first.first, last.icmp_at)
    return Connect(port, RETRANSMITTED if attempts else NOT_SEEN, attempts, first.first)


def _failed(conn: Conn) -> bool:
    return not (conn.synack_at or conn.server_data)


class _Index:
    """What the assembly looks up per call, indexed once: connections by (client, server, port), DNS answers
    and Kerberos errors by client, in time order (a capture of a busy server holds thousands of calls)."""

    def __init__(self, reader: TraceReader, conns: list[Conn]) -> None:
        self.conns: dict[tuple, list[Conn]] = {}
        for conn in conns:
            self.conns.setdefault((conn.client, conn.server, conn.port), []).append(conn)
        self.by_address: dict[tuple[str, str], list[DnsAnswer]] = {}  # (client, address answered) -> answers
        self.by_name: dict[tuple[str, str], list[DnsAnswer]] = {}  # (client, name asked) -> questions
        for d in sorted(reader.dns, key=lambda d: d.time):
            self.by_name.setdefault((d.client, d.name), []).append(d)
            for address in d.addresses:
                self.by_address.setdefault((d.client, address), []).append(d)
        self.kerberos: dict[str, list] = {}
        for event in sorted(reader.kerberos, key=lambda k: k.time):
            self.kerberos.setdefault(event.client, []).append(event)

    @staticmethod
    def _between(items: list[DnsAnswer], start: float, end: float) -> list[DnsAnswer]:
        times = [d.time for d in items] if len(items) < 64 else None
        if times is None:
            lo = bisect_left(items, start, key=lambda d: d.time)
            return items[lo:bisect_right(items, end, lo=lo, key=lambda d: d.time)]
        return [d for d in items if start <= d.time <= end]

    def answers_with(self, client: str, address: str, start: float, end: float) -> list[DnsAnswer]:
        return self._between(self.by_address.get((client, address), []), start, end)

    def asked(self, client: str, name: str, start: float, end: float) -> list[DnsAnswer]:
        return self._between(self.by_name.get((client, name), []), start, end)


def assemble(reader: TraceReader) -> list[Call]:
    conns = sorted(reader.conns.values(), key=lambda c: c.first)
    index = _Index(reader, conns)
    calls: list[Call] = []
    for group in _epm_groups([c for c in conns if c.port == 135]):
        calls += _epm_calls(group, index)
    for conn in conns:  # DCE/RPC with no endpoint-mapper exchange seen: a known or fixed port
        if not conn.used and conn.port != 135 and conn.rpc and conn.bind:
            conn.used = True
            calls.append(_direct_call(conn))
    for call in calls:
        _attach_dns(call, index)
        _attach_kerberos(call, index)
    calls += _unresolved(reader, calls)
    for call in calls:
        times = [t for t in (call.epm.connect.time, call.connect.time, call.bind.time, call.epm.answered_at,
                             call.connect.answered_at) if t] + [d.time for d in call.dns] + \
                [k.time for k in call.kerberos]
        call.first_seen, call.last_seen = (min(times), max(times)) if times else (0.0, 0.0)
    return sorted(calls, key=lambda c: c.first_seen)


def _epm_groups(epm_conns: list[Conn]) -> list[list[Conn]]:
    """Failed connects to 135 from one client to one server in a row are one call trying again."""
    groups: list[list[Conn]] = []
    for conn in epm_conns:
        last = groups[-1] if groups else None
        if (last and _failed(last[-1]) and last[-1].client == conn.client and last[-1].server == conn.server
                and conn.first - last[-1].last <= WINDOW):
            last.append(conn)
        else:
            groups.append([conn])
    return groups


def _epm_calls(group: list[Conn], index: _Index) -> list[Call]:
    head = group[-1]
    for conn in group:
        conn.used = True
    connect135 = connect_of(group, 135)
    if not head.maps:
        if connect135.outcome == ANSWERED and not (head.bind and head.bind_result is None):
            if head.bind is None and not head.server_data:
                return []  # a connection to 135 that carried nothing: not a call
            if head.bind_result is not None:
                return []  # an endpoint-mapper lookup (rpcdump) or another operation, not a map
        call = Call(head.client, head.server)
        call.epm.connect = connect135
        call.epm.outcome = NO_ANSWER if connect135.outcome == ANSWERED or connect135.outcome != NOT_SEEN \
            else NOT_SEEN
        return [call]
    calls = []
    for entry in head.maps:
        call = Call(head.client, head.server, entry.uuid, interface_name(entry.uuid))
        call.epm.connect = connect135
        _epm_answer(call, entry)
        if call.epm.port:
            _dynamic(call, entry, index)
        calls.append(call)
    return calls


def _epm_answer(call: Call, entry: EpmMap) -> None:
    call.epm.time, call.epm.answered_at = entry.time, entry.answered_at
    if entry.answered_at is None:
        call.epm.outcome = NO_ANSWER
    elif entry.status == 0 and entry.ports:
        call.epm.outcome, call.epm.port = MAPPED, entry.ports[0]
    elif entry.status == dcerpc.EPT_S_NOT_REGISTERED:
        call.epm.outcome, call.epm.status = NOT_REGISTERED, dcerpc.status_name(entry.status)
    else:
        call.epm.outcome, call.epm.status = OTHER_STATUS, dcerpc.status_name(entry.status or 0)


def _dynamic(call: Call, entry: EpmMap, index: _Index) -> None:
    start = entry.answered_at or entry.time
    tries = []
    for conn in index.conns.get((call.client, call.server, call.epm.port), []):
        if conn.used:
            continue
        if entry.time <= conn.first <= start + WINDOW:
            tries.append(conn)
            if not _failed(conn):
                break
    for conn in tries:
        conn.used = True
    call.connect = connect_of(tries, call.epm.port)
    answered = next((c for c in tries if not _failed(c)), None)
    if answered:
        call.bind = _bind(answered)
        call.kerberos += answered.kerberos


def _bind(conn: Conn) -> Bind:
    if conn.bind is None:
        return Bind()
    ts, _ifaces, auth = conn.bind
    auth_name = dcerpc.AUTH_TYPES.get(auth, f"auth type {auth}")
    if conn.bind_result is None:
        return Bind("no-answer", "", auth_name, ts)
    return Bind(conn.bind_result[1], conn.bind_result[2], auth_name, conn.bind_result[0])


def _direct_call(conn: Conn) -> Call:
    ifaces = conn.bind[1] if conn.bind else []
    uuid = ifaces[0][1] if ifaces else None
    call = Call(conn.client, conn.server, uuid, interface_name(uuid))
    call.connect = connect_of([conn], conn.port)
    call.bind = _bind(conn)
    call.kerberos += conn.kerberos
    return call


def _attach_dns(call: Call, index: _Index) -> None:
    start = call.epm.connect.time or call.connect.time or 0.0
    if call.server is None:
        return
    gave = index.answers_with(call.client, call.server, start - WINDOW, start + 0.01)
    names = {d.name for d in gave} | {c for d in gave for c in d.cnames}
    if not names:
        return
    latest: dict[tuple, DnsAnswer] = {}  # a client asks again and again: each server's last answer counts
    for name in names:
        for d in index.asked(call.client, name, start - WINDOW, start + 0.01):
            if d.qtype in NAME_TYPES:
                latest[(d.name, d.qtype, d.server)] = d
    call.dns = sorted(latest.values(), key=lambda d: d.time)
    resolved = next((d for d in call.dns if call.server in d.addresses), None)
    if resolved:
        call.name = resolved.cnames[-1] if resolved.cnames else resolved.name


def _attach_kerberos(call: Call, index: _Index) -> None:
    start = call.epm.connect.time or call.connect.time
    if start is None:
        return
    end = max(t for t in (start, call.connect.answered_at, call.bind.time, call.epm.answered_at) if t)
    events = index.kerberos.get(call.client, [])
    lo = bisect_left(events, start - 5, key=lambda k: k.time)
    for event in events[lo:bisect_right(events, end + 5, lo=lo, key=lambda k: k.time)]:
        if start - 5 <= event.time <= end + 5 and \
                not any(k.time == event.time and k.code == event.code for k in call.kerberos):
            call.kerberos.append(event)


def _unresolved(reader: TraceReader, calls: list[Call]) -> list[Call]:
    """Host names no DNS server resolved, that no call went on from: the call stopped at DNS."""
    resolved = {d.name for d in reader.dns if d.addresses} | {c for d in reader.dns for c in d.cnames}
    resolved |= {c.name for c in calls if c.name}
    failed: dict[tuple[str, str], list[DnsAnswer]] = {}
    for d in reader.dns:
        if d.qtype not in NAME_TYPES or d.name.startswith("_") or d.name.endswith(".arpa") or "." not in d.name:
            continue
        if d.name in resolved or any(d.name.startswith(r + ".") or r.startswith(d.name + ".") for r in resolved):
            continue  # a search-list variant of a name that did resolve
        failed.setdefault((d.client, d.name), []).append(d)
    out = []
    for (client, name), answers in failed.items():
        call = Call(client, None, name=name)
        call.dns = answers
        out.append(call)
    return out


def findings(calls: list[Call]) -> list[str]:
    lines = []
    for n, call in enumerate(calls, 1):
        lines.append(f"call {n}: {describe(call)}")
    if not calls:
        lines.append("no RPC call in this capture: no connection to TCP 135, no DCE/RPC bind, no failed name "
                     "lookup. Capture while the failing operation runs (see the capture commands).")
    return lines


def who(call: Call) -> str:
    name = f"{call.name} ({call.server})" if call.name and call.server else (call.server or call.name or "?")
    what = f", {short_interface(call)}" if call.interface_uuid else ""
    return f"{call.client} -> {name}{what}"


def short_interface(call: Call) -> str:
    name = call.interface_name.split(":")[0].strip("[] ") if call.interface_name.startswith("[") else \
        call.interface_name
    return name or call.interface_uuid or "?"


def describe(call: Call) -> str:
    """The call's verdict in one sentence: where it broke, or that it went through."""
    failure = call.failure
    head = who(call)
    if failure == "dns":
        answers = "; ".join(f"{d.server}: {d.rcode or 'no answer'}" for d in call.dns)
        return f"{head}: the name {call.name} did not resolve ({answers}): the call never started."
    if failure == "epm-connect":
        c = call.epm.connect
        how = {RESET: "was refused (reset)", UNREACHABLE: "was refused (ICMP unreachable)",
               RETRANSMITTED: f"was sent {c.attempts} time(s) and never answered"}[c.outcome]
        return f"{head}: the SYN to TCP 135 {how}: the endpoint mapper cannot be reached (epm-unreachable)."
    if failure == "epm":
        if call.epm.outcome == NOT_REGISTERED:
            return (f"{head}: the endpoint mapper answered {call.epm.status}: the interface is not registered "
                    "on that server.")
        if call.epm.outcome == NO_ANSWER:
            return f"{head}: the endpoint mapper on TCP 135 accepted the connection but never answered the map."
        return f"{head}: the endpoint mapper answered {call.epm.status}."
    if failure == "connect":
        c = call.connect
        how = {RESET: "was refused (reset)", UNREACHABLE: "was refused (ICMP unreachable)",
               RETRANSMITTED: f"was sent {c.attempts} time(s) and never answered"}[c.outcome]
        return (f"{head}: the endpoint mapper handed out TCP {c.port}, and the SYN to it {how}: the dynamic RPC "
                "port is blocked on the path (dynamic-ports-blocked).")
    if failure == "kerberos":
        errors = ", ".join(sorted({k.name for k in call.kerberos if k.code in FAILING_KERBEROS}))
        return (f"{head}: Kerberos {errors}: the server at that address could not accept a ticket for the name "
                "the client used (the -2146893022 family: another computer answers there, or the name is unknown).")
    if failure == "bind":
        return f"{head}: the bind on TCP {call.connect.port} got {call.bind.outcome} {call.bind.detail}".rstrip() + "."
    if call.epm.outcome == MAPPED and call.connect.outcome == ANSWERED:
        bound = f", bind {call.bind.outcome}" if call.bind.outcome != NOT_SEEN else ""
        return f"{head}: healthy: EPM handed out TCP {call.epm.port}, the connection was answered{bound}."
    if call.epm.outcome == MAPPED:
        return f"{head}: EPM handed out TCP {call.epm.port}; the capture shows no connection to it."
    return f"{head}: connection on TCP {call.connect.port} {call.connect.outcome}, bind {call.bind.outcome}."
