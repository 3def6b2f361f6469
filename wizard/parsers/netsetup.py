"""%SystemRoot%\\debug\\netsetup.log: the DC chosen, the failing step, the final status of the join, the
joining computer and the domain.

Every Windows version writes it: Windows 2000/XP/2003 stamp lines `MM/DD HH:MM:SS` (no year), later ones
`MM/DD/YYYY HH:MM:SS:mmm`, sometimes with a `[thread id]`; articles quote it with `mm/dd/yyyy hh:mm:ss:ms`
or without stamps. The names come from the join's own fields (HostName, NetbiosName, Machine, Domain,
lpDcName, DnsForestName) or, in short excerpts, from the lines that check them (NetpValidateName, ...).

Every non-zero status the log reports as a failure counts (NetUserAdd's 0x8b0, "the account already
exists", is a failure the join recovers from, so it is reported after the final status), except the
statuses of steps that fail on healthy joins too (_BENIGN).
"""

from __future__ import annotations

import re

from wizard.parsers.common import Found, host, hosts
from wizard.parsers.errorcodes import to_int, unique_codes

KIND = "netsetup-log"
_STAMP = re.compile(r"^\s*(?:\d{1,2}/\d{1,2}(?:/\d{4})?\s+\d{1,2}:\d{2}:\d{2}(?:[:.]\d+)?|mm/dd/yyyy\s+hh:mm:ss:ms)"
                    r"\s+(?:\[[0-9a-fA-F]+\]\s*)?")
_LINE = re.compile(r"^\s*(Netp\w+|NetUserAdd\w*|NetUseAdd\w*|NetJoin\w*|NetUnjoin\w*|ldap_\w+|DsGetDcName\w*)"
                   r"\s*:?\s*(.*)$")
# the step's own status ends the line; "..., last error is 0x0" after it is GetLastError's, not the step's
_LAST_ERROR = re.compile(r",\s*last error is\s+0x[0-9a-f]+\s*$", re.I)
_STATUS = re.compile(r"(?<!flags)(?<!options)(?:[:=]|\bstatus|\breturned)\s*'?(0x[0-9a-f]{1,8})'?\s*\.?\s*$", re.I)
_DECIMAL = re.compile(r"\breturned\s+(\d{1,10})\s*$", re.I)  # Windows 2000: "NetUseAdd to \\dc\IPC$ returned 5"
_UNC = re.compile(r"\\{1,2}([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])")
_FOUND_DC = re.compile(r"found DC '?\\{0,2}([^'\s]+)'?", re.I)
_FIELD = re.compile(r"^\s*(MachineName|HostName|NetbiosName|Machine|lpHostName|lpMachineName|DomainName|Domain"
                    r"|lpDomain|DnsForestName|lpDcName|MachineAccountOU|Options)\s*:\s*(.*?)\s*$")
_VALID_TO_JOIN = re.compile(r"^NetpMachineValidToJoin:\s*'([^']+)'")
_VALIDATE = re.compile(r"^NetpValidateName: checking to see if '([^']+)' is valid as type (\d)")
_FIND_IN = re.compile(r"trying to find DC in domain '([^']+)'")
# (function, status) that healthy joins log too: a secret not created yet, a registry value left at its
# default, a DNS domain name that is no NetBIOS name, no DC holding the account yet, "restart to finish"
_BENIGN = {("NetpLsaOpenSecret", -1073741772), ("NetpLoadParameters", 2), ("NetpValidateName", 0x7B),
           ("NetpDsGetDcName", 0x525), ("NetpContinueProvisioningPackageInstall", 0xA99)}
_FINAL = ("NetpDoDomainJoin", "NetpUnJoinDomain", "NetpDoUnjoinDomain", "NetpProvisionComputerAccount")
# NetValidateName's types: 1 = NetBIOS computer name, 5 = DNS computer name, 3 = domain (2 = workgroup)
_NAME_TYPES = {"1": "_machine", "5": "_machine", "3": "_domain"}
_MACHINE_FIELDS = ("HostName", "lpHostName", "Machine", "MachineName", "lpMachineName", "NetbiosName")
_DOMAIN_FIELDS = ("Domain", "DomainName", "lpDomain")


