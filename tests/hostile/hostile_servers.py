"""Loopback servers that misbehave on purpose, for the hostile-server tests.

Every server binds 127.0.0.N, a fresh N for each test (never any other address), runs in daemon
threads and is closed in fixture teardown; each connection handler also gives up by itself after
lifetime() seconds, so a probe that never stops still ends its test. The probes use fixed ports (135,
137, 389, 445, 53), so binding them needs root: without it these tests skip.

A guard (conftest.py) fails any test whose probe tried to reach beyond loopback, and the system
resolver ("this machine's DNS", which dns_host always asks too) is pointed at a loopback server that
answers NXDOMAIN, so no DNS question leaves the machine either.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
from collections.abc import Callable

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
from machine_speed import busy_timeout, slack

LIFETIME = 8.0  # seconds a connection handler runs at most on an idle machine (see lifetime())
SLACK = 0.5  # slack on top of a probe's deadline on an idle machine (threads waking, the page being decoded)
DEADLINE_FACTOR = 3  # mirrors wizard.probes.budget.DEADLINE_FACTOR (test_deadline_factor keeps them equal)
# the --timeout of most tests: small, so that the whole run stays well under a minute; longer on a busy
# machine, where the servers here (threads of the test process) send their next trickle late
TIMEOUT = busy_timeout(0.5)
SYSTEM_DNS = "127.0.0.99"  # where "this machine's resolver" points during these tests


def deadline(timeout: float = TIMEOUT) -> float:
    """The longest a probe call may take: its documented deadline, plus slack scaled to how busy the
    machine is now (tests/machine_speed.py): the deadline is the product's promise, the slack the machine's."""
    return timeout * DEADLINE_FACTOR + slack(SLACK)


def lifetime() -> float:
    """How long a connection handler runs at most: well past any deadline() a test asserts, so that a
    probe that never stops is caught by that assertion rather than rescued by the server giving up."""
    return max(LIFETIME, 2 * deadline())


def is_loopback(host: object) -> bool:
    return isinstance(host, str) and (host.startswith("127.") or host == "::1")


# ---------------------------------------------------------------------------------------------
# servers


class Peer:
    """One accepted connection, as a handler sees it: reads and waits that end with the server."""

    def __init__(self, conn: socket.socket, server: TcpServer) -> None:
        self.conn, self.server, self.started = conn, server, time.monotonic()
        self.lifetime = lifetime()
        conn.settimeout(0.05)

    @property
    def alive(self) -> bool:
        return not self.server.stop.is_set() and time.monotonic() - self.started < self.lifetime

    def read(self, count: int) -> bytes:
        """Exactly `count` bytes, or b"" once the client went away or the handler's time is up."""
        data = b""
        while len(data) < count and self.alive:
            try:
                chunk = self.conn.recv(count - len(data))
            except TimeoutError:
                continue
            if not chunk:
                return b""
            data += chunk
            self.server.received += chunk
        return data if len(data) == count else b""

    def read_any(self) -> bytes:
        while self.alive:
            try:
                chunk = self.conn.recv(65536)
            except TimeoutError:
                continue
            self.server.received += chunk
            return chunk
        return b""

    def hold(self) -> None:
        """Say nothing; keep the connection open and read what comes until the time is up."""
        while self.alive and self.read_any():
            pass
        while self.alive:
            time.sleep(0.05)

    def send(self, data: bytes) -> None:
        """All of `data`, however slowly the client reads it (a busy client drains its socket late)."""
        view = memoryview(data)
        while view and self.alive:
            try:
                view = view[self.conn.send(view):]
            except TimeoutError:
                continue

    def pause(self, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while self.alive and time.monotonic() < end:
            time.sleep(min(0.01, seconds))
        return self.alive

    def reset(self) -> None:
        """Close with an RST rather than a FIN (SO_LINGER 0)."""
        self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.conn.close()


class TcpServer:
    """Accepts on address:port and runs `handler(peer)` for each connection in its own thread."""

    def __init__(self, address: str, port: int, handler: Callable[[Peer], None]) -> None:
        self.handler, self.stop = handler, threading.Event()
        self.received, self.connections, self.conns = bytearray(), 0, []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, port))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        threading.Thread(target=self._accept, daemon=True, name=f"hostile-tcp-{port}").start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self.conns.append(conn)
            threading.Thread(target=self._run, args=(conn,), daemon=True, name="hostile-peer").start()

    def _run(self, conn: socket.socket) -> None:
        try:
            self.handler(Peer(conn, self))
        except OSError:
            pass  # the client went away: that is its right
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
        for conn in self.conns:
            conn.close()


