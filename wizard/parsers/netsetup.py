"""%SystemRoot%\\debug\\netsetup.log: the DC chosen, the failing step, the final status of the join.

Every non-zero status the log reports as a failure counts (NetUserAdd's 0x8b0, "the account already
exists", is a failure the join recovers from, so it is reported after the final status), except
NetpLsaOpenSecret's 0xc0000034 (STATUS_OBJECT_NAME_NOT_FOUND): the join looks up an LSA secret that
does not exist yet, on healthy joins too.
"""

from __future__ import annotations

import re

from wizard.parsers.common import Found, hosts
from wizard.parsers.errorcodes import to_int, unique_codes

KIND = "netsetup-log"
_STAMP = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}:\d{2}(?:[:.]\d+)?\s+")
_LINE = re.compile(r"^\s*(Netp\w+|NetUserAdd\w*|NetJoin\w*|NetUnjoin\w*|ldap_\w+|DsGetDcName\w*)\s*:?\s*(.*)$")
_STATUS = re.compile(r"(?<!flags)(?<!options)(?:[:=]|\bstatus|\breturned)\s*'?(0x[0-9a-f]{1,8})'?\s*\.?\s*$", re.I)
_UNC = re.compile(r"\\{1,2}([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])")
_FOUND_DC = re.compile(r"found DC '?\\{0,2}([^'\s]+)'?", re.I)
_FIELD = re.compile(r"^\s*(MachineName|DomainName|MachineAccountOU|Options)\s*:\s*(.*?)\s*$")
_BENIGN = {("NetpLsaOpenSecret", -1073741772)}  # 0xc0000034
_FINAL = ("NetpDoDomainJoin", "NetpUnJoinDomain", "NetpDoUnjoinDomain", "NetpProvisionComputerAccount")


def parse(text: str) -> list[Found]:
    steps, fields, found_dcs, pos = [], {}, [], None
    offset = 0
    for raw in text.split("\n"):
        line = _STAMP.sub("", raw)
        if m := _LINE.match(line):
            pos = offset if pos is None else pos
            func, rest = m.group(1), m.group(2)
            status = _STATUS.search(rest)
            steps.append({"function": func, "line": f"{func}: {rest}".strip(),
                          "status": to_int(status.group(1)) if status else None})
            found_dcs += _FOUND_DC.findall(rest)
        elif (m := _FIELD.match(line)) and pos is not None:
            fields[m.group(1)] = m.group(2)
        offset += len(raw) + 1
    if pos is None or not any(s["function"].startswith("Netp") for s in steps):
        return []
    failures = [s for s in steps if s["status"] and (s["function"], s["status"]) not in _BENIGN]
    finals = [s for s in steps if s["function"] in _FINAL and s["status"] is not None]
    final = finals[-1]["status"] if finals else None
    root = next((s for s in failures if s["status"] == final and s["function"] not in _FINAL), None) if final else None
    if final is None and failures:  # a log cut before the end: the first failure is the best lead
        root = failures[0]
    dc = _dc(root, found_dcs, steps)
    facts = {
        "dc": dc,
        "failing_step": root["line"] if root else "",
        "failing_function": root["function"] if root else "",
        "final_status": hex(final & 0xFFFFFFFF) if final is not None else None,
        "final_error": final,
        "failures": [{"step": s["line"], "status": hex(s["status"] & 0xFFFFFFFF), "error": s["status"]}
                     for s in failures],
        "machine": fields.get("MachineName", ""),
        "domain": fields.get("DomainName", ""),
        "joins": sum(1 for s in finals if s["function"] == "NetpDoDomainJoin"),
    }
    errors = unique_codes([final] + [s["status"] for s in failures])
    return [Found(KIND, pos, facts, errors, hosts(dc, *found_dcs))]


def _dc(root: dict | None, found_dcs: list[str], steps: list[dict]) -> str:
    """The DC of the failing step, else the DC the locator found, else the DC named most often."""
    for candidate in ([root["line"]] if root else []):
        named = hosts(*_UNC.findall(candidate))
        if named:
            return named[0]
    located = hosts(*found_dcs)
    if located:
        return located[-1]
    named = [h for s in steps for h in hosts(*_UNC.findall(s["line"]))]
    return max(named, key=named.count) if named else ""
