"""Exchange RPC over HTTP (Outlook Anywhere) outputs: rpcping, the RPC proxy's IIS log, Remote Connectivity
Analyzer results.

    rpcping -t ncacn_http -s mbx01 -o RpcProxy=mail.contoso.com -P "user,contoso,*" -I "user,contoso,*" -H 1 -u 10
    Exception 1722 (0x000006BA)
    2013-03-21 23:06:14 10.0.0.1 RPC_OUT_DATA /rpc/rpcproxy.dll cas.contoso.com:6001 443 CONTOSO\\user 10.0.0.10 MSRPC 503 3 0 15
    ... RPC Error: 6ba ...                       (the proxy's answer when the back end's port did not answer)
    Testing RPC over HTTP connectivity to server srv.company.local / Attempting to ping ... endpoint with identity: mbx:6001
"""

from __future__ import annotations

import re

from wizard.parsers.common import Found, hosts
from wizard.parsers.errorcodes import codes_in, to_int

RPCPING = "rpcping"
PROXY_LOG = "rpcproxy-log"
ANALYZER = "connectivity-analyzer"
SIGN = re.compile(r"rpcping|Completed \d+ calls|RPC_(?:IN|OUT)_DATA|rpcproxy\.dll|RPC Error:|ExRCA"
                  r"|Connectivity Analyzer|RPC(?:/HTTP| over HTTP) connectivity|endpoint with identity", re.I)
_PING_SIGN = re.compile(r"\brpcping(?:\.exe)?\s+[-/]|RPCPing v\d|Completed \d+ calls in", re.I)
_PING_SERVER = re.compile(r"\brpcping(?:\.exe)?\b[^\n]{0,200}?\s[-/]s\s+([\w.-]+)", re.I)
_PROXY = re.compile(r"RpcProxy=([\w.-]+)", re.I)
_EXCEPTION = re.compile(r"Exception\s+(\d{1,10})\s*\((0x[0-9a-f]+)\)", re.I)
_COMPLETED = re.compile(r"Completed\s+(\d+)\s+calls", re.I)
_REQUEST = re.compile(r"\b(RPC_IN_DATA|RPC_OUT_DATA)\s+(\S*rpcproxy\.dll)\S*\s+\??([\w.-]+):(\d{1,5})\b([^\n]*)", re.I)
_STATUS = re.compile(r"\s(\d{3})\s+(\d+)\s+(\d+)\s+\d+\s*$")
_RPC_ERROR = re.compile(r"RPC Error:\s*(?:0x)?([0-9a-f]{1,8})\b", re.I)
_ANALYZER_SIGN = re.compile(r"ExRCA|Remote Connectivity Analyzer|Testing RPC(?:/HTTP| over HTTP) connectivity"
                            r"|endpoint with identity|testconnectivity\.microsoft\.com", re.I)
_TEST = re.compile(r"^[\s*-]*((?:Testing|Attempting|Host|The (?:RPC|test|attempt))\b[^\n]*)", re.M)
_FAILED = re.compile(r"fail|couldn't|could not|unable|error", re.I)
_IDENTITY = re.compile(r"endpoint with identity:\s*([\w.-]+):(\d+)", re.I)


def parse(text: str) -> list[Found]:
    return [f for f in (_rpcping(text), _proxy_log(text), _analyzer(text)) if f]


def _rpcping(text: str) -> Found | None:
    sign = _PING_SIGN.search(text) if any(w in text for w in ("rpcping", "RPCPing", "RPCPING", "Completed ")) else None
    if not sign:
        return None
    servers, proxies = _PING_SERVER.findall(text), _PROXY.findall(text)
    exceptions = [int(code) for code, _ in _EXCEPTION.findall(text)]
    completed = _COMPLETED.search(text)
    facts = {"server": servers[0] if servers else "", "proxy": proxies[0] if proxies else "",
             "exceptions": exceptions, "completed_calls": int(completed.group(1)) if completed else None}
    return Found(RPCPING, sign.start(), facts, list(dict.fromkeys(exceptions)), hosts(*servers, *proxies))


def _proxy_log(text: str) -> Found | None:
    if not any(w in text for w in ("RPC_IN_DATA", "RPC_OUT_DATA", "RPC Error")):
        return None
    requests = []
    for m in _REQUEST.finditer(text):
        status = _STATUS.search(m.group(5))
        requests.append({"method": m.group(1).upper(), "target": m.group(3), "port": int(m.group(4)),
                         "status": int(status.group(1)) if status else None})
    rpc_errors = [code for code in (to_int("0x" + e) for e in _RPC_ERROR.findall(text)) if code]
    if not requests and not rpc_errors:
        return None
    first = min(m.start() for m in (_REQUEST.search(text), _RPC_ERROR.search(text)) if m)
    facts = {"requests": requests[:1000], "rpc_errors": list(dict.fromkeys(rpc_errors))}
    return Found(PROXY_LOG, first, facts, facts["rpc_errors"], hosts(*(r["target"] for r in requests)))


def _analyzer(text: str) -> Found | None:
    words = ("ExRCA", "Connectivity Analyzer", "connectivity", "endpoint with identity")
    sign = _ANALYZER_SIGN.search(text) if any(w in text for w in words) else None
    if not sign:
        return None
    tests = [t.strip() for t in _TEST.findall(text[sign.start():])][:200]
    endpoints = [{"host": h, "port": int(p)} for h, p in _IDENTITY.findall(text)]
    facts = {"tests": tests, "failed": [t for t in tests if _FAILED.search(t)], "endpoints": endpoints}
    names = [e["host"] for e in endpoints]
    return Found(ANALYZER, sign.start(), facts, codes_in("\n".join(facts["failed"])), hosts(*names))
