"""Per-namespace /etc files: `ip netns exec NS` binds /etc/netns/NS/<file> over /etc/<file>."""

from __future__ import annotations

import shutil
from pathlib import Path

from wizard.lab.topology import ALL_NETNS, CLIENT_NS, DC1, FOREST, HOSTS, NETNS_ETC, HostSpec


def etc_dir(netns: str) -> Path:
    return NETNS_ETC / netns


def client_hosts_file() -> Path:
    return etc_dir(CLIENT_NS) / "hosts"


def hosts_text(own: HostSpec | None) -> str:
    """localhost plus the host's own name: Samba looks itself up; everything else goes to DNS."""
    lines = ["127.0.0.1\tlocalhost"]
    if own is not None:
        lines.append(f"{own.address}\t{own.fqdn} {own.name}")
    return "\n".join(lines) + "\n"


def write_base() -> None:
    """hosts and resolv.conf for every namespace; all resolve through DC1's DNS."""
    resolv = f"search {FOREST}\nnameserver {DC1.address}\noptions timeout:2 attempts:1\n"
    for netns, spec in [(CLIENT_NS, None)] + [(h.netns, h) for h in HOSTS]:
        directory = etc_dir(netns)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "hosts").write_text(hosts_text(spec))
        (directory / "resolv.conf").write_text(resolv)


def install_krb5_conf(source: Path) -> None:
    for netns in ALL_NETNS:
        shutil.copyfile(source, etc_dir(netns) / "krb5.conf")


def reset_client_hosts() -> None:
    client_hosts_file().write_text(hosts_text(None))


def append_client_hosts(address: str, fqdn: str, short: str) -> None:
    with client_hosts_file().open("a") as fh:
        fh.write(f"{address}\t{fqdn} {short}\n")


def remove_all() -> None:
    for netns in ALL_NETNS:
        shutil.rmtree(etc_dir(netns), ignore_errors=True)
    if NETNS_ETC.is_dir() and not any(NETNS_ETC.iterdir()):
        NETNS_ETC.rmdir()
