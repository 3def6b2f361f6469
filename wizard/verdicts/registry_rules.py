"""The other RPC registry values the documents name, judged as they say. Pure: the registry probes and
a pasted `reg query` reach the same verdicts.

- HKLM\\Software\\Microsoft\\Rpc\\ClientProtocols (document 000): five default values, each rpcrt4.dll.
- HKLM\\Software\\Microsoft\\Rpc\\RpcProxy ValidPorts (document 004): the NetBIOS name and the FQDN of
  each mailbox server, for each of 6001, 6002 and 6004. Entries are `name:port` or `name:low-high`,
  separated by `;`; a name may carry `*` wildcards.
- HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters "TCP/IP Port" (document 000, KB 224196;
  document 002): a fixed port for the directory service must lie in the dynamic range and be free.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping

CLIENT_PROTOCOLS = ("ncacn_http", "ncacn_ip_tcp", "ncacn_nb_tcp", "ncacn_np", "ncacn_ip_udp")
CLIENT_DLL = "rpcrt4.dll"
EXCHANGE_PORTS = (6001, 6002, 6004)
DEFAULT_DYNAMIC = (49152, 65535)  # Windows Server 2008 and later
MAX_ENTRIES = 512  # a ValidPorts value longer than this is not read further
_VALID_ENTRY = re.compile(r"^\s*([^:;\s]+)\s*:\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$")


def judge_client_protocols(values: Mapping[str, object] | None) -> tuple[str, str, list[str]]:
    """("absent" | "incomplete" | "complete", why, the missing or wrong value names)."""
    if values is None:
        return "absent", "HKLM\\Software\\Microsoft\\Rpc\\ClientProtocols does not exist.", list(CLIENT_PROTOCOLS)
    seen = {str(k).lower(): str(v).strip().strip("\x00").lower() for k, v in values.items()}
    wrong = [name for name in CLIENT_PROTOCOLS if seen.get(name) != CLIENT_DLL]
    if wrong:
        parts = [f"{n} is missing" if n not in seen else f"{n} is {seen[n]!r}, not {CLIENT_DLL}" for n in wrong]
        return "incomplete", f"ClientProtocols: {'; '.join(parts)}.", wrong
    return "complete", "ClientProtocols holds its five default values (rpcrt4.dll).", []


def valid_ports_entries(text: str) -> list[tuple[str, int, int]]:
    """(name, low, high) for each readable `name:port[-port]` entry of a ValidPorts value."""
    entries = []
    for item in text.split(";")[:MAX_ENTRIES]:
        m = _VALID_ENTRY.match(item)
        if m:
            low = int(m.group(2))
            high = int(m.group(3)) if m.group(3) else low
            entries.append((m.group(1).lower(), low, high))
    return entries


def judge_valid_ports(text: str | None, server: str,
                      ports: Iterable[int] = EXCHANGE_PORTS) -> tuple[str, str, list[str]]:
    """("absent" | "incomplete" | "complete", why, the missing `name:port` pairs) for `server` (an FQDN)."""
    if text is None:
        return "absent", "RpcProxy has no ValidPorts value.", []
    ports = list(ports)
    if not ports:
        raise ValueError("no port to look for")  # an empty list would make any value look complete
    fqdn = server.strip().lower().rstrip(".")
    names = [fqdn.split(".")[0], fqdn] if "." in fqdn else [fqdn]
    entries = valid_ports_entries(text)
    missing = [f"{name}:{port}" for port in ports for name in names if not _allowed(entries, name, port)]
    if missing:
        return "incomplete", f"ValidPorts does not allow {', '.join(missing)}.", missing
    return "complete", f"ValidPorts allows {', '.join(names)} on {', '.join(map(str, ports))}.", []


def _allowed(entries: list[tuple[str, int, int]], name: str, port: int) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) and low <= port <= high for pattern, low, high in entries)


def dynamic_range(rpc_ports: list[str] | None, given: str | None = None) -> tuple[int, int, str]:
    """(low, high, where it came from): a range given (pasted netsh, "49152-65535"), else a single
    Rpc\\Internet Ports range, else the default of Windows Server 2008 and later."""
    for text, source in ((given, "given"), *((p, "Rpc\\Internet Ports") for p in (rpc_ports or [])[:1])):
        m = re.fullmatch(r"\s*(\d{1,5})\s*-\s*(\d{1,5})\s*", text or "")
        if m and int(m.group(1)) <= int(m.group(2)) <= 65535:
            return int(m.group(1)), int(m.group(2)), source
    return *DEFAULT_DYNAMIC, "the default of Windows Server 2008 and later"


def judge_fixed_port(port: object, listening: bool, endpoint_port: int | None,
                     low: int, high: int, source: str) -> tuple[str, str]:
    """("none" | "in-use" | "outside-range" | "in-range", why) for the NTDS "TCP/IP Port" value.
    `listening`: something answers on that port; `endpoint_port`: the port the endpoint mapper gives DRS."""
    if port is None:
        return "none", "No fixed port is set for the directory service: the endpoint mapper assigns one."
    if not isinstance(port, int) or not 0 < port < 65536:
        return "outside-range", f"The fixed port {port!r} is not a TCP port at all."
    if listening and endpoint_port != port:
        holder = ("the endpoint mapper does not list DRS on TCP" if endpoint_port is None
                  else f"the endpoint mapper gives DRS port {endpoint_port}")
        return "in-use", (f"The fixed port {port} is set and something answers on it, but {holder}: another "
                          "process holds the port.")
    if not low <= port <= high:
        return "outside-range", f"The fixed port {port} lies outside the dynamic range {low}-{high} ({source})."
    return "in-range", f"The fixed port {port} lies inside the dynamic range {low}-{high} ({source})."
