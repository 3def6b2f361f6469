"""The faults the lab can inject into a healthy domain, and how each is undone.

Every fault changes one thing on a running lab (a DNS record, a firewall rule, a daemon's
options, a registry key, a link) so that it can be applied and healed without rebuilding the domain.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from wizard.lab import dnsrecords, hostfiles, manydcs, netns, services, state
from wizard.lab.provision import smb_conf
from wizard.lab.runner import LabError, netns_argv, run
from wizard.lab.topology import DC1, DC2, EXCHANGE_PORTS, MEMBER1, STATE_DIR

FAULTS: dict[str, str] = {
    "ds-stopped": "DC2's endpoint mapper has no DRS (directory replication) interface; the rest answers",
    "stale-a-record": "DC2's A record points at MEMBER1",
    "a-record-other-dc": "DC2's A record points at DC1",
    "stale-cname": "DC2's <guid>._msdcs CNAME carries a GUID that is not its NTDS Settings objectGUID",
    "hosts-entry": "the client's hosts file maps DC2's name to MEMBER1's address",
    "no-dns-record": "DC2 has no A record",
    "epm-blocked": "DC2 silently drops TCP 135 (connects time out)",
    "epm-refused": "DC2 answers TCP 135 with a reset (connects are refused)",
    "dynamic-blocked": "DC2 drops new connections to its dynamic RPC range 49152-65535; 135 answers",
    "port-range-small": "DC2's registry has Rpc\\Internet Ports=5000-5010 (fewer than 100 ports)",
    "exchange-ports-closed": "EXCH1 listens on none of 6001/6002/6004",
    "exchange-6004-closed": "EXCH1 listens on 6001 and 6002 but not 6004",
    "dc-down": "DC2's network link is down",
    "many-dcs": "30 more DCs in DNS (SRV, _msdcs CNAME, A), none real: 20 drop packets, 5 refuse, 5 are MEMBER1",
}

RPC_INTERNET_KEY = "HKLM\\Software\\Microsoft\\Rpc\\Internet"
DYNAMIC_RANGE = "49152:65535"


def _dc2_guid() -> str:
    return (state.load() or {})["guids"]["DC2"]


def _fake_guid() -> str:
    """A GUID that is no DC's, kept in the state so that heal removes the very record it added."""
    current = state.load() or {}
    if not current.get("fake_guid"):
        current = state.update(fake_guid=str(uuid.uuid4()))
    return current["fake_guid"]


def _iptables(*args: str) -> None:
    run(netns_argv(DC2.netns, ["iptables", "-w", *args]), timeout=15, log_file=STATE_DIR / "faults.log")


def _drop_or_reject(ports: str, reject: bool, syn_only: bool = False) -> None:
    rule = ["-A", "INPUT", "-p", "tcp", "--dport", ports]
    if syn_only:  # only new connections: DC2's own outgoing connections still get their replies
        rule.append("--syn")
    rule += ["-j", "REJECT", "--reject-with", "tcp-reset"] if reject else ["-j", "DROP"]
    _iptables(*rule)


def _flush_firewall() -> None:
    _iptables("-F", "INPUT")


def _net_registry(*args: str) -> None:
    run(netns_argv(DC2.netns, ["net", "-s", str(smb_conf(DC2)), "registry", *args]), timeout=30,
        log_file=STATE_DIR / "faults.log")


def _reg_hex(text: str) -> str:
    """REG_MULTI_SZ data as a .reg file spells it: UTF-16LE bytes with the double terminator."""
    return ",".join(f"{b:02x}" for b in (text + "\0\0").encode("utf-16-le"))


