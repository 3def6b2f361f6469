"""netsh int ipv4|ipv6 show dynamicport tcp|udp: the dynamic (ephemeral) port range."""

from __future__ import annotations

import re

from wizard.parsers.common import Found

KIND = "netsh-dynamicport"
_TITLE = re.compile(r"^\s*Protocol\s+(tcp|udp)\s+Dynamic Port Range", re.I)
_COMMAND = re.compile(r"\bint(?:erface)?\s+(ipv4|ipv6)\s+show\s+dynamicport\s+(tcp|udp)", re.I)
_START = re.compile(r"^\s*Start Port\s*:\s*(\d+)", re.I)
_COUNT = re.compile(r"^\s*Number of Ports\s*:\s*(\d+)", re.I)


def parse(text: str) -> list[Found]:
    ranges: list[dict] = []
    current: dict | None = None
    version, pos = "", None
    offset = 0
    for line in text.split("\n"):
        if m := _COMMAND.search(line):
            version = m.group(1).lower()
        if m := _TITLE.match(line):
            current = {"ip_version": version, "protocol": m.group(1).lower(), "start_port": None,
                       "number_of_ports": None, "end_port": None}
            ranges.append(current)
            pos = offset if pos is None else pos
            version = ""
        elif current and (m := _START.match(line)):
            current["start_port"] = int(m.group(1))
        elif current and (m := _COUNT.match(line)):
            current["number_of_ports"] = int(m.group(1))
        offset += len(line) + 1
    for r in ranges:
        if r["start_port"] is not None and r["number_of_ports"]:
            r["end_port"] = r["start_port"] + r["number_of_ports"] - 1
    return [Found(KIND, pos, {"ranges": ranges})] if ranges else []


# RPC listens on TCP; IPv4 first (a server's endpoints are reached over it), a range whose command line was not
# pasted next, IPv6 last: Windows keeps one range per protocol and IP version, usually the same
_RANGE_ORDER = ("ipv4", "", "ipv6")


def tcp_range(facts: dict | None) -> str | None:
    """`start-end` of the TCP dynamic port range in parsed netsh output (this kind's facts), IPv4 preferred."""
    tcp = [r for r in (facts or {}).get("ranges", []) if r["protocol"] == "tcp" and r["end_port"] is not None
           and r["ip_version"] in _RANGE_ORDER and 0 < r["start_port"] <= r["end_port"] <= 65535]
    tcp.sort(key=lambda r: _RANGE_ORDER.index(r["ip_version"]))
    return f"{tcp[0]['start_port']}-{tcp[0]['end_port']}" if tcp else None
