"""The `forest-500` fault: 500 more DCs of lab.example as DNS tells it (DC locator SRV, <guid>._msdcs CNAME
and A record each), none of them real, so that `sweep` and `replication` are measured at the size of a
large forest (scripts/bench_forest.py). `many-dcs` does the same for 30.

450 sit at addresses EXCH1's namespace holds but drops every packet to (a timeout per check: the worst case),
25 at addresses it holds where nothing listens (refused at once), 25 at MEMBER1, which answers as another
computer. The addresses come from 198.18.0.0/23, the range RFC 2544 sets aside for benchmarks: EXCH1 holds
each one, and the client reaches them on its bridge (an on-link route), as it reaches the lab's own. The
1500 records go in through one DNS RPC connection to DC1, as many-dcs puts its 90.
"""

from __future__ import annotations

import ipaddress
import json
import uuid

from wizard.lab import state
from wizard.lab.manydcs import _MSDCS, _RECORDS_SCRIPT
from wizard.lab.provision import smb_conf
from wizard.lab.runner import admin_env, host_argv, netns_argv, run
from wizard.lab.topology import BRIDGE, CLIENT_NS, DC1, DOMAIN, EXCH1, FOREST, MEMBER1, STATE_DIR

COUNT = 500
DROPPED = 450  # fake001..fake450 drop packets, fake451..fake475 refuse, fake476..fake500 answer as MEMBER1
REFUSED = 25
NETWORK = ipaddress.ip_network("198.18.0.0/23")
_LOG = STATE_DIR / "faults.log"


def name(i: int) -> str:
    return f"fake{i + 1:03d}"


def address(i: int) -> str:
    return str(NETWORK[i + 1]) if i < DROPPED + REFUSED else MEMBER1.address


def fake_dcs() -> list[tuple[str, str, str]]:
    """(host name, address, GUID) of each fake DC; the GUIDs are kept in the lab state for heal."""
    current = state.load() or {}
    guids = current.get("forest500_guids") or [str(uuid.uuid4()) for _ in range(COUNT)]
    if not current.get("forest500_guids"):
        state.update(forest500_guids=guids)
    return [(name(i), address(i), guids[i]) for i in range(COUNT)]


def planned_records() -> list[tuple[str, str, str, str]]:
    """(zone, name, type, data) of every DNS record the fault adds: an A, a _msdcs CNAME and an SRV per DC."""
    records = []
    for host, addr, guid in fake_dcs():
        fqdn = f"{host}.{FOREST}"
        records += [(FOREST, host, "A", addr), (_MSDCS, guid, "CNAME", fqdn), (_MSDCS, "_ldap._tcp.dc", "SRV", fqdn)]
    return records


def _dns(action: str) -> None:
    spec = {"smb_conf": str(smb_conf(DC1)), "server": DC1.address, "domain": DOMAIN, "action": action,
            "records": planned_records()}
    run(host_argv(DC1, ["/usr/bin/python3", "-c", _RECORDS_SCRIPT]), env=admin_env(), timeout=600,
        input_text=json.dumps(spec), log_file=_LOG)


def _addresses(verb: str) -> None:
    """EXCH1 holds (or lets go of) every fake address, /32 each: one `ip -batch` for all 475."""
    lines = "".join(f"addr {verb} {address(i)}/32 dev eth0\n" for i in range(DROPPED + REFUSED))
    run(netns_argv(EXCH1.netns, ["ip", "-force", "-batch", "-"]), timeout=60, check=False, input_text=lines,
        log_file=_LOG)


def _drop_range() -> list[str]:
    return ["-m", "iprange", "--dst-range", f"{address(0)}-{address(DROPPED - 1)}", "-j", "DROP"]


def apply() -> None:
    apply_network()
    _dns("add")


def heal() -> None:
    _dns("delete")
    heal_network()
    state.update(forest500_guids=None)


def apply_network() -> None:
    """The fake DCs' addresses on EXCH1, the first 450 dropped, and the client's route to them (seconds;
    the DNS records are what takes minutes)."""
    _addresses("add")
    run(netns_argv(EXCH1.netns, ["iptables", "-w", "-A", "INPUT", *_drop_range()]), timeout=15, log_file=_LOG)
    run(netns_argv(CLIENT_NS, ["ip", "route", "replace", str(NETWORK), "dev", BRIDGE]), timeout=15, log_file=_LOG)


def heal_network() -> None:
    run(netns_argv(CLIENT_NS, ["ip", "route", "del", str(NETWORK)]), timeout=15, check=False, log_file=_LOG)
    run(netns_argv(EXCH1.netns, ["iptables", "-w", "-D", "INPUT", *_drop_range()]), timeout=15, check=False,
        log_file=_LOG)
    _addresses("del")
