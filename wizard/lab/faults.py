"""The faults the lab can inject into a healthy domain, and how each is undone.

Every fault changes one thing on a running lab (a DNS record, a firewall rule, a daemon's
options, a registry key, a link) so that it can be applied and healed without rebuilding the domain.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from wizard.lab import dnsrecords, forest500, hostfiles, manydcs, netns, registry, services, state
from wizard.lab.runner import LabError, netns_argv, run
from wizard.lab.topology import DC1, DC2, EXCH1, EXCHANGE_PORTS, MEMBER1, STATE_DIR

FIXED_PORT = 50100  # inside the dynamic range, held by a plain listener
OUTSIDE_PORT = 3000  # below the dynamic range, where DRS itself listens

FAULTS: dict[str, str] = {
    "ds-stopped": "DC2's endpoint mapper has no DRS (directory replication) interface; the rest answers",
    "stale-a-record": "DC2's A record points at MEMBER1",
    "a-record-other-dc": "DC2's A record points at DC1",
    "stale-cname": "DC2's <guid>._msdcs CNAME carries a GUID that is not its NTDS Settings objectGUID",
    "cname-other-dc": "DC2's own <guid>._msdcs CNAME names DC1 (a wrong alias in DNS, the GUID itself is right)",
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
    "forest-500": ("500 more DCs in DNS (fake001..fake500), none real: 450 drop packets, 25 refuse, 25 are MEMBER1 "
                   "(for the bench)"),
    "port-config-invalid": "DC2's registry has Rpc\\Internet Ports=5000-70000 (outside 0-65535: error 87)",
    "client-protocols-missing": "DC2's Rpc\\ClientProtocols lacks ncacn_ip_tcp (the healthy lab has all five values)",
    "fixed-port-conflict": (f"DC2's NTDS \"TCP/IP Port\" is {FIXED_PORT}, which another process holds; emulated: "
                            "Samba would not start at all, so DC2 runs without DRS on any transport (Windows keeps "
                            "it on named pipes)"),
    "fixed-port-outside": f"DC2's NTDS \"TCP/IP Port\" is {OUTSIDE_PORT} and DRS listens there: outside 49152-65535",
    "validports-missing": "EXCH1's Rpc\\RpcProxy has no ValidPorts value (the healthy lab has both names per port)",
}

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


def _fixed_port_conflict() -> None:
    registry.set_fixed_port(FIXED_PORT)
    services.restart_dc2(without_drs=True, holder=FIXED_PORT)


def _fixed_port_outside() -> None:
    registry.set_fixed_port(OUTSIDE_PORT)
    services.restart_dc2(without_drs=False, drs_port=OUTSIDE_PORT)


def _no_fixed_port() -> None:
    registry.set_fixed_port(None)
    services.restart_dc2(without_drs=False)


def _default_port_range() -> None:
    registry.delete_key(DC2, registry.RPC_INTERNET)


def _stale_cname() -> None:
    dnsrecords.set_cname(_dc2_guid(), None)
    dnsrecords.set_cname(_fake_guid(), DC2.fqdn)


def _cname_other_dc() -> None:
    dnsrecords.set_cname(_dc2_guid(), DC1.fqdn)


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
    "cname-other-dc": (_cname_other_dc, _right_cname),
    "hosts-entry": (lambda: hostfiles.append_client_hosts(MEMBER1.address, DC2.fqdn, DC2.name),
                    hostfiles.reset_client_hosts),
    "no-dns-record": (lambda: dnsrecords.set_a(DC2.name, None), _right_a),
    "epm-blocked": (lambda: _drop_or_reject("135", reject=False), _flush_firewall),
    "epm-refused": (lambda: _drop_or_reject("135", reject=True), _flush_firewall),
    "dynamic-blocked": (lambda: _drop_or_reject(DYNAMIC_RANGE, reject=False, syn_only=True), _flush_firewall),
    "port-range-small": (lambda: registry.set_rpc_ports("5000-5010"), _default_port_range),
    "port-config-invalid": (lambda: registry.set_rpc_ports("5000-70000"), _default_port_range),
    "client-protocols-missing": (lambda: registry.delete_value(DC2, registry.CLIENT_PROTOCOLS, "ncacn_ip_tcp"),
                                 lambda: registry.set_client_protocols((DC2,))),
    "fixed-port-conflict": (_fixed_port_conflict, _no_fixed_port),
    "fixed-port-outside": (_fixed_port_outside, _no_fixed_port),
    "validports-missing": (lambda: registry.delete_value(EXCH1, registry.RPC_PROXY, "ValidPorts"),
                           registry.set_valid_ports),
    "exchange-ports-closed": (lambda: services.stop_listeners(EXCHANGE_PORTS), _open_exchange),
    "exchange-6004-closed": (lambda: services.stop_listeners([6004]), _open_exchange),
    "dc-down": (lambda: netns.set_link(DC2, up=False), lambda: netns.set_link(DC2, up=True)),
    "many-dcs": (manydcs.apply, manydcs.heal),
    "forest-500": (forest500.apply, forest500.heal),
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
