"""Read-only remote registry: HKLM\\Software\\Microsoft\\Rpc\\Internet over the winreg pipe.

The values are judged by the same rules as a pasted `reg query` (wizard.parsers.rpcports).
"""

from __future__ import annotations

from impacket.dcerpc.v5 import rrp, transport

from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.parsers import RPC_INTERNET_ABSENT, evaluate_rpc_ports
from wizard.probes.base import LISTENING, Session

RPC_INTERNET = r"Software\Microsoft\Rpc\Internet"
VALUES = ("Ports", "PortsInternetAvailable", "UseInternetPorts")
ERROR_FILE_NOT_FOUND = 2


def _text(data: object) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-16-le", "replace")
    return str(data)


def read_rpc_internet(session: Session, address: str) -> dict[str, object] | None:
    """The three values (Ports as a list), or None when the key does not exist."""
    creds = session.credentials
    rpc = transport.DCERPCTransportFactory(rf"ncacn_np:{address}[\pipe\winreg]")
    rpc.set_connect_timeout(session.timeout)
    rpc.set_credentials(creds.username, creds.password, creds.domain)
    if creds.ccache:
        rpc.set_kerberos(True, kdcHost=None)
    dce = rpc.get_dce_rpc()
    dce.connect()
    try:
        dce.bind(rrp.MSRPC_UUID_RRP)
        root = rrp.hOpenLocalMachine(dce, samDesired=rrp.KEY_READ)["phKey"]
        try:
            key = rrp.hBaseRegOpenKey(dce, root, RPC_INTERNET, samDesired=rrp.KEY_READ)["phkResult"]
        except rrp.DCERPCSessionError as exc:
            if exc.get_error_code() == ERROR_FILE_NOT_FOUND:
                return None
            raise
        values: dict[str, object] = {}
        for name in VALUES:
            try:
                _, data = rrp.hBaseRegQueryValue(dce, key, name)
            except rrp.DCERPCSessionError:
                continue
            text = _text(data)
            values[name] = [p for p in text.split("\x00") if p] if name == "Ports" else text.strip("\x00")
        return values
    finally:
        dce.disconnect()


def rpc_port_config(session: Session, address: str | None) -> ProbeResult:
    if not address:
        return ProbeResult("rpc_port_config", ERROR, "No address to read the registry of.")
    if not session.credentials:
        return ProbeResult("rpc_port_config", SKIPPED,
                           "No credentials: the RPC port configuration in the registry was not read.")
    state, detail = session.known_dead(address, 445) or session.port_state(address, 445)
    if state != LISTENING:
        return ProbeResult("rpc_port_config", ERROR, f"Remote registry needs SMB (TCP 445): {state} ({detail}).")
    values = read_rpc_internet(session, address)
    if values is None:
        return ProbeResult("rpc_port_config", "default", RPC_INTERNET_ABSENT, {"key": "absent"})
    outcome, why = evaluate_rpc_ports(values.get("Ports"), values.get("PortsInternetAvailable"),
                                      values.get("UseInternetPorts"))
    return ProbeResult("rpc_port_config", outcome, why, {"key": "present", "values": values})
