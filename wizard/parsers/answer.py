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

from wizard import WizardError
from wizard.engine.catalog import DRS_UUID
from wizard.engine.interfaces import INTERFACES, alias_of, resolve_interface
from wizard.engine.names import is_valid_address
from wizard.engine.results import ERROR, SKIPPED
from wizard.parsers.common import number, short
from wizard.parsers.detect import parse_text
from wizard.parsers.model import ParsedPaste
from wizard.parsers.netsh import tcp_range
from wizard.parsers.regquery import value_of
from wizard.parsers.rpcports import RPC_INTERNET_ABSENT, evaluate_rpc_ports
from wizard.parsers.rpcregistry import (
    EXCHANGE_PORTS,
    dynamic_range,
    judge_client_protocols,
    judge_fixed_port,
    judge_valid_ports,
)
from wizard.parsers.sc import DEFAULTS as SERVICE_DEFAULTS

Answer = tuple[str, dict[str, Any], str]
_STATE = {"LISTENING": "listening", "NOT LISTENING": "not-listening", "FILTERED": "filtered",
          "NOT LISTENING OR FILTERED": "filtered"}
_SEVERITY = ("filtered", "not-listening", "listening")  # the worst port decides, as the live probe does
_RPC_INTERNET = r"Rpc\\?Internet\s*$"
_CLIENT_PROTOCOLS = r"Rpc\\?ClientProtocols\s*$"
_RPC_PROXY = r"Rpc\\?RpcProxy\s*$"
_NTDS_PARAMETERS = r"Services\\?NTDS\\?Parameters\s*$"


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


def _listed(parsed: ParsedPaste, params: dict) -> tuple[dict, str, list[dict]] | Answer | None:
    """The pasted endpoint list, the node's interface and that interface's entries in it; or the answer
    a blocked TCP 135 gives; or None when the paste has no endpoint list."""
    blocked = _port_135(parsed)
    if blocked:
        return blocked
    dump = _endpoint_list(parsed)
    if dump is None:
        return None
    uuid = _interface(params)
    return dump, uuid, [e for e in dump["endpoints"] if e["uuid"] == uuid]


def _epm_map(parsed: ParsedPaste, params: dict) -> Answer | None:
    found = _listed(parsed, params)
    if found is None or isinstance(found[0], str):
        return found
    dump, uuid, mine = found
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


def _interface(params: dict) -> str:
    """The UUID of the node's interface: a flow or a person may give an alias (wmi, sql, ...)."""
    text = str(params.get("interface") or DRS_UUID)
    try:
        return resolve_interface(text)
    except WizardError:
        return text.strip().lower()  # no endpoint has it: the answer says the interface is not listed


def _interface_name(uuid: str, mine: list[dict]) -> str:
    alias = alias_of(uuid)
    return next((e["annotation"] for e in mine if e["annotation"]), INTERFACES[alias].name if alias else uuid)


def _epm_transports(parsed: ParsedPaste, params: dict) -> Answer | None:
    """The protocols the pasted endpoint list has the interface on: ncacn_ip_tcp, or named pipes only
    (document 002: an endpoint that could not be created)."""
    found = _listed(parsed, params)
    if found is None or isinstance(found[0], str):
        return found
    dump, uuid, mine = found
    name = _interface_name(uuid, mine)
    protocols = sorted({e["protocol"] for e in mine})
    ports = sorted({e["port"] for e in mine if e["protocol"] == "ncacn_ip_tcp" and e["port"]})
    address = dump.get("target") or next((e["host"] for e in dump["endpoints"]), "")
    evidence: dict[str, Any] = {"address": address, "interface": uuid, "protocols": protocols, "tcp_ports": ports,
                                "bindings": [e["binding"] for e in mine][:50]}
    if ports:
        evidence["endpoint_port"] = ports[0]
        return "tcp", evidence, f"{name} is registered on TCP {ports[0]} ({', '.join(protocols)})."
    if not dump["complete"]:
        return ERROR, evidence, f"{name} has no TCP endpoint in the pasted list, but it looks cut off: paste all of it."
    if "ncacn_np" in protocols:
        return "np-only", evidence, (f"{name} is registered on named pipes but not on ncacn_ip_tcp: its TCP "
                                     "endpoint was not created.")
    listed = f" (only {', '.join(protocols)})" if protocols else ""
    return "not-registered", evidence, f"The pasted endpoint list does not have {name} on TCP or named pipes{listed}."


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


def _reg_keys(parsed: ParsedPaste, pattern: str, word: str, params: dict) -> list[dict] | None:
    """The pasted keys whose path matches (empty: reg said the key or value asked for is not there); None
    when the paste has neither, or is a reg query of another address than the node's."""
    reg = parsed.facts.get("reg-query")
    if not reg:
        return None
    keys = [k for k in reg["keys"] if re.search(pattern, k["key"], re.I)]
    if any(_elsewhere(k.get("computer"), params) for k in keys):
        return None
    # an error without the command line above it was pasted for this node, as _rpc_port_config takes it
    absent = any(word in str(e["key"]).lower() or not e["key"] for e in reg["not_found"])
    return keys if keys or absent else None


def _read_on(keys: list[dict]) -> str:
    return next((k["computer"] for k in keys if k.get("computer")), "") or "the computer reg query ran on"


def _values(keys: list[dict]) -> dict[str, object]:
    return {v["name"]: v["data"] for k in keys for v in k["values"]}


def _client_protocols(parsed: ParsedPaste, params: dict) -> Answer | None:
    keys = _reg_keys(parsed, _CLIENT_PROTOCOLS, "clientprotocols", params)
    if keys is None:
        return None
    values = _values(keys) if keys else None  # no key printed: reg said it is not there
    outcome, why, missing = judge_client_protocols(values)
    evidence = {"read_on": _read_on(keys), "key": "present" if keys else "absent", "values": values or {},
                "missing": missing}
    return outcome, evidence, why