class UdpServer:
    """Answers each datagram on address:port with what `handler(data)` returns (None: silence)."""

    def __init__(self, address: str, port: int, handler: Callable[[bytes], bytes | list[bytes] | None]) -> None:
        self.handler, self.stop, self.queries = handler, threading.Event(), 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((address, port))
        self.sock.settimeout(0.05)
        threading.Thread(target=self._serve, daemon=True, name=f"hostile-udp-{port}").start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                data, peer = self.sock.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            self.queries += 1
            replies = self.handler(data)
            for reply in [replies] if isinstance(replies, bytes) else replies or []:
                self.sock.sendto(reply, peer)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


class Servers:
    """The servers of one test; all closed when it ends."""

    def __init__(self) -> None:
        self.all: list[TcpServer | UdpServer] = []

    def tcp(self, address: str, port: int, handler: Callable[[Peer], None]) -> TcpServer:
        self.all.append(TcpServer(address, port, handler))
        return self.all[-1]

    def udp(self, address: str, port: int, handler: Callable[[bytes], bytes | list[bytes] | None]) -> UdpServer:
        self.all.append(UdpServer(address, port, handler))
        return self.all[-1]

    def close(self) -> None:
        for server in self.all:
            server.close()


# ---------------------------------------------------------------------------------------------
# plain misbehaviour


def silent(peer: Peer) -> None:
    peer.hold()


def close_at_once(peer: Peer) -> None:
    peer.conn.close()


def close_after_request(peer: Peer) -> None:
    """Read what the client says, then hang up politely (a FIN): the client reads nothing at all."""
    if peer.read_any():
        peer.conn.shutdown(socket.SHUT_WR)
        peer.hold()


def reset_at_once(peer: Peer) -> None:
    peer.reset()


def reset_after_request(peer: Peer) -> None:
    if peer.read_any():
        peer.reset()


def random_bytes(peer: Peer) -> None:
    """Random bytes for every request, until the client gives up."""
    while peer.alive and peer.read_any():
        peer.send(os.urandom(65536))


def framed_random_bytes(peer: Peer) -> None:
    """64 KB of random bytes behind a valid NetBIOS session header: an SMB client reads them all and
    then fails to parse them (impacket's error message quotes the whole packet)."""
    while peer.alive and peer.read_any():
        peer.send(b"\x00\x00\xff\xf0" + os.urandom(0xFFF0))


def trickle_bytes(peer: Peer) -> None:
    """A promising beginning, then one random byte every 50 ms: no single read ever times out."""
    if not peer.read_any():
        return
    while peer.pause(0.05):
        peer.send(os.urandom(1))


def ldap_trickle(peer: Peer) -> None:
    """A search result entry that announces 1 MB and then arrives one byte every 50 ms."""
    if not peer.read_any():
        return
    # LDAPMessage, messageID 1, SearchResultEntry, objectName: each with a 4-byte length
    peer.send(b"\x30\x84\x00\x10\x00\x20" + b"\x02\x01\x01" + b"\x64\x84\x00\x10\x00\x10"
              + b"\x04\x84\x00\x10\x00\x00")
    while peer.pause(0.05):
        peer.send(b"a")


# ---------------------------------------------------------------------------------------------
# DCE/RPC endpoint mappers


RPC_BIND, RPC_BIND_ACK, RPC_REQUEST, RPC_RESPONSE = 11, 12, 0, 2
FIRST, LAST = 0x01, 0x02


