"""A pasted output answering one node whose probe could not run from here (run on the DC instead).

answer_from_paste(probe, text, params) -> (outcome, evidence, summary) or None when the text does
not answer that probe. Outcomes come from the probe's vocabulary in CATALOG (or `error` / `skipped`);
evidence carries the probe's exported facts under their catalog names (endpoint_port, address,
resolved_from, answered_by, cname_target, endpoints, ntds_guid, guid) so a caller can feed later nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from wizard.engine.catalog import DRS_UUID
from wizard.engine.names import is_valid_address
from wizard.engine.results import ERROR, SKIPPED
from wizard.parsers.common import number, short
from wizard.parsers.detect import parse_text
from wizard.parsers.model import ParsedPaste
from wizard.parsers.regquery import value_of
from wizard.parsers.rpcports import RPC_INTERNET_ABSENT, evaluate_rpc_ports

Answer = tuple[str, dict[str, Any], str]
_STATE = {"LISTENING": "listening", "NOT LISTENING": "not-listening", "FILTERED": "filtered",
          "NOT LISTENING OR FILTERED": "filtered"}
_SEVERITY = ("filtered", "not-listening", "listening")  # the worst port decides, as the live probe does
_RPC_INTERNET = r"Rpc\\?Internet\s*$"


def answer_from_paste(probe: str, text: str, params: dict) -> Answer | None:
    """`params` are what the node's check was asked about (its filled-in parameters): a paste about
    another host, address or port does not answer it."""
    reader = _READERS.get(probe)
    if reader is None or not isinstance(text, str):
        return None
    return reader(parse_text(text), params or {})


def _elsewhere(found: object, params: dict) -> bool:
    """The paste is about another address than the one the check asked about (names are not compared:
    portqry -n takes either)."""
    wanted = str(params.get("address") or "")
    return is_valid_address(wanted) and is_valid_address(str(found or "")) and str(found) != wanted


def _port_135(parsed: ParsedPaste) -> Answer | None:
    """portqry's verdict on 135 itself: no endpoint list can follow a filtered or refused 135."""
    for port in parsed.facts.get("portqry", {}).get("ports", []):
        if port["protocol"] == "TCP" and port["port"] == 135 and port["state"] in ("FILTERED", "NOT LISTENING"):
            outcome = "filtered" if port["state"] == "FILTERED" else "refused"
            target = parsed.facts["portqry"].get("target", "")
            evidence = {"address": target, "port_135": port["state"]}
            return outcome, evidence, f"TCP 135 on {target or 'the server'}: {port['state']}."
    return None


def _endpoint_list(parsed: ParsedPaste) -> dict | None:
    """The endpoint dump of an rpcdump or `portqry -e 135` paste; None if the paste has none."""
    rpcdump = parsed.facts.get("rpcdump")
    if rpcdump:
        return rpcdump
    portqry = parsed.facts.get("portqry")
    if portqry and (portqry["endpoints"] or portqry["epm_queried"] or portqry["total"] is not None):
        return portqry
    return None


def _epm_map(parsed: ParsedPaste, params: dict) -> Answer | None:
    blocked = _port_135(parsed)
    if blocked:
        return blocked
    dump = _endpoint_list(parsed)
    if dump is None:
        return None
    uuid = str(params.get("interface") or DRS_UUID).lower()
    mine = [e for e in dump["endpoints"] if e["uuid"] == uuid]
    tcp = [e for e in mine if e["protocol"] == "ncacn_ip_tcp" and e["port"]]
    name = next((e["annotation"] for e in mine if e["annotation"]), uuid)
    evidence: dict[str, Any] = {"address": dump.get("target") or next((e["host"] for e in dump["endpoints"]), ""),
                                "interface": uuid, "bindings": [e["binding"] for e in mine],
                                "endpoints_listed": len(dump["endpoints"])}
    if tcp:
        evidence.update(port=tcp[0]["port"], binding=tcp[0]["binding"], endpoint_port=tcp[0]["port"])
        return "registered", evidence, f"{name} is registered on TCP {tcp[0]['port']} ({tcp[0]['binding']})."
    if not dump["complete"]:
        return ERROR, evidence, (f"{name} is not in the pasted endpoint list, "
                                 "but the list looks cut off: paste all of it.")
    others = sorted({e["protocol"] for e in mine})
    detail = f"; only on {', '.join(others)}" if others else ""
    return ("not-registered", evidence,
            f"{name} has no ncacn_ip_tcp endpoint in the pasted endpoint list{detail} (EPT_S_NOT_REGISTERED, 1753).")


