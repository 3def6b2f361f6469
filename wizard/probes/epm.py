"""Endpoint-mapper probes over ncacn_ip_tcp:ADDRESS[135], bounded by the call's deadline.

impacket's own TCP transport waits per read only (a server that trickles fragments holds it for ever)
and reads a bind answer with a single recv (a server that hangs up gives "unpack requires a buffer").
BoundedTransport reads whole PDUs through a BoundedSocket instead: every read ends at the deadline,
counts against the byte cap, and a hang-up or non-RPC answer is said in plain words.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from impacket.dcerpc.v5 import epm, transport
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import bin_to_string, uuidtup_to_bin

from wizard.engine.catalog import DRS_UUID
from wizard.engine.results import ERROR, ProbeResult
from wizard.engine.untrusted import clean
from wizard.probes.budget import Budget
from wizard.probes.session import Session, open_tcp
from wizard.probes.sockets import BoundedSocket, Garbled
from wizard.verdicts import endpoints as verdicts
from wizard.verdicts.endpoints import DRS_NAME, EPT_S_NOT_REGISTERED, EndpointList, MapAnswer, port_of
from wizard.verdicts.ports import port_135

MAX_ENTRIES = 2000  # a busy Windows DC lists a few hundred; more is a server that never ends its list
MAX_PAGES = 20  # pages of ept_lookup, whatever their size
PAGE_SIZE = 500
Decode = Callable[[Any], dict[str, Any]]  # one raw ept_lookup entry -> what the probes keep of it


class BoundedTransport(transport.TCPTransport):
    """ncacn_ip_tcp on a connection opened within the deadline; answers are read a whole PDU at a time."""

    def __init__(self, sock: BoundedSocket, address: str) -> None:
        super().__init__(address, 135)
        self._sock, self._pending = sock, b""

    def connect(self) -> int:
        return 1  # connected already, by open_tcp

    def disconnect(self) -> int:
        self._sock.close()
        return 1

    def get_socket(self) -> BoundedSocket:
        return self._sock

    def send(self, data: bytes, forceWriteAndx: int = 0, forceRecv: int = 0) -> None:  # noqa: N803 - impacket's
        self._sock.sendall(data)

    def recv(self, forceRecv: int = 0, count: int = 0) -> bytes:  # noqa: N803 - impacket's names
        if not self._pending:
            self._pending = self._read_pdu()
        size = count or len(self._pending)  # count 0: impacket wants a whole PDU (a bind answer)
        data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def _read_pdu(self) -> bytes:
        header = self._exactly(16)
        frag_len = struct.unpack_from("<H", header, 8)[0]
        if header[:2] != b"\x05\x00" or frag_len < 16:
            raise Garbled(f"what answers on TCP 135 at {self.getRemoteHost()} does not speak DCE/RPC: "
                          "it is not an endpoint mapper")
        return header + self._exactly(frag_len - 16)

    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            data += self._sock.recv(count - len(data))  # a hang-up raises ServerClosed
        return data


def interface_name(uuid: str) -> str:
    """A readable name for an interface UUID: portqry's for DRS, else impacket's protocol or provider table."""
    if uuid.lower() == DRS_UUID:
        return DRS_NAME  # portqry's wording, as quoted in document 000
    name = epm.KNOWN_PROTOCOLS.get(uuid.upper(), "")
    if name:
        return name
    for key, provider in epm.KNOWN_UUIDS.items():
        if bin_to_string(key)[:36].lower() == uuid.lower():
            return provider
    return ""


def _blocked(session: Session, address: str | None) -> ProbeResult | None:
    """No address, or 135 already seen filtered/refused/unreachable this run, or not answering now."""
    if not address:
        return ProbeResult("", ERROR, "No address to ask.")
    state, detail = session.known_dead(address, 135) or session.port_state(address, 135)
    dead = port_135(address, state, detail)
    return dead.result("") if dead else None


def _connect(session: Session, address: str):
    return BoundedTransport(open_tcp(session, address, 135), address).get_dce_rpc()


def epm_map(session: Session, address: str | None, interface: str | None = None) -> ProbeResult:
    uuid = (interface or DRS_UUID).lower()
    name = interface_name(uuid)  # "": the verdict names it from the list or our table
    blocked = _blocked(session, address)
    if blocked:
        return blocked
    if uuid != DRS_UUID:  # any version of any interface: its entries in the mapper's whole list
        return verdicts.epm_map_list(_listing(session, address), uuid, name).result("epm_map")
    dce = _connect(session, address)
    try:
        binding = epm.hept_map(address, uuidtup_to_bin((uuid, "4.0")), protocol="ncacn_ip_tcp", dce=dce)
    except DCERPCException as exc:
        if exc.get_error_code() != EPT_S_NOT_REGISTERED:
            raise
        binding = None
    finally:
        dce.disconnect()
    return verdicts.epm_map_answer(MapAnswer(address, uuid, binding, name)).result("epm_map")


def epm_lookup(session: Session, address: str | None, decode: Decode | None = None) -> ProbeResult:
    """The mapper's whole list. `decode` stands in for decode_entry (a test slows it down: the deadline
    must hold however long decoding takes); it is never a parameter of the check itself."""
    blocked = _blocked(session, address)
    if blocked:
        return blocked
    return verdicts.epm_lookup(_listing(session, address, decode)).result("epm_lookup")


def _listing(session: Session, address: str, decode: Decode | None = None) -> EndpointList:
    """The endpoint mapper's whole list, and whether it ended."""
    dce = _connect(session, address)
    try:
        entries, cut_short = lookup_all(dce, session.budget, decode or decode_entry)
    finally:
        dce.disconnect()
    return EndpointList(address, tuple(entries), complete=cut_short is None, cut_short=cut_short or "")