def read_pdu(peer: Peer) -> tuple[int, int, bytes]:
    """(type, call_id, body) of the client's next PDU; type -1 when it went away."""
    header = peer.read(16)
    if not header:
        return -1, 0, b""
    frag_len, call_id = struct.unpack_from("<H", header, 8)[0], struct.unpack_from("<L", header, 12)[0]
    return header[2], call_id, peer.read(frag_len - 16)


def pdu(ptype: int, call_id: int, body: bytes, flags: int = FIRST | LAST) -> bytes:
    header = struct.pack("<BBBB4sHHL", 5, 0, ptype, flags, b"\x10\x00\x00\x00", 16 + len(body), 0, call_id)
    return header + body


def bind_ack(call_id: int) -> bytes:
    from impacket.dcerpc.v5.rpcrt import MSRPC_BINDACK, MSRPC_CONT_RESULT_ACCEPT, CtxItemResult, MSRPCBindAck
    from impacket.uuid import uuidtup_to_bin

    ack = MSRPCBindAck()
    ack["type"], ack["flags"], ack["call_id"] = MSRPC_BINDACK, FIRST | LAST, call_id
    ack["max_tfrag"] = ack["max_rfrag"] = 5840
    ack["assoc_group"], ack["SecondaryAddr"], ack["SecondaryAddrLen"] = 0x1234, b"135", 4
    ack["Pad"] = b"A" * ((4 - ((4 + MSRPCBindAck._SIZE) % 4)) % 4)
    result = CtxItemResult()
    result["Result"], result["Reason"] = MSRPC_CONT_RESULT_ACCEPT, 0
    result["TransferSyntax"] = uuidtup_to_bin(("8a885d04-1ceb-11c9-9fe8-08002b104860", "2.0"))
    ack["ctx_num"], ack["ctx_items"] = 1, result.getData()
    ack["frag_len"] = len(ack.getData())
    return ack.getData()


def response(call_id: int, stub: bytes, flags: int = FIRST | LAST) -> bytes:
    return pdu(RPC_RESPONSE, call_id, struct.pack("<LHBB", len(stub), 0, 0, 0) + stub, flags)


def tower(uuid: str, port: int) -> bytes:
    from impacket.dcerpc.v5 import epm
    from impacket.uuid import uuidtup_to_bin

    interface, ndr = epm.EPMRPCInterface(), epm.EPMRPCDataRepresentation()
    interface["InterfaceUUID"], interface["MajorVersion"], interface["MinorVersion"] = \
        uuidtup_to_bin((uuid, "1.0"))[:16], 1, 0
    ndr["DataRepUuid"] = uuidtup_to_bin(("8a885d04-1ceb-11c9-9fe8-08002b104860", "2.0"))[:16]
    ndr["MajorVersion"], ndr["MinorVersion"] = 2, 0
    protocol, port_floor, host_floor = epm.EPMProtocolIdentifier(), epm.EPMPortAddr(), epm.EPMHostAddr()
    protocol["ProtIdentifier"] = epm.FLOOR_RPCV5_IDENTIFIER
    port_floor["IpPort"] = port
    host_floor["Ip4addr"] = socket.inet_aton("127.0.0.1")
    built = epm.EPMTower()
    built["NumberOfFloors"] = 5
    built["Floors"] = b"".join(f.getData() for f in (interface, ndr, protocol, port_floor, host_floor))
    return built.getData()


def lookup_page(count: int, more: bool, annotation: bytes = b"rpc-wizard test\x00", first_port: int = 49152) -> bytes:
    """An ept_lookup answer with `count` entries; `more` keeps the list going (a non-null handle)."""
    from impacket.dcerpc.v5 import epm

    answer = epm.ept_lookupResponse()
    handle = epm.ept_lookup_handle_t()
    handle["context_handle_uuid"] = b"\x01" * 16 if more else b"\x00" * 16
    answer["entry_handle"], answer["num_ents"], answer["status"] = handle, count, 0
    for k in range(count):
        entry = epm.ept_entry_t()
        entry["object"] = b"\x00" * 16
        built = tower(f"{k:08x}-1234-abcd-ef00-0123456789ab", first_port + k % 10000)
        entry["tower"]["tower_length"], entry["tower"]["tower_octet_string"] = len(built), list(built)
        entry["annotation"] = list(annotation)
        answer["entries"].append(entry)
    return answer.getData()