def _epm_lookup(parsed: ParsedPaste, params: dict) -> Answer | None:
    blocked = _port_135(parsed)
    if blocked:
        return blocked
    dump = _endpoint_list(parsed)
    if dump is None:
        return None
    endpoints = dump["endpoints"]
    if not endpoints:
        if dump["total"] == 0:
            return "empty", {"endpoints": [], "tcp_ports": []}, "The endpoint mapper lists nothing."
        return ERROR, {"endpoints": []}, "The pasted endpoint list has no entries: it looks cut off."
    return ("listed", {"endpoints": endpoints, "tcp_ports": dump["tcp_ports"], "complete": dump["complete"]},
            f"{len(endpoints)} endpoints registered; TCP ports {dump['tcp_ports'] or 'none'}.")


def _tcp_ports(parsed: ParsedPaste, params: dict) -> Answer | None:
    states = [p for p in parsed.facts.get("portqry", {}).get("ports", []) if p["protocol"] == "TCP"]
    wanted = _wanted_ports(params.get("ports"))
    if wanted:
        states = [p for p in states if p["port"] in wanted]
    if not states:
        return None
    address = parsed.facts["portqry"].get("target") or next((p["host"] for p in states if p.get("host")), "")
    if _elsewhere(address, params):
        return None
    table = {str(p["port"]): {"state": p["state"], "detail": p["service"]} for p in states}
    worst = min((_STATE[p["state"]] for p in states), key=_SEVERITY.index)
    note = ""
    if any(p["state"] == "NOT LISTENING OR FILTERED" for p in states):
        note = " (Test-NetConnection does not tell a refusal from a silent drop: counted as filtered)"
    summary = "; ".join(f"TCP {p['port']}: {p['state']}" for p in states)
    return worst, {"address": address, "ports": table}, summary + note + "."


def _wanted_ports(ports: object) -> set[int]:
    items = ports if isinstance(ports, (list, tuple)) else str(ports or "").replace(",", " ").split()
    return {p for p in map(number, items) if p is not None}


def _queries(parsed: ParsedPaste, name: str | None) -> list[dict]:
    queries = parsed.facts.get("nslookup", {}).get("queries", [])
    if not name:
        return queries
    want = name.lower().rstrip(".")
    # a query whose name was not printed (a timeout without the command line) was pasted for this node
    return [q for q in queries if not q["name"] or q["name"].lower() == want
            or q["name"].lower().startswith(want + ".") or want.startswith(q["name"].lower() + ".")]


def _dns_host(parsed: ParsedPaste, params: dict) -> Answer | None:
    queries = [q for q in _queries(parsed, params.get("host")) if "_msdcs." not in q["name"].lower()]
    if not queries:
        return None
    evidence = {"host": params.get("host") or queries[0]["name"], "servers": _per_server(queries)}
    addresses = [a for q in queries for a in q["addresses"]]
    if addresses:
        evidence.update(address=addresses[0], resolved_from="dns")
        return "resolved", evidence, f"{evidence['host']} -> {addresses[0]} ({_statuses(queries)})."
    if any(q["status"] in ("nxdomain", "nodata") for q in queries):
        return "not-found", evidence, f"{evidence['host']} has no A/AAAA record ({_statuses(queries)})."
    return ERROR, evidence, f"No DNS server answered for {evidence['host']} ({_statuses(queries)})."


def _dns_cname(parsed: ParsedPaste, params: dict) -> Answer | None:
    guid, forest = params.get("guid"), params.get("forest")
    queries = _queries(parsed, f"{guid}._msdcs.{forest}" if guid and forest else None)
    queries = [q for q in queries
               if "_msdcs." in q["name"].lower() and (not guid or str(guid).lower() in q["name"].lower())]
    if not queries:
        return None
    evidence = {"name": queries[0]["name"], "servers": _per_server(queries, cname=True)}
    targets = sorted({q["cname"] for q in queries if q["cname"]})
    target = str(params.get("target") or "")
    if targets:
        evidence.update(cname_targets=targets, cname_target=targets[0])
        if target and all(_same_host(t, target) for t in targets):
            return "matches-target", evidence, f"{evidence['name']} -> {targets[0]}, the intended DC."
        return "other-host", evidence, f"{evidence['name']} -> {', '.join(targets)}, not {target or 'the intended DC'}."
    if any(q["status"] in ("nxdomain", "nodata") for q in queries):
        return "missing", evidence, f"{evidence['name']} does not exist in DNS ({_statuses(queries)})."
    return ERROR, evidence, f"No DNS server answered for {evidence['name']} ({_statuses(queries)})."


def _same_host(a: str, b: str) -> bool:
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    return a == b if "." in a and "." in b else short(a) == short(b)


