"""What a raw client sees, with dnspython and impacket used directly (not the project's probes).

Every call is bounded by a short timeout. Callers must already be inside the lab's client
namespace: lab addresses must never be reached from the machine's own namespace.
"""

from __future__ import annotations

import errno
import socket

import dns.exception
import dns.rcode
import dns.resolver
from impacket.dcerpc.v5 import epm, rrp, transport
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.smbconnection import SMBConnection
from impacket.uuid import uuidtup_to_bin
from machine_speed import busy_timeout

from wizard.lab import BRIDGE
from wizard.lab.netns import current_has_link

TIMEOUT = busy_timeout(3.0)  # Samba's SMB and RPC answers come late on a busy machine
DRS = ("e3514235-4b06-11d1-ab04-00c04fc2dcd2", "4.0")
SAMR = ("12345778-1234-abcd-ef00-0123456789ac", "1.0")
EPT_S_NOT_REGISTERED = 0x16C9A0D6


def assert_in_client_netns() -> None:
    assert current_has_link(BRIDGE), "not inside the lab's client namespace: refusing to send lab traffic"


def resolver(dns_servers: list[str]) -> dns.resolver.Resolver:
    res = dns.resolver.Resolver(configure=False)
    res.nameservers = list(dns_servers)
    res.lifetime = TIMEOUT
    return res


def dns_answers(dns_servers: list[str], name: str, rdtype: str) -> list[str] | str:
    """Answers as lowercase text without the final dot, or 'NXDOMAIN' / 'NOANSWER'."""
    assert_in_client_netns()
    try:
        answer = resolver(dns_servers).resolve(name, rdtype)
    except dns.resolver.NXDOMAIN:
        return "NXDOMAIN"
    except dns.resolver.NoAnswer:
        return "NOANSWER"
    return sorted(r.to_text().rstrip(".").lower() for r in answer)


def tcp_connect(address: str, port: int, timeout: float = TIMEOUT) -> str:
    """'open', 'refused', 'timeout' or 'unreachable'."""
    assert_in_client_netns()
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return "open"
    except ConnectionRefusedError:
        return "refused"
    except TimeoutError:
        return "timeout"
    except OSError as exc:
        if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return "unreachable"
        raise


def _epm_dce(address: str):
    rpc = transport.DCERPCTransportFactory(f"ncacn_ip_tcp:{address}[135]")
    rpc.set_connect_timeout(TIMEOUT)
    dce = rpc.get_dce_rpc()
    dce.connect()  # hept_map binds to the endpoint mapper itself
    return dce


def ept_map(address: str, interface: tuple[str, str] = DRS) -> str | int:
    """The string binding the endpoint mapper gives for `interface`, or its error code."""
    assert_in_client_netns()
    dce = _epm_dce(address)
    try:
        return epm.hept_map(address, uuidtup_to_bin(interface), protocol="ncacn_ip_tcp", dce=dce)
    except DCERPCException as exc:
        if exc.get_error_code() is None:
            raise
        return exc.get_error_code()
    finally:
        dce.disconnect()


def ntlm_server_name(address: str) -> str:
    """The NetBIOS name the SMB server gives in its NTLM challenge to an anonymous session."""
    assert_in_client_netns()
    conn = SMBConnection(address, address, sess_port=445, timeout=TIMEOUT)
    try:
        try:
            conn.login("", "")
        except Exception:  # anonymous may be refused; the challenge has named the server already
            pass
        return conn.getServerName().upper()
    finally:
        try:
            conn.close()
        except Exception:
            pass


def registry_values(address: str, domain: str, user: str, password: str, key: str,
                    names: tuple[str, ...] | None = None) -> dict[str, object] | None:
    """Values under HKLM\\<key> over the winreg pipe (all of them, or `names`); None if no key."""
    assert_in_client_netns()
    rpc = transport.DCERPCTransportFactory(f"ncacn_np:{address}[\\pipe\\winreg]")
    rpc.set_connect_timeout(TIMEOUT)
    rpc.set_credentials(user, password, domain)
    dce = rpc.get_dce_rpc()
    dce.connect()
    try:
        dce.bind(rrp.MSRPC_UUID_RRP)
        hklm = rrp.hOpenLocalMachine(dce)["phKey"]
        try:
            handle = rrp.hBaseRegOpenKey(dce, hklm, key)["phkResult"]
        except rrp.DCERPCSessionError as exc:
            if exc.get_error_code() == 2:  # ERROR_FILE_NOT_FOUND
                return None
            raise
        if names is None:
            names = tuple(_value_names(dce, handle))
        values = {}
        for name in names:
            try:
                _type, data = rrp.hBaseRegQueryValue(dce, handle, name)
            except rrp.DCERPCSessionError:
                continue
            values[name] = data
        return values
    finally:
        dce.disconnect()


def _value_names(dce, handle) -> list[str]:
    names = []
    for index in range(64):
        try:
            names.append(rrp.hBaseRegEnumValue(dce, handle, index)["lpValueNameOut"].rstrip("\x00"))
        except rrp.DCERPCSessionError:
            return names
    return names


def rpc_internet_values(address: str, domain: str, user: str, password: str) -> dict[str, object] | None:
    """Values under HKLM\\Software\\Microsoft\\Rpc\\Internet; None if no key."""
    return registry_values(address, domain, user, password, "Software\\Microsoft\\Rpc\\Internet",
                           ("Ports", "PortsInternetAvailable", "UseInternetPorts"))
