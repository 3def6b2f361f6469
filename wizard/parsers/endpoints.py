"""portqry (port states, `-e 135` endpoint dumps), rpcdump (Windows, impacket) and Test-NetConnection.

An endpoint is {uuid, annotation, protocol, host, port, pipe, endpoint, binding}: `port` for TCP and
HTTP bindings, `pipe` for named pipes, `endpoint` as printed.
"""

from __future__ import annotations

import re

from wizard.parsers.common import GUID, Found, hosts, number

PORTQRY = "portqry"
RPCDUMP = "rpcdump"

_PORTQRY_SIGN = re.compile(r"^\s*(?:Querying target system called|(?:TCP|UDP) port \d+ \([^)\n]*\):"
                           r"|Querying Endpoint Mapper Database|Total endpoints found|TcpTestSucceeded\s*:)"
                           r"|portqry", re.I | re.M)
_RPCDUMP_SIGN = re.compile(r"registered endpoints found|^\s*ProtSeq\s*:|^\s*Bindings\s*:\s*$|rpcdump", re.I | re.M)
_STATE = re.compile(r"^\s*(TCP|UDP) port (\d+) \(([^)\n]*)\):\s*"
                    r"(LISTENING or FILTERED|NOT LISTENING|LISTENING|FILTERED)", re.I | re.M)
_TARGET = re.compile(r"Querying target system called:\s*\n?\s*\n?\s*(\S+)", re.I)
_CMD_TARGET = re.compile(r"portqry(?:\.exe)?\b[^\n]{0,80}?\s-n\s+([^\s\"]+)", re.I)  # the command line pasted too
# whom rpcdump asked: impacket logs it, rpcdump.exe only has it on its command line (/s or -s)
_RPCDUMP_TARGET = re.compile(r"Retrieving endpoint list from\s+([^\s\]]+)", re.I)
_RPCDUMP_CMD = re.compile(r"rpcdump(?:\.exe)?\b[^\n]{0,80}?\s[/-]s\s+([^\s\"]+)", re.I)
_RESOLVED = re.compile(r"(?:Name|IP address) resolved to\s+(\S+)", re.I)
_RESOLVE_FAILED = re.compile(r"Failed to resolve (?:name to IP address|IP address to name)", re.I)
_END = re.compile(r"==== End of RPC Endpoint Mapper query response", re.I)
_TOTAL = re.compile(r"Total endpoints found:\s*(\d+)|(\d+) registered endpoints found", re.I)
_UUID = re.compile(r"^\s*UUID\s*:\s*\{?(" + GUID + r")\}?(?:\s+v\d+\.\d+)?[ \t]*(.*?)\s*$", re.I)
_BINDING = re.compile(r"\b(ncacn_[a-z_]+|ncadg_[a-z_]+|ncalrpc)\s*:\s*([^\s\[]*)\[([^\]\n]*)\]", re.I)
_LRPC = re.compile(r"\b(ncalrpc):([^\s\[]+)\s*$", re.I)
_HEADING = re.compile(r"^\s*(ncacn_[a-z_]+|ncadg_[a-z_]+|ncalrpc)\s*\([^)]*\)\s*$", re.I)
_WIN_ROW = re.compile(r"^\s*([^\s\[]*)\[([^\]\n]*)\]\s*\[(" + GUID + r")\]\s*(.*?)\s*(?::([A-Z_]+))?\s*$", re.I)
_KV = re.compile(r"^\s*(ProtSeq|Endpoint|Annotation|StringBinding|UUID)\s*:\s*(.*?)\s*$", re.I)
_TNC = re.compile(r"^\s*(ComputerName|RemoteAddress|RemotePort|TcpTestSucceeded)\s*:\s*(\S*)", re.I | re.M)


def parse(text: str) -> list[Found]:
    found = []
    rpcdump = _RPCDUMP_SIGN.search(text)
    portqry = _PORTQRY_SIGN.search(text)
    endpoints = endpoints_in(text)
    if rpcdump:
        found.append(_rpcdump(text, rpcdump.start(), endpoints))
    if portqry and (not rpcdump or _STATE.search(text) or _TNC.search(text)):
        found.append(_portqry(text, portqry.start(), [] if rpcdump else endpoints))
    return found


def _found(kind: str, pos: int, text: str, endpoints: list[dict]) -> Found:
    total = _TOTAL.search(text)
    announced = int(total.group(1) or total.group(2)) if total else None
    # portqry announces the total at the end, rpcdump.exe at the start: a cut-off dump shows by what is missing
    complete = bool(_END.search(text) or (kind == PORTQRY and total)) if kind == PORTQRY else (
        announced is None or len(endpoints) >= announced)
    facts = {"endpoints": endpoints, "total": announced, "complete": complete, "tcp_ports": tcp_ports(endpoints)}
    return Found(kind, pos, facts, [], hosts(*(e["host"] for e in endpoints)))