def _per_server(queries: list[dict], cname: bool = False) -> dict[str, dict]:
    def answers(q: dict) -> list[str]:
        return ([q["cname"]] if q["cname"] else []) if cname else q["addresses"]
    return {q["server_address"] or q["server"] or f"query {i + 1}": {"status": q["status"], "answers": answers(q)}
            for i, q in enumerate(queries)}


def _statuses(queries: list[dict]) -> str:
    return ", ".join(f"{q['server'] or q['server_address'] or '?'}: {q['status']}" for q in queries)


def _identity(parsed: ParsedPaste, params: dict) -> Answer | None:
    n = parsed.facts.get("nbtstat")
    if not n or _elsewhere(n["address"], params):
        return None
    evidence = {"address": n["address"], "names": n["names"], "claimed": {"netbios": n["computer_names"][:1]}}
    if not n["computer_names"]:
        return "silent", evidence, f"Nothing at {n['address'] or 'the address'} answered with a NetBIOS name table."
    expected = params.get("expected") or params.get("target")
    if not expected:
        return ERROR, evidence, "No expected host name to compare the NetBIOS names with."
    want = short(str(expected))
    answered = n["computer_names"][0].upper()
    evidence.update(expected=expected, answered_by=answered)
    if want in (c.upper() for c in n["computer_names"]):
        return "match", {**evidence, "answered_by": want}, f"{n['address']} is {want} (NetBIOS)."
    return "mismatch", evidence, f"{n['address']} is {answered}, not {want} (NetBIOS)."


def _own_guid(parsed: ParsedPaste) -> tuple[str, str]:
    meta = parsed.facts.get("repadmin-showobjmeta", {})
    if meta.get("object_guid"):
        return meta["object_guid"], f"objectGUID of {meta.get('object') or 'the NTDS Settings object'}"
    repl = parsed.facts.get("repadmin-showrepl", {})
    if repl.get("dsa_guid"):
        return repl["dsa_guid"], f"DSA object GUID of {repl.get('server') or 'the DC'} (repadmin /showrepl)"
    return "", ""


def _ntds_guid(parsed: ParsedPaste, params: dict) -> Answer | None:
    own, where = _own_guid(parsed)
    if not own:
        return None
    given = str(params.get("guid") or "").lower()
    evidence = {"given_guid": given, "own_guid": own, "from": where, "ntds_guid": own,
                "created": parsed.facts.get("repadmin-showobjmeta", {}).get("created", "")}
    if not given:
        return SKIPPED, evidence, f"No GUID to compare with the {where} ({own})."
    if own == given:
        return "match", evidence, f"The {where} is {own}, as expected."
    return "mismatch", evidence, (f"The destination uses objectGUID {given}, but the {where} is {own}: "
                                  "a stale NTDS Settings object.")


def _ntds_lookup(parsed: ParsedPaste, params: dict) -> Answer | None:
    meta = parsed.facts.get("repadmin-showobjmeta", {})
    if not meta.get("object_guid"):
        return None
    return ("found", {"guid": meta["object_guid"], "dn": meta["object"], "when_created": meta["created"]},
            f"The NTDS Settings object has objectGUID {meta['object_guid']} (created {meta['created'] or 'unknown'}).")


def _rpc_port_config(parsed: ParsedPaste, params: dict) -> Answer | None:
    reg = parsed.facts.get("reg-query")
    if not reg:
        return None
    keys = [k for k in reg["keys"] if re.search(_RPC_INTERNET, k["key"], re.I)]
    if not keys:
        if any("internet" in str(e["key"]).lower() or not e["key"] for e in reg["not_found"]):
            return "default", {"key": "absent"}, RPC_INTERNET_ABSENT
        return None
    names = ("Ports", "PortsInternetAvailable", "UseInternetPorts")
    values = {name: value_of(keys, _RPC_INTERNET, name) for name in names}
    ports = values["Ports"]
    outcome, why = evaluate_rpc_ports([ports] if isinstance(ports, str) else ports,
                                      _text(values["PortsInternetAvailable"]), _text(values["UseInternetPorts"]))
    return outcome, {"key": "present", "values": values}, why


def _text(value: object) -> str | None:
    return None if value is None else str(value)


_READERS: dict[str, Callable[[ParsedPaste, dict], Answer | None]] = {
    "epm_map": _epm_map, "epm_lookup": _epm_lookup, "tcp_ports": _tcp_ports, "dns_host": _dns_host,
    "dns_cname": _dns_cname, "identity": _identity, "ntds_guid": _ntds_guid, "ntds_lookup": _ntds_lookup,
    "rpc_port_config": _rpc_port_config,
}
