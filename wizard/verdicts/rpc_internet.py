"""HKLM\\Software\\Microsoft\\Rpc\\Internet judged as document 003 (and MSDN's RPC registry page) do.

Ports entries are "5984" or "5000-5100". An entry outside 0-65535 or not interpretable makes the whole
configuration invalid (error 87, Netlogon 5820); so does a missing value next to the others (MSDN: "If
a key is missing or if it contains an invalid value, the entire configuration is marked as invalid").
PortsInternetAvailable says whether Ports lists the Internet ports (Y) or the ports that are NOT
(N); UseInternetPorts says which of the two sets processes get by default. The pool is therefore the
listed ports when both flags agree, and every other port of 0-65535 when they differ. Fewer than 100
ports in the pool is too small (003: "a minimum of 100 ports should be opened").
"""

from __future__ import annotations

import re

MIN_PORTS = 100
_ENTRY = re.compile(r"\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?")
_ALL_PORTS = 65536
RPC_INTERNET_ABSENT = ("HKLM\\Software\\Microsoft\\Rpc\\Internet does not exist: "
                       "the default dynamic range applies.")


def evaluate_rpc_ports(ports: list[str] | None, available: str | None, use_internet: str | None) -> tuple[str, str]:
    """("default" | "valid" | "too-small" | "invalid", a one-line explanation)."""
    if ports is None and available is None and use_internet is None:
        return "default", "No RPC port restriction is configured: the default dynamic port range applies."
    if ports is None:
        return "invalid", "Rpc\\Internet has no Ports value: RPC treats the configuration as invalid (error 87)."
    flags = {}
    for name, value in (("PortsInternetAvailable", available), ("UseInternetPorts", use_internet)):
        flag = str(value).strip().upper() if value is not None else ""
        if flag not in ("Y", "N"):
            what = "is missing" if value is None else f"is {value!r}, not Y or N"
            return "invalid", f"{name} {what}: RPC treats the configuration as invalid (error 87)."
        flags[name] = flag
    ranges = []
    for entry in [ports] if isinstance(ports, str) else ports:
        parsed = _range(str(entry))
        if parsed is None:
            return "invalid", (f"Ports entry {str(entry)!r} is not a port or a range within 0-65535: RPC treats "
                               "the whole configuration as invalid (error 87, Netlogon event 5820).")
        ranges.append(parsed)
    listed = _count(ranges)
    agree = flags["PortsInternetAvailable"] == flags["UseInternetPorts"]
    pool = listed if agree else _ALL_PORTS - listed
    which = "the listed ports" if agree else "every port except the listed ones"
    if pool < MIN_PORTS:
        return "too-small", (f"RPC may use {pool} port(s) ({which}): fewer than the {MIN_PORTS} document 003 "
                             "asks for; services that need dynamic endpoints fail to register.")
    return "valid", f"RPC may use {pool} ports ({which}): a valid configuration of at least {MIN_PORTS} ports."


def _range(entry: str) -> tuple[int, int] | None:
    m = _ENTRY.fullmatch(entry)
    if not m:
        return None
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) else low
    if high > 65535 or low > high:
        return None
    return low, high


def _count(ranges: list[tuple[int, int]]) -> int:
    """Ports covered by the ranges, overlaps counted once."""
    total, end = 0, -1
    for low, high in sorted(ranges):
        if high > end:
            total += high - max(low, end + 1) + 1
            end = high
    return total
