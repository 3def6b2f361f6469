"""The lab's Windows-like registry values, in each Samba's own registry (what the winreg pipe serves).

Written with `net registry import`: `net registry setvalue ... multi_sz` stores the value's name as its
data in Samba 4.17, and Samba's .reg parser drops a last line not followed by a blank one.
"""

from __future__ import annotations

from wizard.lab.provision import smb_conf
from wizard.lab.runner import netns_argv, run
from wizard.lab.topology import DC1, DC2, EXCH1, STATE_DIR, HostSpec

RPC_INTERNET = "HKLM\\Software\\Microsoft\\Rpc\\Internet"
CLIENT_PROTOCOLS = "HKLM\\Software\\Microsoft\\Rpc\\ClientProtocols"
RPC_PROXY = "HKLM\\Software\\Microsoft\\Rpc\\RpcProxy"
NTDS_PARAMETERS = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters"
FIXED_PORT_VALUE = "TCP/IP Port"
# Document 000's five defaults.
CLIENT_PROTOCOL_NAMES = ("ncacn_http", "ncacn_ip_tcp", "ncacn_nb_tcp", "ncacn_np", "ncacn_ip_udp")


def net_registry(spec: HostSpec, *args: str, check: bool = True) -> int:
    proc = run(netns_argv(spec.netns, ["net", "-s", str(smb_conf(spec)), "registry", *args]), timeout=30,
               check=check, log_file=STATE_DIR / "faults.log")
    return proc.returncode


def _reg_multi_sz(text: str) -> str:
    """REG_MULTI_SZ data as a .reg file spells it: UTF-16LE bytes with the double terminator."""
    return "hex(7):" + ",".join(f"{b:02x}" for b in (text + "\0\0").encode("utf-16-le"))


def _import(spec: HostSpec, key: str, values: dict[str, str]) -> None:
    """Set `values` (already in .reg spelling) under `key` on `spec`."""
    lines = [f'"{name}"={data}' for name, data in values.items()]
    reg = spec.dir / "import.reg"
    reg.write_text("Windows Registry Editor Version 5.00\n\n" + f"[{key}]\n" + "\n".join(lines) + "\n\n")
    net_registry(spec, "import", str(reg))


def delete_key(spec: HostSpec, key: str) -> None:
    if net_registry(spec, "enumerate", key, check=False) == 0:
        net_registry(spec, "deletekey_recursive", key)


def delete_value(spec: HostSpec, key: str, name: str) -> None:
    net_registry(spec, "deletevalue", key, name, check=False)


def set_rpc_ports(ports: str) -> None:
    _import(DC2, RPC_INTERNET, {"Ports": _reg_multi_sz(ports), "PortsInternetAvailable": '"Y"',
                                "UseInternetPorts": '"Y"'})


def set_client_protocols(hosts: tuple[HostSpec, ...] = (DC1, DC2)) -> None:
    for spec in hosts:
        _import(spec, CLIENT_PROTOCOLS, {name: '"rpcrt4.dll"' for name in CLIENT_PROTOCOL_NAMES})


def set_fixed_port(port: int | None) -> None:
    if port is None:
        delete_value(DC2, NTDS_PARAMETERS, FIXED_PORT_VALUE)
    else:
        _import(DC2, NTDS_PARAMETERS, {FIXED_PORT_VALUE: f"dword:{port:08x}"})


def valid_ports_value(spec: HostSpec = EXCH1) -> str:
    """Both names of the mailbox server for each RPC over HTTP port, as Exchange 2007 writes it."""
    names = (spec.netbios, spec.fqdn)
    return ";".join(f"{n}:{p}" for p in ("6001-6002", "6004") for n in names)


def set_valid_ports() -> None:
    _import(EXCH1, RPC_PROXY, {"ValidPorts": f'"{valid_ports_value()}"'})
