"""What `lab status` reports: hosts, addresses, forest, DC GUIDs, active fault, memory used."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.lab import hostfiles, netns, services, state
from wizard.lab.topology import (
    ADMIN_PASSWORD,
    ADMIN_USER,
    ALL_NETNS,
    CLIENT_ADDRESS,
    CLIENT_NS,
    DC1,
    DOMAIN,
    EXCH1,
    FOREST,
    HOSTS,
    REALM,
)

REPORT_ORDER = ("DC1", "DC2", "MEMBER1", "EXCH1")


@dataclass
class LabHost:
    fqdn: str
    address: str
    role: str
    ntds_guid: str | None = None


@dataclass
class LabInfo:
    forest: str
    realm: str
    domain: str
    fault: str | None
    admin_user: str
    admin_password: str
    client_address: str
    client_hosts_file: Path
    dns_servers: list[str]
    hosts: dict[str, LabHost]
    memory_mib: float
    exchange_ports: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "forest": self.forest,
            "realm": self.realm,
            "domain": self.domain,
            "fault": self.fault,
            "admin_user": self.admin_user,
            "admin_password": self.admin_password,
            "client_address": self.client_address,
            "client_hosts_file": str(self.client_hosts_file),
            "dns_servers": list(self.dns_servers),
            "memory_mib": round(self.memory_mib, 1),
            "exchange_listeners": {"kind": "plain TCP listeners", "open_ports": list(self.exchange_ports)},
            "hosts": {
                key: {"fqdn": h.fqdn, "address": h.address, "role": h.role, "ntds_guid": h.ntds_guid}
                for key, h in self.hosts.items()
            },
        }


def _pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def memory_mib() -> float:
    """Proportional set size of every process in the lab's namespaces."""
    return sum(_pss_kib(pid) for ns in ALL_NETNS for pid in netns.pids_in(ns)) / 1024


def status() -> LabInfo | None:
    """The lab as it is now, or None when it is not up."""
    current = state.load()
    if current is None or not current.get("guids") or not all(netns.exists(ns) for ns in ALL_NETNS):
        return None
    guids = current["guids"]
    return LabInfo(
        forest=FOREST, realm=REALM, domain=DOMAIN, fault=current.get("fault"),
        admin_user=ADMIN_USER, admin_password=ADMIN_PASSWORD,
        client_address=CLIENT_ADDRESS, client_hosts_file=hostfiles.client_hosts_file(),
        dns_servers=[DC1.address],
        hosts={h.key: LabHost(h.fqdn, h.address, h.role, guids.get(h.key) if h.is_dc else None)
               for h in sorted(HOSTS, key=lambda h: REPORT_ORDER.index(h.key))},
        memory_mib=memory_mib(),
        exchange_ports=services.listening_ports() if netns.exists(EXCH1.netns) else [],
    )


def problems() -> list[str]:
    """Why an up lab is not healthy (empty when it is): a host without processes, say."""
    info = status()
    if info is None:
        return ["the lab is not up"]
    issues = [f"{h.key} has no running process" for h in HOSTS if not services.host_running(h)]
    return issues


def render_text(info: LabInfo) -> str:
    lines = [
        f"forest      {info.forest} (realm {info.realm}, NetBIOS domain {info.domain})",
        f"fault       {info.fault or 'none (healthy)'}",
        f"admin       {info.admin_user} / {info.admin_password}  (lab secret)",
        f"client      {info.client_address} in namespace {CLIENT_NS}, DNS {', '.join(info.dns_servers)},"
        f" hosts file {info.client_hosts_file}",
        f"memory      {info.memory_mib:.0f} MiB (PSS of all lab processes)",
        "hosts:",
    ]
    for key, h in info.hosts.items():
        lines.append(f"  {key:<8} {h.fqdn:<22} {h.address:<15} {h.role}")
        if h.ntds_guid:
            lines.append(f"  {'':<8} NTDS Settings objectGUID {h.ntds_guid}")
    ports = ", ".join(map(str, info.exchange_ports)) or "none"
    lines.append(f"  EXCH1 runs plain TCP listeners (not Exchange); listening now: {ports}")
    return "\n".join(lines)
