"""Endpoint-mapper probes over ncacn_ip_tcp:ADDRESS[135], with timeouts impacket does not set itself."""

from __future__ import annotations

from typing import Any

from impacket.dcerpc.v5 import epm, transport
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import bin_to_string, uuidtup_to_bin

from wizard.engine.catalog import DRS_UUID
from wizard.engine.results import ERROR, ProbeResult
from wizard.probes.base import FILTERED, NOT_LISTENING, UNREACHABLE, Session

EPT_S_NOT_REGISTERED = 0x16C9A0D6
_STATE_OUTCOME = {FILTERED: "filtered", NOT_LISTENING: "refused", UNREACHABLE: "unreachable"}


def interface_name(uuid: str) -> str:
    """A readable name for an interface UUID: portqry's for DRS, else impacket's protocol or provider table."""
    if uuid.lower() == DRS_UUID:
        return "MS NT Directory DRS Interface"  # portqry's wording, as quoted in document 000
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
    if state in _STATE_OUTCOME:
        return ProbeResult("", _STATE_OUTCOME[state], f"TCP 135 on {address}: {state} ({detail}).",
                           {"address": address, "port_135": state, "detail": detail})
    return None


def _connect(session: Session, address: str):
    rpc = transport.DCERPCTransportFactory(f"ncacn_ip_tcp:{address}[135]")
    rpc.set_connect_timeout(session.timeout)
    dce = rpc.get_dce_rpc()
    dce.connect()
    dce.get_rpc_transport().get_socket().settimeout(session.timeout)  # a host that accepts and never answers
    return dce


def epm_map(session: Session, address: str | None, interface: str | None = None) -> ProbeResult:
    uuid = (interface or DRS_UUID).lower()
    name = interface_name(uuid) or uuid
    blocked = _blocked(session, address)
    if blocked:
        return blocked
    dce = _connect(session, address)
    try:
        binding = epm.hept_map(address, uuidtup_to_bin((uuid, "4.0" if uuid == DRS_UUID else "1.0")),
                               protocol="ncacn_ip_tcp", dce=dce)
    except DCERPCException as exc:
        if exc.get_error_code() == EPT_S_NOT_REGISTERED:
            return ProbeResult("epm_map", "not-registered",
                               f"The endpoint mapper at {address} answered: {name} is not registered "
                               "(EPT_S_NOT_REGISTERED, 1753 / 0x6d9).",
                               {"address": address, "interface": uuid, "status": hex(EPT_S_NOT_REGISTERED)})
        raise
    finally:
        dce.disconnect()
    port = int(binding.rsplit("[", 1)[1].rstrip("]"))
    return ProbeResult("epm_map", "registered", f"{name} is registered at {address} on TCP {port}.",
                       {"address": address, "interface": uuid, "binding": binding, "port": port},
                       {"endpoint_port": port})


def epm_lookup(session: Session, address: str | None) -> ProbeResult:
    blocked = _blocked(session, address)
    if blocked:
        return blocked
    dce = _connect(session, address)
    try:
        entries = lookup_all(dce)
    finally:
        dce.disconnect()
    endpoints = [describe(entry) for entry in entries]
    tcp_ports = sorted({e["port"] for e in endpoints if e["protocol"] == "ncacn_ip_tcp" and e.get("port")})
    evidence = {"address": address, "endpoints": endpoints, "tcp_ports": tcp_ports}
    if not endpoints:
        return ProbeResult("epm_lookup", "empty", f"The endpoint mapper at {address} lists nothing.",
                           evidence, {"endpoints": []})
    return ProbeResult("epm_lookup", "listed",
                       f"{len(endpoints)} endpoints registered at {address}; TCP ports {tcp_ports or 'none'}.",
                       evidence, {"endpoints": endpoints})


def lookup_all(dce) -> list[dict[str, Any]]:
    """ept_lookup in pages. Samba ends the list with EPT_S_NOT_REGISTERED instead of a null handle."""
    dce.bind(epm.MSRPC_UUID_PORTMAP)
    entries: list[dict[str, Any]] = []
    handle = epm.ept_lookup_handle_t()
    for _ in range(100):  # a bound on a server that never ends its list
        request = epm.ept_lookup()
        request["inquiry_type"] = epm.RPC_C_EP_ALL_ELTS
        request["object"] = epm.NULL
        request["Ifid"] = epm.NULL
        request["vers_option"] = epm.RPC_C_VERS_ALL
        request["entry_handle"] = handle
        request["max_ents"] = 500
        try:
            resp = dce.request(request)
        except DCERPCException as exc:
            if exc.get_error_code() == EPT_S_NOT_REGISTERED:
                break
            raise
        for i in range(resp["num_ents"]):
            entry = resp["entries"][i]
            entries.append({"annotation": b"".join(entry["annotation"]),
                            "tower": epm.EPMTower(b"".join(entry["tower"]["tower_octet_string"]))})
        handle = resp["entry_handle"]
        if handle.isNull():
            break
    return entries


def describe(entry: dict[str, Any]) -> dict[str, Any]:
    tower = entry["tower"]
    uuid_version = bin_to_string(tower["Floors"][0]["InterfaceUUID"]).lower()
    binding = epm.PrintStringBinding(tower["Floors"])
    protocol = binding.split(":", 1)[0]
    port = None
    if "[" in binding and protocol in ("ncacn_ip_tcp", "ncacn_http"):
        try:
            port = int(binding.rsplit("[", 1)[1].rstrip("]"))
        except ValueError:
            port = None
    uuid = uuid_version[:36]
    annotation = entry["annotation"].rstrip(b"\x00").decode("latin-1")
    return {"uuid": uuid, "name": interface_name(uuid) or annotation, "annotation": annotation,
            "protocol": protocol, "binding": binding, "port": port}