def _small_port_range() -> None:
    # `net registry setvalue ... multi_sz` stores the value's name as its data in Samba 4.17: import.
    reg = DC2.dir / "rpc-internet.reg"
    reg.write_text(
        "Windows Registry Editor Version 5.00\n\n"
        "[HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Rpc\\Internet]\n"
        f'"Ports"=hex(7):{_reg_hex("5000-5010")}\n'
        '"PortsInternetAvailable"="Y"\n'
        '"UseInternetPorts"="Y"\n\n'  # Samba's parser drops a last line not followed by a blank one
    )
    _net_registry("import", str(reg))


def _default_port_range() -> None:
    proc = run(netns_argv(DC2.netns, ["net", "-s", str(smb_conf(DC2)), "registry", "enumerate",
                                      RPC_INTERNET_KEY]), timeout=30, check=False)
    if proc.returncode == 0:
        _net_registry("deletekey_recursive", RPC_INTERNET_KEY)


def _stale_cname() -> None:
    dnsrecords.set_cname(_dc2_guid(), None)
    dnsrecords.set_cname(_fake_guid(), DC2.fqdn)


def _right_cname() -> None:
    dnsrecords.set_cname(_fake_guid(), None)
    dnsrecords.set_cname(_dc2_guid(), DC2.fqdn)


def _right_a() -> None:
    dnsrecords.set_a(DC2.name, DC2.address)


def _open_exchange() -> None:
    missing = [p for p in EXCHANGE_PORTS if p not in services.listening_ports()]
    if missing:
        services.start_listeners(missing)


Action = Callable[[], None]

_ACTIONS: dict[str, tuple[Action, Action]] = {
    "ds-stopped": (lambda: services.restart_dc2(without_drs=True), lambda: services.restart_dc2(without_drs=False)),
    "stale-a-record": (lambda: dnsrecords.set_a(DC2.name, MEMBER1.address), _right_a),
    "a-record-other-dc": (lambda: dnsrecords.set_a(DC2.name, DC1.address), _right_a),
    "stale-cname": (_stale_cname, _right_cname),
    "hosts-entry": (lambda: hostfiles.append_client_hosts(MEMBER1.address, DC2.fqdn, DC2.name),
                    hostfiles.reset_client_hosts),
    "no-dns-record": (lambda: dnsrecords.set_a(DC2.name, None), _right_a),
    "epm-blocked": (lambda: _drop_or_reject("135", reject=False), _flush_firewall),
    "epm-refused": (lambda: _drop_or_reject("135", reject=True), _flush_firewall),
    "dynamic-blocked": (lambda: _drop_or_reject(DYNAMIC_RANGE, reject=False, syn_only=True), _flush_firewall),
    "port-range-small": (_small_port_range, _default_port_range),
    "exchange-ports-closed": (lambda: services.stop_listeners(EXCHANGE_PORTS), _open_exchange),
    "exchange-6004-closed": (lambda: services.stop_listeners([6004]), _open_exchange),
    "dc-down": (lambda: netns.set_link(DC2, up=False), lambda: netns.set_link(DC2, up=True)),
    "many-dcs": (manydcs.apply, manydcs.heal),
}
assert set(_ACTIONS) == set(FAULTS)


def check_name(name: str) -> None:
    if name not in FAULTS:
        raise LabError(f"unknown fault {name!r}; `rpc-wizard lab faults` lists them")


def _require_lab() -> dict:
    current = state.load()
    if current is None or not netns.exists(DC2.netns):
        raise LabError("the lab is not up: run `rpc-wizard lab up` first")
    return current


def heal() -> None:
    """Undo the active fault, if any; the cheap local faults are undone in any case."""
    active = _require_lab().get("fault")
    if active:
        _ACTIONS[active][1]()
    hostfiles.reset_client_hosts()
    _flush_firewall()
    netns.set_link(DC2, up=True)
    _open_exchange()
    state.update(fault=None)


def apply_fault(name: str) -> None:
    """Heal whatever is active, then inject `name`; the state names it before the change starts,
    so that a half-applied fault is still healed."""
    check_name(name)
    heal()
    state.update(fault=name)
    _ACTIONS[name][0]()
