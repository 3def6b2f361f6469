"""nslookup (Windows and BIND layouts): one query per `Server:` block, with its answers or failure."""

from __future__ import annotations

import re

from wizard.engine.names import is_valid_address
from wizard.parsers.common import Found, hosts

KIND = "nslookup"
_SERVER = re.compile(r"^\s*(?:Default )?Server:\s*(\S+)", re.I)
_ADDRESS = re.compile(r"^\s*Address(?:es)?:\s*(\S+)", re.I)
_NAME = re.compile(r"^\s*Name:\s*(\S+)", re.I)
_ALIASES = re.compile(r"^\s*Aliases:\s*(\S+)", re.I)
_CNAME = re.compile(r"^\s*(\S+?)\.?\s+canonical name\s*=\s*(\S+?)\.?\s*$", re.I)
_INTERNET = re.compile(r"^\s*(\S+?)\.?\s+(?:internet address|AAAA IPv6 address|has address)\s*=?\s*(\S+)", re.I)
_CANT_FIND = re.compile(r"^\s*\*{2,3}\s*(?:(\S+)\s+)?can't find\s+(\S+?):\s*(.*)$", re.I)
_TIMEOUT = re.compile(r"DNS request timed out|Request to \S+ timed-?out|connection timed out", re.I)
_COMMAND = re.compile(r"\bnslookup\b(?P<args>[^\n]*)", re.I)
_NO_DATA = re.compile(r"No internal type for both IPv4 and IPv6|No answer", re.I)
_SIGN = re.compile(r"^\s*(?:Default )?Server:\s*\S+\s*\n\s*Address(?:es)?:|can't find \S+:|canonical name\s*=",
                   re.I | re.M)


def parse(text: str) -> list[Found]:
    sign = _SIGN.search(text)
    if not sign:
        return []
    queries = _queries(text)
    if not queries:
        return []
    names = [n for q in queries for n in (q["name"], q["cname"], *q["addresses"])]
    pos = max(0, text.rfind("\n", 0, sign.start()) + 1)
    return [Found(KIND, pos, {"queries": queries}, [], hosts(*names))]


def _new(server: str = "", asked: tuple[str, str] = ("", "")) -> dict:
    return {"server": server, "server_address": "", "name": asked[0], "type": asked[1], "addresses": [],
            "cname": "", "aliases": [], "status": ""}


def _queries(text: str) -> list[dict]:
    queries: list[dict] = []
    q: dict | None = None
    asked = ("", "")
    field = ""
    for line in text.split("\n"):
        if m := _COMMAND.search(line):
            asked = _asked(m.group("args"))
            q = None
        if m := _SERVER.match(line):
            q = _new(m.group(1), asked)
            queries.append(q)
            field = "server"
            continue
        if q is None:
            if _CANT_FIND.match(line) or _CNAME.match(line):
                q = _new("", asked)
                queries.append(q)
            else:
                continue
        if m := _ADDRESS.match(line):
            value = m.group(1).split("#")[0]
            if field == "server" and not q["server_address"]:
                q["server_address"] = value
            else:
                q["addresses"].append(value)
                field = "addresses"
        elif m := _NAME.match(line):
            q["name"], field = m.group(1).rstrip("."), "name"
        elif m := _ALIASES.match(line):
            q["aliases"].append(m.group(1).rstrip("."))
            field = "aliases"
        elif m := _CNAME.match(line):
            q["name"] = q["name"] or m.group(1)
            q["cname"], field = m.group(2).lower(), "cname"
        elif m := _INTERNET.match(line):
            q["addresses"].append(m.group(2))
        elif m := _CANT_FIND.match(line):
            q["name"] = q["name"] or m.group(2)
            q["status"] = _failure(m.group(3))
        elif _TIMEOUT.search(line):
            q["status"] = q["status"] or "timeout"
        elif field in ("addresses", "aliases") and line.strip() and len(line.split()) == 1:
            value = line.strip().rstrip(".")  # a continuation line under Addresses:/Aliases:
            if field == "addresses" and is_valid_address(value):
                q["addresses"].append(value)
            elif field == "aliases":
                q["aliases"].append(value)
        elif _NO_DATA.search(line):
            q["status"] = q["status"] or "nodata"
        elif line.strip():
            field = field if field == "server" else ""
    for q in queries:
        q["status"] = "ok" if q["addresses"] or q["cname"] else (q["status"] or "nodata")
    return queries


def _failure(reason: str) -> str:
    reason = reason.lower()
    if "non-existent" in reason or "nxdomain" in reason:
        return "nxdomain"
    if "timed" in reason or "no response" in reason:
        return "timeout"
    if "no answer" in reason:
        return "nodata"
    return "error"


def _asked(args: str) -> tuple[str, str]:
    """(name, type) from `nslookup -type=cname NAME SERVER`."""
    words = args.split()
    qtype = next((w.split("=", 1)[1].upper() for w in words if w.lower().startswith(("-type=", "-q=", "-querytype="))),
                 "")
    names = [w for w in words if not w.startswith("-")]
    return (names[0].rstrip(".") if names else ""), qtype
