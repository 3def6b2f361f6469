"""Event text: Event Viewer's "Copy details as text", the older Event Type/Event Source layout, and
PowerShell's Get-WinEvent | Format-List. Several events in one paste are kept apart."""

from __future__ import annotations

import re

from wizard.parsers.common import Found, dn_server, hosts, msdcs
from wizard.parsers.errorcodes import codes_in, to_int, unique_codes

KIND = "event"
_KEYS = {"log name": "log", "source": "source", "event source": "source", "providername": "source",
         "date": "date", "timecreated": "date", "time": "time", "event id": "id", "id": "id",
         "task category": "category", "event category": "category", "level": "level", "event type": "level",
         "leveldisplayname": "level", "keywords": "keywords", "user": "user", "computer": "computer",
         "machinename": "computer", "description": "description", "message": "description",
         # Get-EventLog | Format-List (Windows PowerShell's older cmdlet) names them so
         "eventid": "id", "entrytype": "level", "timegenerated": "date"}
_FIELD = re.compile(r"^\s*(" + "|".join(sorted(map(re.escape, _KEYS), key=len, reverse=True)) + r")\s*:\s?(.*)$",
                    re.I)
_ID = re.compile(r"[0-9]{1,10}")  # str.isdigit() takes "²", which int() refuses
_STARTS = {"log", "id"}  # a record starts at its first line, which is one of these in every layout
_ERROR_VALUE = re.compile(r"(?:Error value|error status|NT Error|Error)\s*:?\s*\n?\s*(-?0x[0-9a-f]+|-?\d+)\b",
                          re.I)
_GC = re.compile(r"Global catalog:\s*\n?\s*\\{0,2}(\S+)", re.I)
_SOURCE_DSA = re.compile(r"Source (?:directory service|domain controller):\s*\n?\s*(CN=NTDS Settings\S*[^\n]*)", re.I)


def parse(text: str) -> list[Found]:
    records = _records(text)
    events = [_event(r) for r in records if _ID.fullmatch(r.get("id", "").strip())]
    if not events:
        return []
    errors = unique_codes(e["error"] for e in events)
    names = [n for e in events for n in (e.get("source_dc"), e.get("computer"))]
    return [Found(KIND, records[0]["_pos"], {"events": events}, errors, hosts(*names))]


def _records(text: str) -> list[dict]:
    records: list[dict] = []
    current: dict | None = None
    key = None
    offset = 0
    for line in text.split("\n"):
        m = _FIELD.match(line)
        name = _KEYS[m.group(1).lower()] if m else None
        if name and (current is None or name in current or (name in _STARTS and "id" in current)):
            if name in ("log", "level", "source", "id") or current is not None:
                current = {"_pos": offset}
                records.append(current)
        if name and current is not None and (key != "description" or name != "description"):
            current[name] = m.group(2).strip()
            key = name
            if name == "computer" and current[name].endswith("Description:"):  # a page lost the line break
                current[name], key = current[name][:-len("Description:")], "description"
        elif current is not None and key == "description":
            current["description"] = (current.get("description", "") + "\n" + line).strip("\n")
        offset += len(line) + 1
    return records


def _event(record: dict) -> dict:
    description = record.get("description", "")
    value = _ERROR_VALUE.search(description)
    codes = codes_in(description)
    error = to_int(value.group(1)) if value else None
    error = error or (codes[0] if codes else None)
    event = {"id": int(record["id"]), "source": record.get("source", ""), "log": record.get("log", ""),
             "level": record.get("level", ""), "computer": record.get("computer", ""),
             "date": " ".join(filter(None, (record.get("date", ""), record.get("time", "")))),
             "error": error, "description": description[:2000]}
    name, guid, forest = msdcs(description)
    if name:
        event.update(source_address=name, forest=forest, **({"guid": guid} if guid else {}))
    if m := _SOURCE_DSA.search(description):
        event["source_dc"] = dn_server(m.group(1))
    elif m := _GC.search(description):
        event["source_dc"] = m.group(1).rstrip(".")
    return event
