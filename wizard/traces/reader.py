"""One streaming pass over a capture: TCP connections, DCE/RPC PDUs, DNS and Kerberos errors as they go by.

Memory is bounded whatever the file's size: connections are capped (MAX_CONNS), each direction of a
DCE/RPC stream keeps at most MAX_BUFFER bytes and MAX_OUT_OF_ORDER early segments, and only the first
MAX_PDUS PDUs of a connection are read (the bind, the endpoint-mapper exchange and the first calls are
what a diagnosis needs; bulk replication after them is skipped at the cost of a dict lookup per packet).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from wizard.traces import dcerpc, messages
from wizard.traces.capture import ICMP, ICMP6, TCP, UDP, Packet, Stats
from wizard.traces.model import ROUTINE_KERBEROS, DnsAnswer, KerberosEvent

MAX_CONNS = 20_000
MAX_BUFFER = 256 * 1024
MAX_OUT_OF_ORDER = 64
MAX_PDUS = 64
MAX_DNS = 20_000
MAX_KERBEROS = 1_000
SYN, RST, ACK = 0x02, 0x04, 0x10


class Stream:
    __slots__ = ("next", "buf", "early", "dead")

    def __init__(self) -> None:
        self.next: int | None = None
        self.buf = bytearray()
        self.early: dict[int, bytes] = {}
        self.dead = False

    def add(self, seq: int, data: bytes) -> bool:
        """Put a segment in order; False when the stream can no longer be followed (a gap, a flood)."""
        if self.next is None:
            self.next = seq
        ahead = (seq - self.next) & 0xFFFFFFFF
        if ahead >= 0x80000000:  # starts before what we have: a retransmission, maybe with new bytes
            behind = 0x100000000 - ahead
            if behind >= len(data):
                return True
            data, ahead = data[behind:], 0
        if ahead:
            if len(self.early) >= MAX_OUT_OF_ORDER:
                return False
            self.early[seq] = data
            return True
        self.buf += data
        self.next = (self.next + len(data)) & 0xFFFFFFFF
        while self.early:  # early segments that now fit (or overlap) the end
            fits = [s for s in self.early if (self.next - s) & 0xFFFFFFFF < 0x80000000]
            if not fits:
                break
            for s in fits:
                chunk = self.early.pop(s)
                skip = (self.next - s) & 0xFFFFFFFF
                if skip < len(chunk):
                    self.buf += chunk[skip:]
                    self.next = (self.next + len(chunk) - skip) & 0xFFFFFFFF
        return len(self.buf) <= MAX_BUFFER


@dataclass
class EpmMap:
    time: float
    uuid: str | None
    answered_at: float | None = None
    ports: list[int] = field(default_factory=list)
    status: int | None = None


class Conn:
    __slots__ = ("client", "cport", "server", "port", "syns", "first", "last", "synack_at", "rst_at", "icmp_at",
                 "isn", "server_isn",
                 "server_data", "rpc", "streams", "pdus", "ctx", "maps", "pending", "bind", "bind_result",
                 "kerberos", "used")

    def __init__(self, client: str, cport: int, server: str, port: int, ts: float) -> None:
        self.client, self.cport, self.server, self.port = client, cport, server, port
        self.syns, self.first, self.last = 0, ts, ts
        self.isn: int | None = None  # the first sequence numbers, from the SYN and the SYN-ACK
        self.server_isn: int | None = None
        self.synack_at: float | None = None
        self.rst_at: float | None = None
        self.icmp_at: float | None = None
        self.server_data = False
        self.rpc: bool | None = True if port == 135 else None
        self.streams: tuple[Stream, Stream] | None = None  # client -> server, server -> client; made on first data
        self.pdus = 0
        self.ctx: dict[int, str] = {}
        self.maps: list[EpmMap] = []
        self.pending: dict[int, EpmMap] = {}
        self.bind: tuple[float, list, int] | None = None  # time, interfaces, auth type
        self.bind_result: tuple[float, str, str] | None = None  # time, outcome, detail
        self.kerberos: list[KerberosEvent] = []
        self.used = False


class TraceReader:
    def __init__(self, stats: Stats) -> None:
        self.stats = stats
        self.conns: dict[tuple, Conn] = {}
        self.dns: deque[DnsAnswer] = deque(maxlen=MAX_DNS)
        self._dns_pending: dict[tuple, DnsAnswer] = {}
        self.kerberos: list[KerberosEvent] = []
        self.handed_out: set[tuple[str, int]] = set()  # (server, port) an endpoint mapper gave
        self.untracked = 0
        self.unreadable = 0
        self.lost_streams = 0
        self.first_ts: float | None = None
        self.last_ts: float | None = None

    def feed(self, p: Packet) -> None:
        if self.first_ts is None:
            self.first_ts = p.ts
        self.last_ts = p.ts
        if p.proto == TCP:
            self._tcp(p)
        elif p.proto == UDP:
            if p.sport == 53 or p.dport == 53:
                self._dns(p)
            elif p.sport == 88:
                self._kdc(p, p.payload)
        elif p.proto in (ICMP, ICMP6) and p.unreachable:
            self._unreachable(p)

    # --- TCP -------------------------------------------------------------------------------------

    def _tcp(self, p: Packet) -> None:
        flags = p.flags
        key = (p.src, p.sport, p.dst, p.dport)
        if flags & SYN and not flags & ACK:
            conn = self.conns.get(key)
            if conn is None:
                conn = self._new(p.src, p.sport, p.dst, p.dport, p.ts)
                if conn is None:
                    return
            conn.syns += 1
            conn.last = p.ts
            conn.isn = (p.seq + 1) & 0xFFFFFFFF
            return
        conn = self.conns.get(key)
        from_client = conn is not None
        if conn is None:
            conn = self.conns.get((p.dst, p.dport, p.src, p.sport))
            if conn is None:
                conn = self._midstream(p)
                if conn is None:
                    return
                from_client = conn.client == p.src
        conn.last = p.ts
        if not from_client:
            if flags & SYN:
                conn.synack_at = conn.synack_at or p.ts
                conn.server_isn = (p.seq + 1) & 0xFFFFFFFF
                return
            if flags & RST and conn.synack_at is None and not conn.server_data:
                conn.rst_at = conn.rst_at or p.ts
                return
            if p.payload:
                conn.server_data = True
        if p.payload and conn.rpc is not False and p.sport != 88 and p.dport != 88:
            self._stream(conn, 0 if from_client else 1, p)
        elif p.payload and (p.sport == 88 and len(p.payload) > 4):
            self._kdc(p, p.payload[4:])

    def _new(self, client: str, cport: int, server: str, port: int, ts: float) -> Conn | None:
        if len(self.conns) >= MAX_CONNS and port != 135 and (server, port) not in self.handed_out:
            self.untracked += 1
            return None
        conn = Conn(client, cport, server, port, ts)
        self.conns[(client, cport, server, port)] = conn
        return conn

    def _midstream(self, p: Packet) -> Conn | None:
        """A connection whose SYN the capture missed: followed only if it is RPC (135, or a PDU header)."""
        if not p.payload:
            return None
        if p.dport == 135 or (p.sport != 135 and dcerpc.looks_like_rpc(p.payload) and p.payload[2] in (0, 11, 14)):
            conn = self._new(p.src, p.sport, p.dst, p.dport, p.ts)
        elif p.sport == 135:
            conn = self._new(p.dst, p.dport, p.src, p.sport, p.ts)
        else:
            return None
        if conn is not None:
            conn.rpc = True
        return conn

    def _stream(self, conn: Conn, side: int, p: Packet) -> None:
        if conn.streams is None:
            conn.streams = (Stream(), Stream())
            conn.streams[0].next, conn.streams[1].next = conn.isn, conn.server_isn
        stream = conn.streams[side]
        if stream.dead:
            return
        if not stream.add(p.seq, p.payload):
            self._lose(stream)
            return
        buf = stream.buf
        if conn.rpc is None:  # the first 16 bytes in order decide whether this connection carries DCE/RPC
            if len(buf) < 16:
                return
            conn.rpc = dcerpc.looks_like_rpc(bytes(buf[:16]))
            if not conn.rpc:
                conn.streams = None  # not DCE/RPC: nothing more is read from it
                return
        while len(buf) >= 16:
            head = dcerpc.header(buf)
            if head is None:
                self._lose(stream)
                return
            if head[0] > len(buf):
                return
            raw = bytes(buf[:head[0]])
            del buf[:head[0]]
            self._pdu(conn, side == 0, raw, p.ts)
            if conn.streams is None:
                return
            conn.pdus += 1
            if conn.pdus >= MAX_PDUS:  # the rest of this connection is bulk: stop reading it
                conn.rpc = False
                conn.streams = None
                return

    def _lose(self, stream: Stream) -> None:
        stream.dead = True
        stream.buf, stream.early = bytearray(), {}  # what it held can no longer be read in order
        self.lost_streams += 1

    def _pdu(self, conn: Conn, from_client: bool, raw: bytes, ts: float) -> None:
        pdu = dcerpc.parse(raw)
        if pdu is None:
            return
        if from_client:
            if pdu.ptype in (dcerpc.BIND, dcerpc.ALTER):
                conn.ctx.update({cid: uuid for cid, uuid, _v in pdu.ifaces})
                if conn.bind is None:
                    conn.bind = (ts, pdu.ifaces, pdu.auth_type)
            elif pdu.ptype == dcerpc.REQUEST and pdu.opnum == dcerpc.EPT_MAP and \
                    conn.ctx.get(pdu.ctx_id) == dcerpc.EPM_UUID:
                entry = EpmMap(ts, dcerpc.map_request(pdu.body))
                conn.maps.append(entry)
                conn.pending[pdu.call_id] = entry
            return
        if pdu.ptype in (dcerpc.BIND_ACK, dcerpc.ALTER_RESP, dcerpc.BIND_NAK, dcerpc.FAULT):
            found = messages.kerberos_in(pdu.auth or pdu.body) if (pdu.auth or pdu.ptype == dcerpc.BIND_NAK) else None
            if found:
                conn.kerberos.append(KerberosEvent(found.name, found.code, ts, conn.server, conn.client, found.sname,
                                                   found.realm))
        if pdu.ptype in (dcerpc.BIND_ACK, dcerpc.ALTER_RESP) and conn.bind_result is None:
            accepted = any(result == 0 for result, _ in pdu.results)
            detail = ", ".join(filter(None, (dcerpc.context_result(r, why) for r, why in pdu.results)))
            conn.bind_result = (ts, "bind_ack" if accepted else "rejected", detail)
        elif pdu.ptype == dcerpc.BIND_NAK and conn.bind_result is None:
            conn.bind_result = (ts, "bind_nak", dcerpc.nak_reason(pdu.reason))
        elif pdu.ptype == dcerpc.FAULT:
            entry = conn.pending.pop(pdu.call_id, None)
            if entry is not None:
                entry.answered_at, entry.status = ts, pdu.status
            elif conn.bind_result is None or conn.bind_result[1] == "bind_ack":
                detail = dcerpc.status_name(pdu.status or 0)
                if conn.bind_result:  # a fault on the first call after the bind: keep both
                    detail = f"bind_ack, then a fault on a call: {detail}"
                conn.bind_result = (ts, "fault", detail)
        elif pdu.ptype == dcerpc.RESPONSE:
            entry = conn.pending.pop(pdu.call_id, None)
            if entry is not None:
                answer = dcerpc.map_response(pdu.body)
                entry.answered_at = ts
                if answer:
                    entry.ports, entry.status = answer
                    self.handed_out.update((conn.server, port) for port in entry.ports)

    # --- DNS, Kerberos, ICMP ----------------------------------------------------------------------

    def _dns(self, p: Packet) -> None:
        msg = messages.dns(p.payload)
        if msg is None or msg.qtype == "PTR":
            return
        if not msg.response:
            entry = DnsAnswer(msg.name, msg.qtype, p.src, p.dst, p.ts)
            if len(self._dns_pending) < MAX_DNS:
                self._dns_pending[(p.src, p.dst, msg.id, msg.name)] = entry
            if len(self.dns) == MAX_DNS:
                self.stats.note(f"more than {MAX_DNS} DNS questions: only the last {MAX_DNS} are kept")
            self.dns.append(entry)
            return
        entry = self._dns_pending.pop((p.dst, p.src, msg.id, msg.name), None)
        if entry is None:  # the question was before the capture started
            entry = DnsAnswer(msg.name, msg.qtype, p.dst, p.src, p.ts)
            self.dns.append(entry)
        entry.rcode, entry.addresses, entry.cnames = msg.rcode, msg.addresses, msg.cnames

    def _kdc(self, p: Packet, data: bytes) -> None:
        found = messages.kerberos_error(data, ROUTINE_KERBEROS)
        if found and found.code not in ROUTINE_KERBEROS and len(self.kerberos) < MAX_KERBEROS:
            self.kerberos.append(KerberosEvent(found.name, found.code, p.ts, p.src, p.dst, found.sname, found.realm))

    def _unreachable(self, p: Packet) -> None:
        proto, src, dst, sport, dport, _type, _code = p.unreachable
        if proto == TCP:
            conn = self.conns.get((src, sport, dst, dport))
            if conn is not None and conn.synack_at is None:
                conn.icmp_at = conn.icmp_at or p.ts
        elif dport == 53:
            for (client, server, _id, _name), entry in list(self._dns_pending.items()):
                if client == src and server == dst and not entry.rcode:
                    entry.rcode = "unreachable"