def _valid_ports(parsed: ParsedPaste, params: dict) -> Answer | None:
    """ValidPorts judged for the node's mailbox server (params["server"]) on its ports (6001, 6002, 6004)."""
    keys = _reg_keys(parsed, _RPC_PROXY, "rpcproxy", params)
    if keys is None:
        return None
    values = _values(keys)
    text = values.get("ValidPorts")
    server = str(params.get("server") or "")
    wanted = [p for p in _ports_of(params.get("ports")) if isinstance(p, int)] or list(EXCHANGE_PORTS)
    evidence = {"read_on": _read_on(keys), "key": "present" if keys else "not found", "values": values,
                "missing": [], "server": server, "ports": wanted}
    if not server:
        return ERROR, evidence, "No mailbox server (server=) to look for in the pasted ValidPorts."
    outcome, why, missing = judge_valid_ports(None if text is None else str(text), server, wanted)
    if "ValidPorts_Exchange" in values and text is None:
        why += " ValidPorts_Exchange is set: Exchange 2010 and later configure it themselves."
    return outcome, {**evidence, "missing": missing}, why


def _ports_of(ports: object) -> list[object]:
    return list(ports) if isinstance(ports, (list, tuple)) else []


def _ntds_port(parsed: ParsedPaste, params: dict) -> Answer | None:
    """The NTDS "TCP/IP Port" value judged on the dynamic range only: a paste does not say whether another
    process holds the port (the live probe connects to it and asks the endpoint mapper)."""
    keys = _reg_keys(parsed, _NTDS_PARAMETERS, "ntds", params)
    if keys is None:
        return None
    port = value_of(keys, _NTDS_PARAMETERS, "TCP/IP Port")
    low, high, source = _pasted_range(parsed, params)
    outcome, why = judge_fixed_port(port, False, None, low, high, source)
    evidence = {"read_on": _read_on(keys), "fixed_port": port, "listening": None, "drs_port": None,
                "dynamic_range": f"{low}-{high}", "range_from": source}
    if outcome in ("in-range", "outside-range") and isinstance(port, int):
        why += (f" Whether another process holds TCP {port} is not in the paste: run netstat -ano on the DC, "
                "or the check live.")
    return outcome, evidence, why


def _pasted_range(parsed: ParsedPaste, params: dict) -> tuple[int, int, str]:
    """The dynamic range: a netsh output pasted with the value, else the node's, else Rpc\\Internet Ports
    pasted with it (when UseInternetPorts is Y, as the probe reads it), else the default."""
    netsh = tcp_range(parsed.facts.get("netsh-dynamicport"))
    if netsh:
        return *dynamic_range(None, netsh)[:2], "netsh dynamicport (pasted)"
    keys = parsed.facts.get("reg-query", {}).get("keys", [])
    ports = value_of(keys, _RPC_INTERNET, "Ports")
    use = str(value_of(keys, _RPC_INTERNET, "UseInternetPorts") or "").upper() == "Y"
    listed = ([ports] if isinstance(ports, str) else ports) if use and ports else None
    return dynamic_range(listed, _text(params.get("dynamic_range")))


def _rpc_services(parsed: ParsedPaste, params: dict) -> Answer | None:
    """`sc qc` / `sc query` of NTDS, RpcSs, RpcLocator against document 000's defaults; only what the paste
    shows is judged (sc qc has no state, sc query no start type)."""
    sc = parsed.facts.get("sc-service")
    if not sc or _elsewhere(sc["server"], params):
        return None
    known = {name.lower(): name for name in SERVICE_DEFAULTS}
    seen = {known[s["name"].lower()]: s for s in sc["services"] if s["name"].lower() in known}
    gone = [known[m.lower()] for m in sc["missing"] if m.lower() in known]
    if not seen and not gone:
        return None
    where = sc["server"] or "the computer sc ran on"
    services = {name: {"state": s["state"], "start_type": s["start_type"]} for name, s in seen.items()}
    services.update({name: {"state": "no such service", "start_type": ""} for name in gone if name not in seen})
    evidence: dict[str, Any] = {"read_on": where, "services": services}
    if not seen:
        return "absent", evidence, (f"{where} has none of the services {', '.join(gone)}: document 000's table "
                                    "does not apply there.")
    differ = [_differs(name, s) for name, s in seen.items() if _differs(name, s)]
    evidence["differ"] = differ
    if differ:
        return "differ", evidence, f"On {where}: {'; '.join(differ)} - not the default."
    return "defaults", evidence, f"On {where}: {', '.join(seen)} as pasted have their default state and start type."


def _differs(name: str, service: dict) -> str:
    """Words for a service whose pasted state or start type is not the default; "" when it is."""
    title, states, starts = SERVICE_DEFAULTS[name]
    bad = [w for w, ok in ((service["state"], states), (service["start_type"], starts)) if w and w not in ok]
    return f"{title} ({name}) is {', '.join(bad)}" if bad else ""


_READERS: dict[str, Callable[[ParsedPaste, dict], Answer | None]] = {
    "epm_map": _epm_map, "epm_lookup": _epm_lookup, "tcp_ports": _tcp_ports, "dns_host": _dns_host,
    "dns_cname": _dns_cname, "identity": _identity, "ntds_guid": _ntds_guid, "ntds_lookup": _ntds_lookup,
    "rpc_port_config": _rpc_port_config, "epm_transports": _epm_transports, "client_protocols": _client_protocols,
    "valid_ports": _valid_ports, "ntds_port": _ntds_port, "rpc_services": _rpc_services,
}
