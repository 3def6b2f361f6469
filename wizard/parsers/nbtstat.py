"""nbtstat -A ADDRESS: the NetBIOS name table of whoever answers at that address."""

from __future__ import annotations

import re

from wizard.parsers.common import Found, hosts

KIND = "nbtstat"
_SIGN = re.compile(r"NetBIOS Remote Machine Name Table|^\s*Node IpAddress:|^\s*Host not found\.", re.I | re.M)
_NODE = re.compile(r"Node IpAddress:\s*\[([^\]]*)\]", re.I)
_ROW = re.compile(r"^\s*(\S.{0,15}?)\s*<([0-9A-Fa-f]{2})>\s+(UNIQUE|GROUP)\s*(\w*)", re.I)
_MAC = re.compile(r"MAC Address\s*=\s*(\S+)", re.I)
_NOT_FOUND = re.compile(r"^\s*Host not found\.", re.I | re.M)
_COMMAND = re.compile(r"\bnbtstat\s+-[Aa]\s+(\S+)")


def parse(text: str) -> list[Found]:
    sign = _SIGN.search(text)
    if not sign:
        return []
    names = []
    for line in text.split("\n"):
        if m := _ROW.match(line):
            row = {"name": m.group(1).strip(), "suffix": m.group(2).upper(), "type": m.group(3).upper(),
                   "status": m.group(4)}
            if row not in names:
                names.append(row)
    addresses = [a for a in _NODE.findall(text) if a] + _COMMAND.findall(text)
    computer = [n["name"] for n in names if n["type"] == "UNIQUE" and n["suffix"] in ("00", "20")]
    facts = {"address": _answering(text) or (addresses[-1] if addresses else ""), "names": names,
             "computer_names": list(dict.fromkeys(computer)),
             "mac": (_MAC.findall(text) or [""])[0], "host_not_found": not names and bool(_NOT_FOUND.search(text))}
    return [Found(KIND, sign.start(), facts, [], hosts(facts["address"], *computer))]


def _answering(text: str) -> str:
    """The address the name table came from: the Node IpAddress of the adapter that printed the table."""
    table = re.search(r"NetBIOS Remote Machine Name Table", text, re.I)
    if not table:
        return ""
    node = _NODE.findall(text[:table.start()])
    asked = _COMMAND.findall(text)
    return asked[-1] if asked else (node[-1] if node else "")
