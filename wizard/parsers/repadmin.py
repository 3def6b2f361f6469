"""repadmin /showrepl (/showreps, /syncall errors) and /replsum: who replicates from whom, and the result."""

from __future__ import annotations

import csv
import re

from wizard.parsers.common import GUID, Found, hosts, number, split_site
from wizard.parsers.errorcodes import to_int, unique_codes

SHOWREPL = "repadmin-showrepl"
REPLSUM = "repadmin-replsum"

_SHOWREPL_SIGN = re.compile(r"^\s*(?:==== INBOUND NEIGHBORS|DSA object GUID:|DSA invocationID:|Last attempt @"
                            r"|showrepl_COLUMNS|showrepl_INFO)|consecutive failure", re.I | re.M)
_SECTION = re.compile(r"^\s*={3,}\s*(.*?)\s*=*\s*$")
_NC = re.compile(r"^\s*((?:CN|DC|OU)=\S.*)$", re.I)
_NEIGHBOR = re.compile(r"^\s*(\S+)\s+via\s+(\w+)\s*$", re.I)
_DSA_GUID = re.compile(r"^\s*DSA object GUID:\s*(" + GUID + ")", re.I)
_INVOCATION = re.compile(r"^\s*DSA invocationID:\s*(" + GUID + ")", re.I)
_ATTEMPT = re.compile(r"^\s*Last attempt @\s*(.*?)\s+"
                      r"(?:was (successful)|failed, result\s+(-?\w+)(?:\s*\((0x[0-9a-f]+)\))?)", re.I)
_CONSECUTIVE = re.compile(r"^\s*(\d+|<#>)\s+consecutive failure", re.I)
_SUCCESS = re.compile(r"^\s*Last success @\s*(.*?)\.?\s*$", re.I)
_SERVER = re.compile(r"^\s*([^\s\\>]+\\[^\s\\>]+|Default-First-Site-Name[^\s\\>]+)\s*$", re.I)


def parse(text: str) -> list[Found]:
    found = []
    sign = _SHOWREPL_SIGN.search(text)
    if sign:
        found.append(_showrepl(text, sign.start()))
    summary = _replsum(text)
    if summary:
        found.append(summary)
    return found


def _showrepl(text: str, pos: int) -> Found:
    facts: dict = {"server": "", "site": "", "dsa_guid": "", "invocation_id": "", "neighbors": []}
    lines = text.split("\n")
    section, nc, current = "", "", None
    start = text.count("\n", 0, pos)
    for line in lines[max(0, start - 3):]:
        if m := _SECTION.match(line):
            section, current = m.group(1).split()[0].lower() if m.group(1) else section, None
        elif not section and (m := _SERVER.match(line)) and not facts["server"]:
            facts["site"], facts["server"] = split_site(m.group(1))
        elif m := _NEIGHBOR.match(line):
            site, name = split_site(m.group(1))
            current = {"direction": section or "inbound", "naming_context": nc, "source": name, "site": site,
                       "transport": m.group(2).upper(), "dsa_guid": "", "last_attempt": "", "result": None,
                       "message": "", "consecutive_failures": 0, "last_success": ""}
            facts["neighbors"].append(current)
        elif m := _NC.match(line):
            nc, current = m.group(1).strip(), None
        elif m := _DSA_GUID.match(line):
            if current is not None:
                current["dsa_guid"] = m.group(1).lower()
            elif not facts["dsa_guid"]:
                facts["dsa_guid"] = m.group(1).lower()
        elif (m := _INVOCATION.match(line)) and current is None and not facts["invocation_id"]:
            facts["invocation_id"] = m.group(1).lower()
        elif current is not None:
            _neighbor_line(current, line)
    facts["neighbors"] += _csv_rows(text)
    failing = [n for n in facts["neighbors"] if n["result"]]
    facts["failures"] = len(failing)
    names = [facts["server"]] + [n["source"] for n in failing] + [n["source"] for n in facts["neighbors"]]
    names += [n.get("destination", "") for n in facts["neighbors"]]  # /showrepl * /csv names each destination
    return Found(SHOWREPL, pos, facts, unique_codes(n["result"] for n in failing), hosts(*names))


def _neighbor_line(neighbor: dict, line: str) -> None:
    if m := _ATTEMPT.match(line):
        neighbor["last_attempt"] = m.group(1)
        neighbor["result"] = 0 if m.group(2) else to_int(m.group(3))
    elif m := _CONSECUTIVE.match(line):
        neighbor["consecutive_failures"] = number(m.group(1))
    elif m := _SUCCESS.match(line):
        neighbor["last_success"] = m.group(1)
    elif neighbor["result"] and not neighbor["message"] and line.strip():
        neighbor["message"] = line.strip()


