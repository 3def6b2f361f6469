"""repadmin /syncall: which partner failed, in which partition, with what result.

/syncall names partners by their `<objectGUID>._msdcs.<forest>` CNAME (with /e or /A: by DSA GUID),
so its GUIDs are the NTDS Settings GUIDs the destination DC uses: exactly what the CNAME check needs.
"""

from __future__ import annotations

import re

from wizard.parsers.common import GUID, Found, hosts
from wizard.parsers.errorcodes import to_int, unique_codes

SYNCALL = "repadmin-syncall"

_SIGN = re.compile(r"^\s*(?:Syncing all NC'?s held on|CALLBACK MESSAGE:|SyncAll (?:terminated|exited))", re.I | re.M)
_SERVER = re.compile(r"^\s*Syncing all NC'?s held on\s+(\S+?)\.?\s*$", re.I)
_PARTITION = re.compile(r"^\s*Syncing partition:\s*(\S.*?)\s*$", re.I)
_CONTACT = re.compile(r"Error contacting server\s+(\S+?)\s*(?:\(([^)]*)\))?:\s*(-?\w+)(?:\s*\((0x[0-9a-f]+)\))?", re.I)
_ISSUING = re.compile(r"Error issuing replication:\s*(-?\w+)(?:\s*\((0x[0-9a-f]+)\))?", re.I)
_FROM = re.compile(r"^\s*From:\s*(\S+)", re.I)
_TO = re.compile(r"^\s*To\s*:\s*(\S+)", re.I)
_MSDCS = re.compile(r"^(" + GUID + r")\._msdcs\.(\S+)$", re.I)
_FATAL = re.compile(r"SyncAll (?:terminated|exited) with (?:fatal )?(?:Win32 )?error[s]?(?::\s*(-?\w+))?", re.I)


def parse(text: str) -> list[Found]:
    sign = _SIGN.search(text)
    if not sign:
        return []
    facts: dict = {"server": "", "failures": [], "fatal": None}
    nc, failure = "", None
    for line in text[sign.start():].split("\n"):
        if m := _SERVER.match(line):
            facts["server"] = m.group(1)
        elif m := _PARTITION.match(line):
            nc = m.group(1)
        elif m := _CONTACT.search(line):
            failure = _failure(nc, m.group(1), m.group(3), m.group(4), m.group(2) or "")
            facts["failures"].append(failure)
        elif m := _ISSUING.search(line):
            failure = _failure(nc, "", m.group(1), m.group(2), "")
            facts["failures"].append(failure)
        elif failure is not None and (m := _FROM.match(line)):
            failure.update(_partner(m.group(1)))
        elif failure is not None and (m := _TO.match(line)):
            failure["destination"] = m.group(1)
        elif m := _FATAL.search(line):
            facts["fatal"] = to_int(m.group(1)) if m.group(1) else None
    errors = unique_codes([f["result"] for f in facts["failures"] if f["result"]])
    names = [facts["server"]] + [f["source"] for f in facts["failures"] if not f.get("guid")]
    return [Found(SYNCALL, sign.start(), facts, errors, hosts(*names))]


def _failure(nc: str, partner: str, code: str, hex_code: str | None, why: str) -> dict:
    result = to_int(hex_code or code)
    return {"naming_context": nc, "result": result, "why": why, "destination": "", **_partner(partner)}


def _partner(name: str) -> dict:
    """A partner named by CNAME gives its GUID and the forest; otherwise it is a host name."""
    m = _MSDCS.match(name.rstrip(".:"))
    if m:
        return {"source": "", "guid": m.group(1).lower(), "forest": m.group(2).lower().rstrip(".:")}
    return {"source": name.rstrip(".:"), "guid": "", "forest": ""}