def parse(text: str) -> list[Found]:
    steps, fields, found_dcs, pos = [], {}, [], None
    offset = 0
    for raw in text.split("\n"):
        line = _STAMP.sub("", raw)
        if m := _LINE.match(line):
            pos = offset if pos is None else pos
            steps.append(_step(m.group(1), m.group(2)))
            found_dcs += _FOUND_DC.findall(m.group(2))
            _names_in_step(steps[-1]["line"], fields)
        elif (m := _FIELD.match(line)) and pos is not None:
            fields[m.group(1)] = m.group(2)
        offset += len(raw) + 1
    if pos is None or not any(s["function"].startswith("Netp") for s in steps):
        return []
    return [_found(steps, fields, found_dcs, pos)]


def _step(func: str, rest: str) -> dict:
    body = _LAST_ERROR.sub("", rest)
    status = _STATUS.search(body) or _DECIMAL.search(body)
    return {"function": func, "line": f"{func}: {rest}".strip(), "status": to_int(status.group(1)) if status else None}


def _names_in_step(line: str, fields: dict) -> None:
    """Short excerpts have no field block: the lines that check the names say them too (the last wins)."""
    if m := _VALID_TO_JOIN.match(line):
        fields["_machine"] = m.group(1)
    elif (m := _VALIDATE.match(line)) and m.group(2) in _NAME_TYPES:
        fields[_NAME_TYPES[m.group(2)]] = m.group(1)
    elif m := _FIND_IN.search(line):
        fields.setdefault("_domain", m.group(1))


def _found(steps: list[dict], fields: dict, found_dcs: list[str], pos: int) -> Found:
    failures = [s for s in steps if s["status"] and (s["function"], s["status"]) not in _BENIGN]
    finals = [s for s in steps if s["function"] in _FINAL and s["status"] is not None]
    final = finals[-1]["status"] if finals else None
    root = next((s for s in failures if s["status"] == final and s["function"] not in _FINAL), None) if final else None
    if final is None and failures:  # a log cut before the end: the first failure is the best lead
        root = failures[0]
    dc = _dc(root, found_dcs, steps) or fields.get("lpDcName", "")
    machine, domain = _first(fields, _MACHINE_FIELDS + ("_machine",)), _first(fields, _DOMAIN_FIELDS + ("_domain",))
    facts = {
        "dc": dc,
        "failing_step": root["line"] if root else "",
        "failing_function": root["function"] if root else "",
        "final_status": hex(final & 0xFFFFFFFF) if final is not None else None,
        "final_error": final,
        "failures": [{"step": s["line"], "status": hex(s["status"] & 0xFFFFFFFF), "error": s["status"]}
                     for s in failures],
        "machine": machine,
        "domain": domain,
        "forest": _forest(fields.get("DnsForestName", ""), domain),
        "joins": sum(1 for s in finals if s["function"] == "NetpDoDomainJoin"),
    }
    errors = unique_codes([final] + [s["status"] for s in failures])
    return Found(KIND, pos, facts, errors, hosts(dc, *found_dcs, machine))


def _first(fields: dict, names: tuple[str, ...]) -> str:
    """The first named field that holds a name ("(NULL)" and "(null)" are the log's empty values)."""
    return next((fields[n] for n in names if not fields.get(n, "(").startswith("(") and host(fields[n])), "")


def _forest(forest: str, domain: str) -> str:
    """The forest the DC locator reported, else the DNS domain joined (a tree's root is the forest in most
    pastes); a NetBIOS domain name is no DNS name and says nothing of the forest."""
    for name in (forest, domain):
        if "." in name and host(name):
            return name.lower()
    return ""


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
