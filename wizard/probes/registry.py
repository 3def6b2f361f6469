"""Read-only registry checks: Rpc\\Internet, Rpc\\ClientProtocols, Rpc\\RpcProxy ValidPorts and the NTDS
fixed port. Remotely over the winreg pipe; with the standard library's winreg when the wizard runs on
Windows and the computer meant is this one.

Signing in follows wizard.probes.trust: the host meant at an address is `expected`, or the one the
identity check was asked about there in this session; with neither, or one that did not match (a
password, NTLM), nothing is sent, and the probe is skipped and says what to run by hand. A key that
does not exist is a fact (None: "defaults in force"), not an error. The values are judged by the same
verdicts as a pasted `reg query` (wizard.verdicts.registry).
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.probes.session import Session
from wizard.probes.signin import Permit, by_hand, sign_in
from wizard.probes.smb import close_quietly, smb_connection
from wizard.probes.trust import permit
from wizard.verdicts import registry as verdicts
from wizard.verdicts.ports import LISTENING
from wizard.verdicts.registry import INTERNET_VALUES, FixedPortRead, RegistryKey, ValidPortsRead, listed
from wizard.verdicts.registry_rules import EXCHANGE_PORTS, dynamic_range

RPC_INTERNET = r"Software\Microsoft\Rpc\Internet"
CLIENT_PROTOCOLS = r"Software\Microsoft\Rpc\ClientProtocols"
RPC_PROXY = r"Software\Microsoft\Rpc\RpcProxy"
NTDS_PARAMETERS = r"SYSTEM\CurrentControlSet\Services\NTDS\Parameters"
MAX_VALUES = 64  # a key with more values than this is not read further
ERROR_FILE_NOT_FOUND = 2
ERROR_NO_MORE_ITEMS = 259

Values = dict[str, object]
Keys = dict[str, tuple[str, ...] | None]  # key -> the values to read (None: all of them)


@dataclass(frozen=True)
class Target:
    """Where a registry or service check reads: an address and the host meant there, or this computer."""
    address: str | None
    host: str | None
    local: bool = False


def target_of(session: Session, probe: str, address: str | None, expected: str | None,
              dns_servers: list[str] | None) -> Target | ProbeResult:
    """This computer (on Windows, nothing named or this computer named), else the address given or
    the one `expected` resolves to; a ProbeResult says why neither works."""
    if is_this_computer(address, expected):
        return Target(None, expected, local=True)
    if not address and not expected:
        return ProbeResult(probe, ERROR, "No computer to read: give address= or expected=.")
    if not address:
        from wizard.probes.dns import address_of  # dnspython only when a name has to be resolved

        address = address_of(session, expected, dns_servers)
        if not address:
            return ProbeResult(probe, SKIPPED, f"{expected} does not resolve: nothing was read.", {"host": expected})
    return Target(address, expected or session.host_at(address))


def is_this_computer(address: str | None, expected: str | None) -> bool:
    if sys.platform != "win32" or address:
        return False
    me = socket.gethostname().lower()
    return not expected or expected.lower().split(".")[0] == me.split(".")[0]


def signed_in(session: Session, probe: str, target: Target) -> Permit | ProbeResult:
    """How to sign in to `target` (Permit), or a ProbeResult saying why the check is not run there."""
    if not session.credentials:
        return ProbeResult(probe, SKIPPED, "No credentials (--user): the registry was not read. Run by hand: "
                           f"{by_hand(probe, {'address': target.address})}")
    signed = _permit(session, target)
    if not signed.how:
        return ProbeResult(probe, SKIPPED, f"Not read: {signed.why}. Run by hand on the computer: "
                           f"{by_hand(probe, {'address': target.address})}", {"credentials": "not sent"})
    state, detail = session.known_dead(target.address, 445) or session.port_state(target.address, 445)
    if state != LISTENING:
        return ProbeResult(probe, ERROR, f"Reading it remotely needs SMB (TCP 445) on {target.address}: {state} "
                           f"({detail}).")
    return signed


def checked_target(session: Session, probe: str, address: str | None, expected: str | None,
                    dns_servers: list[str] | None) -> tuple[Target, Permit] | ProbeResult:
    """Where a remote check goes and how it signs in there, or why it is not run."""
    target = target_of(session, probe, address, expected, dns_servers)
    if isinstance(target, ProbeResult):
        return target
    if target.local:
        return target, Permit(None, "this computer")
    signed = signed_in(session, probe, target)
    return signed if isinstance(signed, ProbeResult) else (target, signed)


def _permit(session: Session, target: Target) -> Permit:
    if target.host:
        return permit(session, target.address, target.host)
    return Permit(None, f"no identity check in this run said which computer answers at {target.address}, so the "
                        "credentials were not sent there (give expected=, or a diagnosis checks identity first)")


def over_pipe(session: Session, target: Target, pipe: str, work: Callable[[Any], Any], signed: Permit) -> Any:
    """Run `work(dce)` on a named pipe of `target`, signed in as `signed` allows."""
    from impacket.dcerpc.v5 import transport

    conn = smb_connection(session, target.address, target.host)
    try:
        sign_in(session, conn, signed, f"cifs/{target.host}")
        dce = transport.SMBTransport(target.address, filename=pipe, smb_connection=conn).get_dce_rpc()
        dce.connect()
        return work(dce)
    finally:
        close_quietly(conn)


def _remote_keys(dce, keys: Keys) -> dict[str, Values | None]:
    from impacket.dcerpc.v5 import rrp

    dce.bind(rrp.MSRPC_UUID_RRP)
    root = rrp.hOpenLocalMachine(dce, samDesired=rrp.KEY_READ)["phKey"]
    found: dict[str, Values | None] = {}
    for key, names in keys.items():
        try:
            handle = rrp.hBaseRegOpenKey(dce, root, key, samDesired=rrp.KEY_READ)["phkResult"]
        except rrp.DCERPCSessionError as exc:
            if exc.get_error_code() != ERROR_FILE_NOT_FOUND:
                raise
            found[key] = None
            continue
        found[key] = _named_values(dce, handle, names) if names else _all_values(dce, handle)
    return found


def _named_values(dce, handle, names: tuple[str, ...]) -> Values:
    from impacket.dcerpc.v5 import rrp

    values: Values = {}
    for name in names:
        try:
            kind, data = rrp.hBaseRegQueryValue(dce, handle, name)
        except rrp.DCERPCSessionError:
            continue  # a value that is not there
        values[name] = _plain(kind, data)
    return values


def _all_values(dce, handle) -> Values:
    from impacket.dcerpc.v5 import rrp

    values: Values = {}
    for index in range(MAX_VALUES):
        try:
            resp = rrp.hBaseRegEnumValue(dce, handle, index)
        except rrp.DCERPCSessionError as exc:
            if exc.get_error_code() == ERROR_NO_MORE_ITEMS:
                break
            raise
        name = resp["lpValueNameOut"].rstrip("\x00")
        size = resp["lpcbData"]
        values[name] = _plain(resp["lpType"], rrp.unpackValue(resp["lpType"], resp["lpData"][:size]))
    return values


REG_MULTI_SZ = 7


def _plain(kind: int, data: object) -> object:
    """REG_SZ as text, REG_MULTI_SZ as a list of text, REG_DWORD as an int, anything else as bytes."""
    if isinstance(data, bytes):
        data = data.decode("utf-16-le", "replace") if kind == REG_MULTI_SZ else data
    if isinstance(data, str):
        return [p for p in data.split("\x00") if p] if kind == REG_MULTI_SZ else data.rstrip("\x00")
    return data


def _local_values(key: str, names: tuple[str, ...] | None) -> Values | None:
    import winreg  # Windows only: this computer's own registry

    try:
        handle = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key, 0, winreg.KEY_READ)
    except FileNotFoundError:
        return None
    with handle:
        values: Values = {}
        for index in range(MAX_VALUES):
            try:
                name, data, _ = winreg.EnumValue(handle, index)
            except OSError:
                break
            if names is None or name in names:
                values[name] = [p for p in data if p] if isinstance(data, list) else data
        return values


def _checked(session: Session, probe: str, address: str | None, expected: str | None,
             dns_servers: list[str] | None, keys: Keys) -> tuple[Target, dict[str, Values | None]] | ProbeResult:
    """Each key's values (None: the key does not exist) and where they were read, or why nothing was."""
    got = checked_target(session, probe, address, expected, dns_servers)
    if isinstance(got, ProbeResult):
        return got
    target, signed = got
    if target.local:
        return target, {key: _local_values(key, names) for key, names in keys.items()}
    return target, over_pipe(session, target, r"\winreg", lambda dce: _remote_keys(dce, keys), signed)


