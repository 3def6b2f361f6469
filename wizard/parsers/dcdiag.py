"""dcdiag: failed tests, DsBindWithSpnEx errors, RPC extended error info, replication failures."""

from __future__ import annotations

import re

from wizard.parsers.common import Found, hosts, msdcs, number, split_site
from wizard.parsers.errorcodes import to_int, unique_codes

KIND = "dcdiag"
_SIGN = re.compile(r"^\s*(?:Starting test:|Testing server:|Directory Server Diagnosis|Doing primary tests)"
                   r"|DsBindWithSpnEx\(\)|\S\s+(?:passed|failed) test\s+\w|LDAP bind failed with error"
                   r"|Ldap search capab\w* attribute search failed", re.I | re.M)
_TESTING = re.compile(r"^\s*Testing server:\s*(\S.*?)\s*$", re.M)
_RESULT = re.compile(r"^[\s.]*(\S+)\s+(passed|failed) test\s+(\S+)", re.M)
_BIND = re.compile(r"\[([^\]\n]*)\]\s*DsBindWithSpnEx\(\) failed with error\s+(-?\w+)", re.I)
# dcdiag's LDAP calls: a bind prints the Win32 error (LdapMapErrorToWin32); the Advertising test's rootDSE
# search prints the raw LDAP result ("return value = 81", LDAP_SERVER_DOWN), spelled "capabality" by dcdiag
_LDAP_BIND = re.compile(r"\[([^\]\n]*)\]\s*LDAP bind failed with error\s+(-?\w+)", re.I)
_LDAP_SEARCH = re.compile(r"Ldap search capab\w* attribute search failed on server\s+([^\s,]+),?\s*"
                          r"return value\s*=\s*(-?\d+)", re.I)
_STATUS = re.compile(r"^\s*Status is\s+(-?\w+)", re.M)
_PARAM = re.compile(r"^\s*(Unicode string|Long val|Ansi string):\s*(.*)$", re.M)
_REPL = re.compile(r"\[Replications Check,\s*([^\]\n]*)\]\s*A recent replication attempt failed:")
_BLOCK_END = re.compile(r"^\s*(?:\[|\.{5,}|Starting test:)", re.M)
_FROM_TO = re.compile(r"^\s*From\s+(\S.*?)\s+to\s+(\S.*?)\s*$", re.M)
_NC = re.compile(r"Naming Context:\s*(\S.*)")
_GEN = re.compile(r"generated an error \((-?\w+)\)")
_FAILURES = re.compile(r"(\d+) failures? have occurred")
_WHEN = re.compile(r"The (failure|last success) occurred at\s*(.*?)\.?$", re.M)
_EXT = re.compile(r"Printing RPC Extended Error Info:")


def parse(text: str) -> list[Found]:
    first = _SIGN.search(text)
    if not first:
        return []
    tests = [{"server": s, "result": r, "test": t} for s, r, t in _RESULT.findall(text)]
    binds = [{"server": s, "error": to_int(e)} for s, e in _BIND.findall(text)]
    repl = [_replication(m.group(1), _block(text, m.end())) for m in _REPL.finditer(text)]
    facts = {
        "servers": [split_site(s)[1] for s in _TESTING.findall(text)],
        "failed_tests": [t for t in tests if t["result"] == "failed"],
        "passed_tests": [t["test"] for t in tests if t["result"] == "passed"],
        "bind_errors": binds,
        "ldap_errors": _ldap_errors(text),
        "extended_error": _extended(text),
        "replication_failures": repl,
    }
    ldap_win32 = [e["error"] for e in facts["ldap_errors"] if e["call"] == "bind"]  # LDAP results are no Win32 codes
    errors = unique_codes([b["error"] for b in binds] + [r["error"] for r in repl] + ldap_win32
                          + facts["extended_error"].get("statuses", []))
    names = ([b["server"] for b in binds] + [e["server"] for e in facts["ldap_errors"]]
             + [n for r in repl for n in (r["source"], r["destination"])])
    return [Found(KIND, first.start(), facts, errors, hosts(*facts["servers"], *names))]


def _ldap_errors(text: str) -> list[dict]:
    """The DCs dcdiag could not bind to or search over LDAP, with the error as printed."""
    binds = [{"server": s, "error": to_int(e), "call": "bind"} for s, e in _LDAP_BIND.findall(text)]
    searches = [{"server": s, "error": to_int(e), "call": "search"} for s, e in _LDAP_SEARCH.findall(text)]
    return binds + searches


def _extended(text: str) -> dict:
    """The RPC extended error records: statuses, the `<guid>._msdcs` name asked for and the port tried."""
    m = _EXT.search(text)
    if not m:
        return {}
    block = text[m.end():m.end() + 20000]
    end = re.search(r"^\s*\[|^\s*\.{5,}|^\s*Starting test:", block, re.M)
    block = block[:end.start()] if end else block
    info: dict = {"statuses": unique_codes(to_int(s) for s in _STATUS.findall(block))}
    strings = [v.strip() for k, v in _PARAM.findall(block) if k != "Long val"]
    name, guid, forest = msdcs(block)
    if name:
        info.update(msdcs=name, forest=forest)
        if guid:
            info["guid"] = guid
    protocols = [s for s in strings if s.startswith(("ncacn_", "ncadg_"))]
    if protocols:
        info["protocol"] = protocols[0]
    ports = [p for p in map(number, strings) if p and p < 65536]  # "Unicode string: 1025"
    if ports:
        info["port"] = ports[0]
    return info


def _block(text: str, start: int) -> str:
    """The lines of one dcdiag message: up to the next `[...]` message, test line or 15 lines."""
    body = "\n".join(text[start:start + 4000].split("\n")[:16])
    end = _BLOCK_END.search(body, 1)
    return body[:end.start()] if end else body


def _replication(server: str, body: str) -> dict:
    ft, nc, gen, fails = _FROM_TO.search(body), _NC.search(body), _GEN.search(body), _FAILURES.search(body)
    when = {k: v.strip() for k, v in _WHEN.findall(body)}
    source, dest = (split_site(ft.group(1))[1], split_site(ft.group(2))[1]) if ft else ("", "")
    return {"server": server.strip(), "source": source, "destination": dest,
            "naming_context": nc.group(1).strip() if nc else "",
            "error": to_int(gen.group(1)) if gen else None,
            "consecutive_failures": int(fails.group(1)) if fails else None,
            "last_failure": when.get("failure", ""), "last_success": when.get("last success", "")}
