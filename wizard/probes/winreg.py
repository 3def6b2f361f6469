"""Read-only remote registry: HKLM\\Software\\Microsoft\\Rpc\\Internet over the winreg pipe.

The values are judged by the same rules as a pasted `reg query` (wizard.parsers.rpcports). Signing
in follows wizard.probes.trust; the probe is given only an address, so the host meant there is the
one the identity check was asked about at that address in this session. With none, or one that did
not match (a password, NTLM), nothing is sent: the probe is skipped and says what to run by hand.
"""

from __future__ import annotations

from impacket.dcerpc.v5 import rrp, transport

from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.parsers import RPC_INTERNET_ABSENT, evaluate_rpc_ports
from wizard.probes.base import LISTENING, Session
from wizard.probes.smb import close_quietly, smb_connection
from wizard.probes.trust import Permit, by_hand, permit, sign_in

RPC_INTERNET = r"Software\Microsoft\Rpc\Internet"
VALUES = ("Ports", "PortsInternetAvailable", "UseInternetPorts")
ERROR_FILE_NOT_FOUND = 2


def _text(data: object) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-16-le", "replace")
    return str(data)


def _signed_in(session: Session, address: str, host: str, signed: Permit):
    conn = smb_connection(session, address, host)
    try:
        sign_in(session, conn, signed, f"cifs/{host}")
    except BaseException:
        close_quietly(conn)
        raise
    return conn


def read_rpc_internet(session: Session, address: str, host: str, signed: Permit) -> dict[str, object] | None:
    """The three values (Ports as a list), or None when the key does not exist."""
    conn = _signed_in(session, address, host, signed)
    dce = transport.SMBTransport(address, filename=r"\winreg", smb_connection=conn).get_dce_rpc()
    try:
        dce.connect()
        dce.bind(rrp.MSRPC_UUID_RRP)
        return _values(dce)
    finally:
        close_quietly(conn)


def _values(dce) -> dict[str, object] | None:
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


def rpc_port_config(session: Session, address: str | None, expected: str | None = None) -> ProbeResult:
    """The Rpc\\Internet values, signed in only where the computer at `address` is known to be `expected`
    (or, without it, the host an identity check this run found there)."""
    if not address:
        return ProbeResult("rpc_port_config", ERROR, "No address to read the registry of.")
    if not session.credentials:
        return ProbeResult("rpc_port_config", SKIPPED,
                           "No credentials: the RPC port configuration in the registry was not read.")
    host = expected or session.host_at(address)
    signed = permit(session, address, host) if host else Permit(
        None, f"no identity check in this run said which computer answers at {address}, so the credentials were "
              "not sent there (a diagnosis checks identity before this step)")
    if not signed.how:
        return ProbeResult("rpc_port_config", SKIPPED, f"Not read: {signed.why}. Run by hand on the DC: "
                           f"{by_hand('rpc_port_config', {'address': address})}", {"credentials": "not sent"})
    state, detail = session.known_dead(address, 445) or session.port_state(address, 445)
    if state != LISTENING:
        return ProbeResult("rpc_port_config", ERROR, f"Remote registry needs SMB (TCP 445): {state} ({detail}).")
    values = read_rpc_internet(session, address, host, signed)
    if values is None:
        return ProbeResult("rpc_port_config", "default", RPC_INTERNET_ABSENT, {"key": "absent"})
    outcome, why = evaluate_rpc_ports(values.get("Ports"), values.get("PortsInternetAvailable"),
                                      values.get("UseInternetPorts"))
    return ProbeResult("rpc_port_config", outcome, why, {"key": "present", "values": values})