def _rpcdump(text: str, pos: int, endpoints: list[dict]) -> Found:
    found = _found(RPCDUMP, pos, text, endpoints)
    target = _RPCDUMP_TARGET.search(text) or _RPCDUMP_CMD.search(text)
    found.facts["target"] = target.group(1) if target and hosts(target.group(1)) else ""
    found.hosts = hosts(found.facts["target"], *found.hosts)
    return found


def _portqry(text: str, pos: int, endpoints: list[dict]) -> Found:
    found = _found(PORTQRY, pos, text, endpoints)
    target, resolved = _TARGET.search(text) or _CMD_TARGET.search(text), _RESOLVED.search(text)
    found.facts.update(
        target=target.group(1) if target else "",
        resolved=resolved.group(1) if resolved else "",
        resolve_failed=bool(_RESOLVE_FAILED.search(text)),
        ports=[{"protocol": p.upper(), "port": int(n), "service": s.replace(" service", "").strip(),
                "state": st.upper()} for p, n, s, st in _STATE.findall(text)] + _test_netconnection(text),
        epm_queried=bool(re.search(r"Querying Endpoint Mapper Database", text, re.I)),
    )
    found.hosts = hosts(found.facts["target"], found.facts["resolved"], *found.hosts)
    return found


def _test_netconnection(text: str) -> list[dict]:
    """Test-NetConnection -Port: True is a connection; False does not tell a refusal from a silent drop."""
    result, current = [], {}
    for key, value in _TNC.findall(text):
        current[key.lower()] = value
        if key.lower() == "tcptestsucceeded":
            port = number(current.get("remoteport"))
            if port is not None:
                result.append({"protocol": "TCP", "port": port, "service": "Test-NetConnection",
                               "state": "LISTENING" if value.lower() == "true" else "NOT LISTENING OR FILTERED",
                               "host": current.get("remoteaddress") or current.get("computername", "")})
            current = {}
    return result


def endpoints_in(text: str) -> list[dict]:
    """Every endpoint printed in any of the known layouts, in order."""
    endpoints: list[dict] = []
    uuid, annotation, heading = "", "", ""
    record: dict = {}
    for line in text.split("\n"):
        if m := _KV.match(line):  # rpcdump's key:value records (ProtSeq first, UUID last)
            key = m.group(1).lower()
            if key == "protseq" and record.get("stringbinding"):
                endpoints += _from_record(record)
                record = {}
            record[key] = m.group(2)
            if key != "uuid" or "protseq" in record:
                continue
        if m := _UUID.match(line):
            uuid, annotation = m.group(1).lower(), m.group(2)
        elif m := _HEADING.match(line):
            heading = m.group(1).lower()
        elif heading and (m := _WIN_ROW.match(line)):
            endpoints.append(endpoint(m.group(3), m.group(4), heading, m.group(1), m.group(2)))
        elif uuid and (m := _BINDING.search(line)):
            endpoints.append(endpoint(uuid, annotation, m.group(1), m.group(2), m.group(3)))
        elif uuid and (m := _LRPC.search(line)):
            endpoints.append(endpoint(uuid, annotation, m.group(1), "", m.group(2)))
    if record.get("stringbinding"):
        endpoints += _from_record(record)
    return endpoints


def _from_record(record: dict) -> list[dict]:
    m = _BINDING.search(record.get("stringbinding", ""))
    uuid = re.search(GUID, record.get("uuid", ""))
    if not m or not uuid:
        return []
    return [endpoint(uuid.group(0).lower(), record.get("annotation", ""), m.group(1), m.group(2), m.group(3))]


def endpoint(uuid: str, annotation: str, protocol: str, host: str, raw: str) -> dict:
    protocol = protocol.lower()
    raw = raw.strip()
    port = number(raw) if protocol in ("ncacn_ip_tcp", "ncacn_http", "ncadg_ip_udp") else None
    port = port if port and port < 65536 else None
    pipe = raw if protocol == "ncacn_np" else None
    host = host.strip().lstrip("\\")
    return {"uuid": uuid.lower(), "annotation": annotation.strip(), "protocol": protocol, "host": host,
            "port": port, "pipe": pipe, "endpoint": raw,
            "binding": f"{protocol}:{host}[{raw}]" if protocol != "ncalrpc" or raw else f"{protocol}:{raw}"}


def tcp_ports(endpoints: list[dict]) -> list[int]:
    return sorted({e["port"] for e in endpoints if e["protocol"] == "ncacn_ip_tcp" and e["port"]})
