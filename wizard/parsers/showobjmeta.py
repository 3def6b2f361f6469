"""repadmin /showobjmeta on an NTDS Settings object: its objectGUID and when it was created.

repadmin prints attribute metadata, not values: the GUID comes from the object named as `<GUID=...>`,
from an `objectGUID:` line (repadmin /showattr, ldifde, Get-ADObject pasted alongside), or from a
CNF-mangled name (a duplicate NTDS Settings object). The creation time is the originating time of
`whenCreated`, else of `objectClass` at version 1.
"""

from __future__ import annotations

import re

from wizard.parsers.common import GUID, Found, dn_server, hosts

KIND = "repadmin-showobjmeta"
_HEADER = re.compile(r"^\s*Loc\.USN\s+Originating DSA\s+Org\.USN", re.I | re.M)
_ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\d+)\s+(\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}:\d{2})\s+(\d+)\s+(\S+)\s*$")
_OBJECT_GUID = re.compile(r"(?:<GUID=|\bobjectGUID\s*[:=]\s*\{?|CNF:)(" + GUID + ")", re.I)
_WHEN_CREATED = re.compile(r"\bwhenCreated\s*[:=]\s*(\S.*?)\s*$", re.I | re.M)
_DN = re.compile(r"(CN=NTDS Settings[^\"\n]*?CN=Configuration(?:\s*,\s*DC=[^,\s\"]+)+)", re.I)


def parse(text: str) -> list[Found]:
    header = _HEADER.search(text)
    has_guid_line = re.search(r"\bobjectGUID\s*[:=]\s*\{?" + GUID, text, re.I)
    if not header and not (has_guid_line and _DN.search(text)):
        return []
    rows = [{"local_usn": int(m[0]), "originating_dsa": m[1], "originating_usn": int(m[2]), "time": m[3],
             "version": int(m[4]), "attribute": m[5]} for m in map(_row_match, text.split("\n")) if m]
    guid = _OBJECT_GUID.search(text)
    dn = _DN.search(text)
    facts = {"object": dn.group(1) if dn else "", "server": dn_server(dn.group(1)) if dn else "",
             "object_guid": guid.group(1).lower() if guid else "", "created": _created(text, rows),
             "duplicate": bool(re.search(r"CNF:", text)), "attributes": len(rows),
             "originating_dsas": list(dict.fromkeys(r["originating_dsa"] for r in rows))}
    pos = (header or has_guid_line).start()
    return [Found(KIND, pos, facts, [], hosts(facts["server"]))]


def _row_match(line: str):
    m = _ROW.match(line)
    return m.groups() if m else None


def _created(text: str, rows: list[dict]) -> str:
    for row in rows:
        if row["attribute"].lower() == "whencreated":
            return row["time"]
    written = _WHEN_CREATED.search(text)
    if written:
        return written.group(1)
    first = [r for r in rows if r["attribute"].lower() == "objectclass" and r["version"] == 1]
    return first[0]["time"] if first else ""
