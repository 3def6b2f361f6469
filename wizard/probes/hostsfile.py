"""HOSTS and LMHOSTS lookups: the resolver reads them before DNS, so a stale line wins."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from wizard import WizardError
from wizard.engine.names import is_valid_address
from wizard.files import read_regular

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


def hosts_lookup(text: str, name: str, netbios: bool = False) -> list[str]:
    """Addresses mapped to `name` in HOSTS text (the exact name), or in LMHOSTS text (netbios=True:
    its NetBIOS names match the first label), in file order."""
    wanted = {name.lower().rstrip(".")}
    if netbios:
        wanted.add(name.lower().split(".")[0])
    found: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0]  # LMHOSTS tags (#PRE, #DOM:) come after the names
        fields = line.split()
        if len(fields) < 2 or not is_valid_address(fields[0]):
            continue
        names = {f.lower().strip('"').rstrip(".") for f in fields[1:]}
        if names & wanted and fields[0] not in found:
            found.append(fields[0])
    return found


def lookup_files(name: str, hosts_file: str | None) -> dict[str, list[str]]:
    """{path: addresses} for the hosts file and an LMHOSTS beside it, where they mention `name`."""
    hosts = Path(hosts_file) if hosts_file else default_hosts_file()
    result: dict[str, list[str]] = {}
    for path, netbios in ((hosts, False), (hosts.with_name("lmhosts"), True)):
        try:
            addresses = hosts_lookup(read_text(path), name, netbios)
        except (OSError, WizardError):  # no such file, unreadable, or not a regular file: nothing from it
            continue
        if addresses:
            result[str(path)] = addresses
    return result