def _where(target: Target) -> str:
    return "this computer" if target.local else (target.host or target.address or "")


def rpc_port_config(session: Session, address: str | None = None, expected: str | None = None,
                    dns_servers: list[str] | None = None) -> ProbeResult:
    """The Rpc\\Internet values (document 003): default, valid, too small (< 100 ports) or invalid (error 87)."""
    got = _checked(session, "rpc_port_config", address, expected, dns_servers, {RPC_INTERNET: INTERNET_VALUES})
    if isinstance(got, ProbeResult):
        return got
    target, found = got
    return verdicts.rpc_port_config(RegistryKey(_where(target), found[RPC_INTERNET])).result("rpc_port_config")


def client_protocols(session: Session, address: str | None = None, expected: str | None = None,
                     dns_servers: list[str] | None = None) -> ProbeResult:
    """Rpc\\ClientProtocols on the RPC client (document 000): its five default values."""
    got = _checked(session, "client_protocols", address, expected, dns_servers, {CLIENT_PROTOCOLS: None})
    if isinstance(got, ProbeResult):
        return got
    target, found = got
    return verdicts.client_protocols(RegistryKey(_where(target), found[CLIENT_PROTOCOLS])).result("client_protocols")


def valid_ports(session: Session, server: str | None, address: str | None = None, expected: str | None = None,
                ports: list[int | str] | None = None, dns_servers: list[str] | None = None) -> ProbeResult:
    """The RPC proxy's ValidPorts (document 004): `server`'s NetBIOS name and FQDN for each port."""
    if not server:
        return ProbeResult("valid_ports", ERROR, "No mailbox server named (server=).")
    from wizard.probes.ports import parse_ports

    wanted = parse_ports(ports) if ports else list(EXCHANGE_PORTS)
    if not wanted:
        return ProbeResult("valid_ports", ERROR, f"No port to look for in ValidPorts (ports={ports!r}).")
    got = _checked(session, "valid_ports", address, expected or (None if address else server), dns_servers,
                   {RPC_PROXY: ("ValidPorts", "ValidPorts_Exchange")})
    if isinstance(got, ProbeResult):
        return got
    target, found = got
    seen = ValidPortsRead(RegistryKey(_where(target), found[RPC_PROXY]), server, tuple(wanted))
    return verdicts.valid_ports(seen).result("valid_ports")


