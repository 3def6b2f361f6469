"""What a parsed log tells `diagnose` before any probe runs: the DCs, the forest, the GUID, DNS servers, the
TCP dynamic port range (netsh int ipv4 show dynamicport tcp) as `dynamic_range` "start-end".

target = the source DC (replication), the DC the join chose or the server an endpoint dump was taken from;
dest = the computer that logged the failure (the destination DC, the joining computer).
Names are as the tool printed them (repadmin prints NetBIOS-style names); placeholders are dropped.
ipconfig's 127.0.0.1 / ::1 DNS server means the machine itself: it becomes that adapter's own address,
which is what the wizard has to ask from elsewhere.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from wizard.engine.names import is_valid_address
from wizard.parsers.common import dn_forest, host
from wizard.parsers.model import ParsedPaste
from wizard.parsers.netsh import tcp_range

# events a server logs about its own RPC set-up (Netlogon cannot add its AuthZ interface): the computer that
# logged it is the one to examine; other failure events are logged by the caller, the destination
_SERVER_EVENTS = {5820}
_FAILURE_LEVELS = {"error", "warning", "critical", "failure audit", "failureaudit"}


def context_from(parsed: ParsedPaste) -> dict[str, Any]:
    found: dict[str, Any] = {}
    # failure reports first; what an endpoint dump or port check was run against only fills what they leave
    for reader in (_dcdiag, _showrepl, _syncall, _replsum, _event, _netsetup, _powershell, _nltest, _rpc_http,
                   _showobjmeta, _endpoints):
        for key, value in reader(parsed.facts).items():
            if value and key not in found:
                found[key] = value
    servers = _dns_servers(parsed.facts.get("ipconfig", {}))
    if servers:
        found["dns_servers"] = servers
    dynamic = tcp_range(parsed.facts.get("netsh-dynamicport"))
    if dynamic:
        found["dynamic_range"] = dynamic
    for key in ("target", "dest", "forest", "proxy"):
        if key in found and not host(str(found[key])):
            del found[key]
    return found


def _dcdiag(facts: dict) -> dict:
    d = facts.get("dcdiag")
    if not d:
        return {}
    ext = d.get("extended_error", {})
    failing = [r for r in d["replication_failures"] if host(r["source"])]
    binds = [b["server"] for b in d["bind_errors"] + d.get("ldap_errors", []) if host(b["server"])]
    dests = [r["destination"] for r in failing if host(r["destination"])] + [s for s in d["servers"] if host(s)]
    return {"target": failing[0]["source"] if failing else (binds[0] if binds else None),
            "dest": dests[0] if dests and failing else None,
            "forest": ext.get("forest") or _forest_of([r["naming_context"] for r in failing]),
            "guid": ext.get("guid")}


def _showrepl(facts: dict) -> dict:
    r = facts.get("repadmin-showrepl")
    if not r:
        return {}
    failing = [n for n in r["neighbors"] if n["result"]]
    first = failing[0] if failing else None
    return {"target": first["source"] if first else None,
            "dest": (first.get("destination") or r["server"]) if first else None,
            "guid": first["dsa_guid"] if first else None,
            "forest": _forest_of([n["naming_context"] for n in r["neighbors"]])}


def _syncall(facts: dict) -> dict:
    r = facts.get("repadmin-syncall")
    failing = [f for f in (r or {}).get("failures", []) if f["result"]]
    if not failing:
        return {}
    first = failing[0]
    return {"target": first["source"] or None, "dest": first["destination"] or r["server"],
            "guid": first["guid"] or None, "forest": first["forest"] or _forest_of([first["naming_context"]])}


def _replsum(facts: dict) -> dict:
    r = facts.get("repadmin-replsum")
    if not r:
        return {}
    sources = [row["dsa"] for row in r["source"] if row["fails"]]
    dests = [row["dsa"] for row in r["destination"] if row["fails"]]
    return {"target": sources[0] if len(sources) == 1 else None, "dest": dests[0] if len(dests) == 1 else None}


def _event(facts: dict) -> dict:
    events = [e for e in facts.get("event", {}).get("events", []) if _failed(e)]
    for e in events:
        if e.get("source_dc") or e.get("guid"):
            return {"target": e.get("source_dc"), "dest": e.get("computer"), "guid": e.get("guid"),
                    "forest": e.get("forest") or dn_forest(e["description"])}
    for e in events:
        if e.get("computer"):
            return {"target" if e["id"] in _SERVER_EVENTS else "dest": e["computer"]}
    return {}


def _failed(event: dict) -> bool:
    return bool(event.get("error")) or event.get("level", "").lower() in _FAILURE_LEVELS


def _netsetup(facts: dict) -> dict:
    """The DC the join talks to, the computer joining (it writes the log) and the domain it joins."""
    n = facts.get("netsetup-log")
    return {"target": n["dc"], "dest": n.get("machine"), "forest": n.get("forest")} if n else {}


def _powershell(facts: dict) -> dict:
    """The computer a failing cmdlet was pointed at (-ComputerName, or the record's own target)."""
    targets = [r["target"] for r in facts.get("powershell-error", {}).get("records", []) if r["errors"]]
    return {"target": targets[0]} if targets else {}


def _nltest(facts: dict) -> dict:
    """nltest /server:X asks X; otherwise the secure channel's DC is the one that answered."""
    n = facts.get("nltest")
    if not n or not any(s["status"] for s in n["statuses"]):
        return {}
    return {"target": (n["servers"] or [n["dc"]])[0]}


def _rpc_http(facts: dict) -> dict:
    """Exchange RPC over HTTP: the mailbox server behind the proxy is the RPC server; the proxy fills `proxy`."""
    ping = facts.get("rpcping", {})
    requests = [r for r in facts.get("rpcproxy-log", {}).get("requests", []) if r["target"]]
    if ping.get("server"):
        return {"target": ping["server"], "proxy": ping.get("proxy")}
    return {"target": requests[0]["target"]} if requests else {}


def _endpoints(facts: dict) -> dict:
    """rpcdump and portqry were pointed at the server whose endpoints are in question."""
    for kind in ("rpcdump", "portqry"):
        target = facts.get(kind, {}).get("target")
        if target:
            return {"target": target}
    return {}


def _showobjmeta(facts: dict) -> dict:
    m = facts.get("repadmin-showobjmeta")
    if not m:
        return {}
    return {"target": m["server"], "guid": m["object_guid"], "forest": dn_forest(m["object"])}


def _forest_of(naming_contexts: list[str]) -> str | None:
    """Configuration and Schema live under the forest root; a domain NC alone does not say the forest."""
    for nc in naming_contexts:
        forest = dn_forest(nc)
        if forest:
            return forest
    return None


def _dns_servers(ipconfig: dict) -> list[str]:
    servers: list[str] = []
    for adapter in ipconfig.get("adapters", []):
        own = [a for a in adapter["ipv4"] if is_valid_address(a)]
        for server in adapter["dns_servers"]:
            if ipaddress.ip_address(server.split("%")[0]).is_loopback:
                server = own[0] if own else ""
            if server and server not in servers:
                servers.append(server)
    return servers