def endpoint_mapper(answer: Callable[[Peer, int], None]) -> Callable[[Peer], None]:
    """Binds like a real endpoint mapper, then `answer(peer, call_id)` for every request."""
    def handler(peer: Peer) -> None:
        while peer.alive:
            ptype, call_id, _ = read_pdu(peer)
            if ptype == RPC_BIND:
                peer.send(bind_ack(call_id))
            elif ptype == RPC_REQUEST:
                answer(peer, call_id)
            else:
                return
    return handler


def trickle_fragments(peer: Peer, call_id: int) -> None:
    """Response fragments every 50 ms, none of them the last one."""
    flags = FIRST
    while peer.pause(0.05):
        peer.send(response(call_id, b"\x00" * 16, flags))
        flags = 0


def flood_fragments(peer: Peer, call_id: int) -> None:
    """Large response fragments as fast as the client takes them, none of them the last one."""
    flags = FIRST
    while peer.alive:
        peer.send(response(call_id, b"\x00" * 60_000, flags))  # big: the cap is reached in few fragments
        flags = 0


def endless_list(per_page: int, annotation: bytes = b"rpc-wizard test\x00") -> Callable[[Peer, int], None]:
    page = lookup_page(per_page, more=True, annotation=annotation)

    def answer(peer: Peer, call_id: int) -> None:
        peer.send(response(call_id, page))
    return answer


def short_list(annotation: bytes, count: int = 3) -> Callable[[Peer, int], None]:
    page = lookup_page(count, more=False, annotation=annotation)

    def answer(peer: Peer, call_id: int) -> None:
        peer.send(response(call_id, page))
    return answer


# ---------------------------------------------------------------------------------------------
# NetBIOS and DNS


def node_status(names: list[bytes]) -> Callable[[bytes], bytes]:
    """A NetBIOS node-status responder (nbtstat -A) whose unique <00> names are `names`."""
    def answer(query: bytes) -> bytes:
        entries = b"".join(name[:15].ljust(15, b" ") + b"\x00" + b"\x04\x00" for name in names)
        rdata = bytes([len(names)]) + entries + b"\x00" * 46  # 46: the statistics block, MAC first
        rr_name = b"\x20" + b"CK" + b"A" * 30 + b"\x00"  # "*" encoded, as asked
        record = rr_name + struct.pack(">HHLH", 0x21, 1, 0, len(rdata)) + rdata
        return query[:2] + struct.pack(">HHHHH", 0x8400, 0, 1, 0, 0) + record
    return answer


def dns_reply(query: bytes, rcode: int = dns.rcode.NOERROR, answers: list | None = None,
              truncated: bool = False, wrong_id: bool = False) -> bytes:
    """An answer to `query` built with dnspython: rrsets given as (name, type, [rdata text])."""
    message = dns.message.from_wire(query)
    reply = dns.message.make_response(message)
    reply.set_rcode(rcode)
    for name, rdtype, values in answers or []:
        reply.answer.append(dns.rrset.from_text_list(name, 300, "IN", rdtype, values))
    if truncated:
        reply.flags |= dns.flags.TC
        reply.answer.clear()
    if wrong_id:
        reply.id = (reply.id + 1) % 65536
    return reply.to_wire(max_size=65535)


def question(query: bytes) -> tuple[str, str]:
    message = dns.message.from_wire(query)
    q = message.question[0]
    return q.name.to_text(), dns.rdatatype.to_text(q.rdtype)


def dns_over_tcp(answer: Callable[[bytes], bytes | None]) -> Callable[[Peer], None]:
    """DNS over TCP (two-byte length, then the message) with the same answers as over UDP."""
    def handler(peer: Peer) -> None:
        while peer.alive:
            size = peer.read(2)
            if not size:
                return
            reply = answer(peer.read(struct.unpack(">H", size)[0]))
            if reply is None:
                return peer.hold()
            peer.send(struct.pack(">H", len(reply)) + reply)
    return handler