def ntds_port(session: Session, address: str | None = None, expected: str | None = None,
              dynamic_range: str | None = None, dns_servers: list[str] | None = None) -> ProbeResult:
    """The directory service's fixed port (NTDS Parameters "TCP/IP Port"): taken by another process
    (document 002), outside the dynamic range (document 000, KB 224196), or fine."""
    got = _checked(session, "ntds_port", address, expected, dns_servers,
                   {NTDS_PARAMETERS: ("TCP/IP Port",), RPC_INTERNET: INTERNET_VALUES})
    if isinstance(got, ProbeResult):
        return got
    target, found = got
    port = (found[NTDS_PARAMETERS] or {}).get("TCP/IP Port")
    low, high, source = _range(found[RPC_INTERNET], dynamic_range)
    listening, drs_port = False, None
    if isinstance(port, int) and 0 < port < 65536 and target.address:
        listening = session.port_state(target.address, port)[0] == LISTENING
        drs_port = _drs_port(session, target.address, port) if listening else None
    seen = FixedPortRead(_where(target), port, low, high, source, listening, drs_port)
    return verdicts.ntds_port(seen).result("ntds_port")


def _drs_port(session: Session, address: str, port: int) -> int | None:
    """The TCP port the endpoint mapper gives DRS: is it the directory service that holds `port`?"""
    from wizard.probes.epm import epm_transports

    listed = epm_transports(session, address).evidence.get("tcp_ports") or []
    return port if port in listed else (listed[0] if listed else None)


def _range(internet: Values | None, given: str | None) -> tuple[int, int, str]:
    ports = listed((internet or {}).get("Ports"))
    use = str((internet or {}).get("UseInternetPorts", "")).upper() == "Y"
    return dynamic_range(ports if use else None, given)
