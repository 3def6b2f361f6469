"""Fixed shape of the lab: names, addresses, paths. Other code depends on these values.

Addresses come from TEST-NET-2 (198.51.100.0/24) and exist only inside the lab's network
namespaces: this machine's own network may sit in 192.0.2.0/24 with a real default route.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

FOREST = "lab.example"
REALM = "LAB.EXAMPLE"
DOMAIN = "LAB"
ADMIN_USER = "LAB\\Administrator"
# A lab secret, shown by `lab status` on purpose; never passed on a command line.
ADMIN_PASSWORD = "Wizard-Lab-2024!"

SUBNET_PREFIX = 24


def _lab_id() -> str:
    """RPCW_LAB=<letter or digit> names a second lab beside the default one (two developers, or two test
    runs, on one machine). Its namespaces are separate, so it reuses the same addresses; one character
    keeps every link name within Linux's 15."""
    lab_id = os.environ.get("RPCW_LAB", "")
    return lab_id if re.fullmatch(r"[a-z0-9]?", lab_id) else ""


LAB_ID = _lab_id()
PREFIX = f"rpcw{LAB_ID}-"  # every namespace, link and per-host file of this lab starts with it
CLIENT_NS = f"{PREFIX}client"
CLIENT_ADDRESS = "198.51.100.1"
BRIDGE = f"{PREFIX}br0"

STATE_DIR = Path("/var/lib/rpc-wizard-lab" + (f"-{LAB_ID}" if LAB_ID else ""))
NETNS_ETC = Path("/etc/netns")
NETNS_RUN = Path("/run/netns")

# Ports Exchange's RPC over HTTP uses; EXCH1 runs plain TCP listeners on them.
EXCHANGE_PORTS = (6001, 6002, 6004)


@dataclass(frozen=True)
class HostSpec:
    key: str  # DC1, DC2, MEMBER1, EXCH1
    name: str  # short host name, lowercase
    address: str
    role: str

    @property
    def netns(self) -> str:
        return f"{PREFIX}{self.name}"

    @property
    def fqdn(self) -> str:
        return f"{self.name}.{FOREST}"

    @property
    def netbios(self) -> str:
        return self.name.upper()

    @property
    def veth(self) -> str:  # peer end, enslaved to the bridge in the client namespace
        return f"{PREFIX}{self.name}-p"

    @property
    def dir(self) -> Path:
        return STATE_DIR / self.name

    @property
    def is_dc(self) -> bool:
        return self.role.startswith("domain controller")


DC1 = HostSpec("DC1", "dc1", "198.51.100.10", "domain controller (forest root)")
MEMBER1 = HostSpec("MEMBER1", "member1", "198.51.100.20", "non-DC Samba server (endpoint mapper, no DRS)")
DC2 = HostSpec("DC2", "dc2", "198.51.100.30", "domain controller (replica)")
EXCH1 = HostSpec("EXCH1", "exch1", "198.51.100.40",
                 "Exchange stand-in (plain TCP listeners on 6001/6002/6004; Samba for its RpcProxy registry)")

HOSTS: tuple[HostSpec, ...] = (DC1, MEMBER1, DC2, EXCH1)
ALL_NETNS: tuple[str, ...] = (CLIENT_NS,) + tuple(h.netns for h in HOSTS)


def host(key: str) -> HostSpec:
    return {h.key: h for h in HOSTS}[key]
