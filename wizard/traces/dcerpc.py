"""Connection-oriented DCE/RPC PDUs as they cross the wire (C706 chapter 12 layouts; impacket's epm
structures for the endpoint mapper's NDR stubs).

Only what the diagnosis needs: a bind's interfaces and the server's answer (bind_ack results,
bind_nak reason, a fault's status), and the endpoint mapper's ept_map request (which interface)
and response (the port handed out, or the status). Any PDU impacket cannot parse gives None: a
capture is untrusted input.
"""

from __future__ import annotations

import struct
import uuid as uuidlib
from dataclasses import dataclass, field

EPM_UUID = "e1af8308-5d1f-11c9-91a4-08002b14a0fa"
EPT_MAP = 3
EPT_S_NOT_REGISTERED = 0x16C9A0D6

REQUEST, RESPONSE, FAULT, BIND, BIND_ACK, BIND_NAK, ALTER, ALTER_RESP, AUTH3 = 0, 2, 3, 11, 12, 13, 14, 15, 16
PTYPES = {REQUEST: "request", RESPONSE: "response", FAULT: "fault", BIND: "bind", BIND_ACK: "bind_ack",
          BIND_NAK: "bind_nak", ALTER: "alter_context", ALTER_RESP: "alter_context_resp", AUTH3: "auth3"}
AUTH_TYPES = {9: "SPNEGO", 10: "NTLM", 16: "Kerberos", 68: "Netlogon", 0: "none"}


@dataclass
class Pdu:
    ptype: int
    call_id: int
    little: bool
    body: bytes  # the PDU after the 16-byte common header, without the auth trailer
    auth_type: int = 0
    auth: bytes = b""
    ifaces: list[tuple[int, str, str]] = field(default_factory=list)  # bind: (context id, uuid, version)
    results: list[tuple[int, int]] = field(default_factory=list)  # bind_ack: (result, reason) per context
    reason: int | None = None  # bind_nak
    status: int | None = None  # fault
    opnum: int | None = None  # request
    ctx_id: int | None = None  # request, response


def header(buf: bytes | bytearray) -> tuple[int, int] | None:
    """(frag_len, ptype) of the PDU at the start of `buf`; None when it is not DCE/RPC (stream lost)."""
    if len(buf) < 16 or buf[0] != 5 or buf[1] > 1 or buf[2] > 20:
        return None
    frag_len = struct.unpack_from("<H" if buf[4] & 0x10 else ">H", buf, 8)[0]
    return (frag_len, buf[2]) if frag_len >= 16 else None


def looks_like_rpc(data: bytes) -> bool:
    """The first PDU of a connection: a bind or alter_context (or their answers), or a request."""
    return header(data) is not None and data[2] in (BIND, ALTER, REQUEST, BIND_ACK, BIND_NAK, ALTER_RESP)


def parse(raw: bytes) -> Pdu | None:
    try:
        return _parse(raw)
    except Exception:  # noqa: BLE001 - a damaged PDU in a capture is skipped, never a traceback
        return None


def _parse(raw: bytes) -> Pdu | None:
    """The fields the diagnosis reads, by hand with struct: this runs for every PDU of every RPC connection,
    where impacket's Structure costs milliseconds (the endpoint mapper's NDR stubs, one per call, are still
    read with impacket's epm structures below)."""
    little = bool(raw[4] & 0x10)
    order = "<" if little else ">"
    ptype, flags = raw[2], raw[3]
    frag_len, auth_len, call_id = struct.unpack_from(order + "HHI", raw, 8)
    end = frag_len - (auth_len + 8 if auth_len else 0)  # the auth trailer: 8-byte header, then the token
    pdu = Pdu(ptype, call_id, little, raw[16:end])
    if auth_len and end >= 16:
        pdu.auth_type, pdu.auth = raw[end], raw[end + 8:frag_len]
    body = pdu.body
    if ptype in (BIND, ALTER):
        count, at = body[8], 12
        for _ in range(count):
            ctx_id, n_syntaxes = struct.unpack_from(order + "HB", body, at)
            syntax = body[at + 4:at + 24]
            if len(syntax) < 20:
                break
            pdu.ifaces.append((ctx_id, str(uuidlib.UUID(bytes_le=bytes(syntax[:16]))) if little else
                               str(uuidlib.UUID(bytes=bytes(syntax[:16]))),
                               "{}.{}".format(*struct.unpack(order + "HH", syntax[16:20]))))
            at += 24 + 20 * n_syntaxes
    elif ptype in (BIND_ACK, ALTER_RESP):
        sec_len = struct.unpack_from(order + "H", body, 8)[0]
        at = 10 + sec_len
        at += (4 - (at + 16) % 4) % 4  # the results start 4-aligned in the PDU
        count = body[at]
        for i in range(count):
            result, reason = struct.unpack_from(order + "HH", body, at + 4 + 24 * i)
            pdu.results.append((result, reason))
    elif ptype == BIND_NAK:
        pdu.reason = struct.unpack_from(order + "H", body, 0)[0]
    elif ptype == FAULT:
        pdu.ctx_id = struct.unpack_from(order + "H", body, 4)[0]
        pdu.status = struct.unpack_from(order + "I", body, 8)[0]
    elif ptype == REQUEST:
        pdu.ctx_id, pdu.opnum = struct.unpack_from(order + "HH", body, 4)
        pdu.body = body[24:] if flags & 0x80 else body[8:]  # an object UUID before the stub
    elif ptype == RESPONSE:
        pdu.ctx_id = struct.unpack_from(order + "H", body, 4)[0]
        pdu.body = body[8:]
    return pdu