def _csv_rows(text: str) -> list[dict]:
    """`repadmin /showrepl * /csv`: showrepl_INFO rows."""
    rows = [line for line in text.split("\n") if line.lstrip().startswith("showrepl_INFO")]
    result = []
    for row in csv.reader(rows):
        if len(row) < 11:
            continue
        _, _dest_site, dest, nc, src_site, src, transport, fails, last_fail, last_ok, status = row[:11]
        result.append({"direction": "inbound", "naming_context": nc, "source": src, "site": src_site,
                       "destination": dest, "transport": transport, "dsa_guid": "", "last_attempt": last_fail,
                       "result": to_int(status) if status.strip() else 0, "message": "",
                       "consecutive_failures": number(fails),
                       "last_success": last_ok})
    return result


_SUM_HEADER = re.compile(r"^\s*\"?\s*(Source|Destination) DSA\s+largest delta", re.I | re.M)
_SUM_TAIL = r"(?P<fails>\d+)\s*/\s*(?P<total>\d+)\s+(?P<pct>\d+)\s*(?:\((?P<err>-?\w+)\)\s*(?P<msg>.*))?$"
_SUM_ROW = re.compile(r"^\s*(?P<dsa>[^\s(][^\s]*)\s+(?P<delta>\S.*?)\s+" + _SUM_TAIL)
# A name glued to its delta ("BNE-DC-0101h:18m:00s", as PDFs and some pages give it): repadmin pads every
# unit of the delta to two digits, which is what tells where the name ends.
_DELTA = (r"(?:>\s*60 days|(?:\d\dd\.)?(?:\d\dh:)?\d\dm:\d\ds|(?:\d\dd\.)?\d\dh:\d\dm(?::\d\ds)?|:\d\ds"
          r"|\d\dd\.\d\dh(?::\d\dm)?)")
_GLUED_ROW = re.compile(r"^\s*(?P<dsa>[^\s:(]{1,253}?)(?P<delta>" + _DELTA + r")\s*" + _SUM_TAIL)
_OPERATIONAL = re.compile(r"^\s*(-?\d+)\s+-\s+(\S+)\s*$")
_QUOTED = re.compile(r'^(\s*)"(.*)",?\s*$')  # Ansible's stdout_lines and JSON quote every line


def _sum_row(line: str) -> re.Match[str] | None:
    """A row of a /replsummary table, spaced as repadmin prints it, collapsed to single spaces, or glued.
    A name never holds a colon: one that does is a name glued to its delta."""
    m = _SUM_ROW.match(line)
    if m and ":" not in m["dsa"]:
        return m
    return _GLUED_ROW.match(line)


def _replsum(text: str) -> Found | None:
    headers = list(_SUM_HEADER.finditer(text))
    start = re.search(r"Replication Summary Start Time", text, re.I)
    if not headers and not start:
        return None
    facts: dict = {"source": [], "destination": [], "operational_errors": []}
    table = None
    for line in text[(start or headers[0]).start():].split("\n"):
        line = _QUOTED.sub(r"\1\2", line)
        if m := _SUM_HEADER.match(line):
            table = m.group(1).lower()
        elif not table:
            continue
        elif m := _sum_row(line):
            facts[table].append({"dsa": m["dsa"], "largest_delta": m["delta"].strip(), "fails": int(m["fails"]),
                                 "total": int(m["total"]), "percent": int(m["pct"]),
                                 "error": to_int(m["err"]) if m["err"] else None,
                                 "message": (m["msg"] or "").strip()})
        elif m := _OPERATIONAL.match(line):
            facts["operational_errors"].append({"error": to_int(m.group(1)), "server": m.group(2)})
        elif line.strip() and not line.lstrip().startswith("Experienced"):
            table = None  # the end of the tables
    rows = facts["source"] + facts["destination"]
    errors = unique_codes([r["error"] for r in rows] + [o["error"] for o in facts["operational_errors"]])
    failing = [r["dsa"] for r in rows if r["fails"]]
    return Found(REPLSUM, (start or headers[0]).start(), facts, errors,
                 hosts(*failing, *(r["dsa"] for r in rows), *(o["server"] for o in facts["operational_errors"])))
