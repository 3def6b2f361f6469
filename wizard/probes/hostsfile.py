"""HOSTS and LMHOSTS lookups: the resolver reads them before DNS, so a stale line wins."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from wizard import WizardError
from wizard.engine.names import is_valid_address
from wizard.engine.untrusted import clean
from wizard.files import read_regular
from wizard.verdicts.dns import HostsLine

HOSTS_LIMIT = 1_000_000  # bytes read of a HOSTS or LMHOSTS file; real ones are a few KB


def default_hosts_file() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("SystemRoot", r"C:\Windows")) / "System32" / "drivers" / "etc" / "hosts"
    return Path("/etc/hosts")


def read_text(path: Path) -> str:
    """The file's text, if it is a regular file (a FIFO or device named lmhosts would block or never end:
    wizard.files refuses those with a WizardError)."""
    data = read_regular(path, HOSTS_LIMIT)[0][:HOSTS_LIMIT]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")  # -sig: Notepad's BOM would hide the first line


def hosts_lines(text: str, name: str, netbios: bool = False) -> list[tuple[int, str, str]]:
    """(line number, line, address) for each line mapping `name` in HOSTS text (the exact name), or in
    LMHOSTS text (netbios=True: its NetBIOS names match the first label), in file order, one per address."""
    wanted = {name.lower().rstrip(".")}
    if netbios:
        wanted.add(name.lower().split(".")[0])
    found: list[tuple[int, str, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0]  # LMHOSTS tags (#PRE, #DOM:) come after the names
        fields = line.split()
        if len(fields) < 2 or not is_valid_address(fields[0]):
            continue
        names = {f.lower().strip('"').rstrip(".") for f in fields[1:]}
        if names & wanted and fields[0] not in [a for _, _, a in found]:
            found.append((number, clean(raw.strip(), 200), fields[0]))
    return found


def hosts_lookup(text: str, name: str, netbios: bool = False) -> list[str]:
    """Addresses mapped to `name` in HOSTS or LMHOSTS text, in file order."""
    return [address for _, _, address in hosts_lines(text, name, netbios)]


def lookup_lines(name: str, hosts_file: str | None) -> tuple[HostsLine, ...]:
    """The hosts file's and an LMHOSTS beside it's lines for `name`: the first line of each file that maps it,
    with every address the file gives the name."""
    hosts = Path(hosts_file) if hosts_file else default_hosts_file()
    found = []
    for path, netbios in ((hosts, False), (hosts.with_name("lmhosts"), True)):
        try:
            lines = hosts_lines(read_text(path), name, netbios)
        except (OSError, WizardError):  # no such file, unreadable, or not a regular file: nothing from it
            continue
        if lines:
            found.append(HostsLine(str(path), lines[0][0], lines[0][1], tuple(a for _, _, a in lines)))
    return tuple(found)


def lookup_files(name: str, hosts_file: str | None) -> dict[str, list[str]]:
    """{path: addresses} for the hosts file and an LMHOSTS beside it, where they mention `name`."""
    return {line.path: list(line.addresses) for line in lookup_lines(name, hosts_file)}