def status_name(status: int) -> str:
    """A DCE/RPC or Win32 status by name: EPT_S_NOT_REGISTERED 0x16c9a0d6, nca_s_op_rng_error 0x1c010002..."""
    from impacket.dcerpc.v5 import rpcrt

    name = rpcrt.rpc_status_codes.get(status)
    if name is None:
        from impacket import system_errors

        name = system_errors.ERROR_MESSAGES.get(status, ("",))[0]
    return f"{name.upper() if name.startswith('ept_') else name or 'status'} 0x{status:08x}".strip()


def nak_reason(reason: int | None) -> str:
    from impacket.dcerpc.v5 import rpcrt

    return rpcrt.rpc_provider_reason.get(reason, f"reason {reason}") if reason is not None else ""


def context_result(result: int, reason: int) -> str:
    from impacket.dcerpc.v5 import rpcrt

    if result == 3:  # negotiate_ack: the answer to bind-time feature negotiation, not to an interface
        return ""
    word = rpcrt.rpc_cont_def_result.get(result, f"result {result}")
    return word if result == 0 else f"{word} ({rpcrt.rpc_provider_reason.get(reason, reason)})"


def map_request(stub: bytes) -> str | None:
    """The interface UUID an ept_map request asks for (floor 1 of its map tower)."""
    try:
        from impacket.dcerpc.v5 import epm

        request = epm.ept_map()
        request.fromString(stub)
        tower = epm.EPMTower(b"".join(request["map_tower"]["tower_octet_string"]))
        floor = tower["Floors"][0]
        return str(uuidlib.UUID(bytes_le=floor["InterfaceUUID"]))
    except Exception:  # noqa: BLE001
        return _floor_uuid(stub)


def _floor_uuid(stub: bytes) -> str | None:
    """Fallback: the first tower floor with protocol id 0x0d (a UUID) anywhere in the stub."""
    at = stub.find(b"\x13\x00\x0d")
    if at < 0 or len(stub) < at + 19:
        return None
    return str(uuidlib.UUID(bytes_le=bytes(stub[at + 3:at + 19])))


def _tcp_ports(tower: bytes) -> list[int]:
    """The ncacn_ip_tcp port floors (protocol id 0x07, port big-endian) of one tower's octets."""
    ports, at = [], 2
    for _ in range(struct.unpack_from("<H", tower, 0)[0] if len(tower) >= 2 else 0):
        if len(tower) < at + 2:
            break
        lhs_len = struct.unpack_from("<H", tower, at)[0]
        lhs = tower[at + 2:at + 2 + lhs_len]
        at += 2 + lhs_len
        if len(tower) < at + 2:
            break
        rhs_len = struct.unpack_from("<H", tower, at)[0]
        rhs = tower[at + 2:at + 2 + rhs_len]
        at += 2 + rhs_len
        if lhs[:1] == b"\x07" and len(rhs) == 2:
            ports.append(struct.unpack("!H", rhs)[0])
    return ports


def map_response(stub: bytes) -> tuple[list[int], int] | None:
    """(the TCP ports of the towers handed out, the status) of an ept_map response."""
    if len(stub) < 28:
        return None
    status = struct.unpack_from("<I", stub, len(stub) - 4)[0]
    ports: list[int] = []
    try:
        from impacket.dcerpc.v5 import epm

        response = epm.ept_mapResponse()
        response.fromString(stub)
        for tower in response["ITowers"]:
            ports += _tcp_ports(b"".join(tower["Data"]["tower_octet_string"]))
        status = response["status"]
    except Exception:  # noqa: BLE001 - fall back on scanning for the TCP floor (id 0x07, big-endian port)
        at = stub.find(b"\x01\x00\x07\x02\x00")
        if at >= 0 and len(stub) >= at + 7:
            ports.append(struct.unpack_from("!H", stub, at + 5)[0])
    return ports, status