def lookup_all(dce, budget: Budget, decode: Decode) -> tuple[list[dict[str, Any]], str | None]:
    """ept_lookup in pages, each entry decoded as it comes, and why the list was cut short (None: it
    ended). Samba ends the list with EPT_S_NOT_REGISTERED instead of a null handle; a server may never
    end it, hence the caps. The deadline is checked before each page and each entry, and a list cut
    by it (or by the byte cap) keeps the entries decoded so far."""
    dce.bind(epm.MSRPC_UUID_PORTMAP)
    entries: list[dict[str, Any]] = []
    try:
        return _pages(dce, budget, decode, entries)
    except Exception:
        if budget.why is None or not entries:
            raise  # not cut by the call's limits, or nothing to show: the probe reports the error
        return entries, budget.why


def _pages(dce, budget: Budget, decode: Decode, entries: list[dict[str, Any]]) -> tuple[list[dict], str | None]:
    handle = epm.ept_lookup_handle_t()
    for _ in range(MAX_PAGES):
        budget.check()
        try:
            resp = dce.request(_lookup_request(handle, min(PAGE_SIZE, MAX_ENTRIES - len(entries))))
        except DCERPCException as exc:
            if exc.get_error_code() == EPT_S_NOT_REGISTERED:
                return entries, None
            raise
        for i in range(min(resp["num_ents"], len(resp["entries"]), MAX_ENTRIES - len(entries))):
            budget.check()
            entries.append(decode(resp["entries"][i]))
        handle = resp["entry_handle"]
        if handle.isNull():
            return entries, None
        if len(entries) >= MAX_ENTRIES:
            return entries, f"the endpoint mapper did not end its list after {MAX_ENTRIES} entries"
    return entries, f"the endpoint mapper did not end its list after {MAX_PAGES} pages"


def _lookup_request(handle, count: int):
    request = epm.ept_lookup()
    request["inquiry_type"] = epm.RPC_C_EP_ALL_ELTS
    request["object"] = epm.NULL
    request["Ifid"] = epm.NULL
    request["vers_option"] = epm.RPC_C_VERS_ALL
    request["entry_handle"] = handle
    request["max_ents"] = count
    return request


def decode_entry(entry: Any) -> dict[str, Any]:
    """One entry of an ept_lookup answer as the probes keep it: its tower parsed, then described."""
    return describe({"annotation": b"".join(entry["annotation"]),
                     "tower": epm.EPMTower(b"".join(entry["tower"]["tower_octet_string"]))})


def describe(entry: dict[str, Any]) -> dict[str, Any]:
    tower = entry["tower"]
    uuid_version = bin_to_string(tower["Floors"][0]["InterfaceUUID"]).lower()
    binding = clean(epm.PrintStringBinding(tower["Floors"]), 200)  # a host floor may carry any text
    protocol = binding.split(":", 1)[0]
    port = port_of(binding) if "[" in binding and protocol in ("ncacn_ip_tcp", "ncacn_http") else None
    uuid = uuid_version[:36]
    # the server's own words: printed in tables and tickets, so through the one sanitiser
    annotation = clean(entry["annotation"].rstrip(b"\x00").decode("latin-1"), 64)
    return {"uuid": uuid, "name": interface_name(uuid) or annotation, "annotation": annotation,
            "protocol": protocol, "binding": binding, "port": port}


def epm_transports(session: Session, address: str | None, interface: str | None = None,
                   decode: Decode | None = None) -> ProbeResult:
    """The protocols the endpoint mapper lists the interface on. Document 002: an endpoint that could not be
    created leaves the interface on named pipes (ncacn_np) but not on ncacn_ip_tcp. `decode`: as epm_lookup."""
    uuid = (interface or DRS_UUID).lower()
    name = interface_name(uuid)  # "": the verdict names it from the list or our table
    blocked = _blocked(session, address)
    if blocked:
        return ProbeResult("epm_transports", blocked.outcome, blocked.summary, blocked.evidence)
    return verdicts.epm_transports(_listing(session, address, decode), uuid, name).result("epm_transports")
