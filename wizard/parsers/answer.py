"""A pasted output answering one node whose probe could not run from here (run on the DC instead).

answer_from_paste(probe, text, params) -> (outcome, evidence, summary) or None when the text does
not answer that probe. Each reader here is an adapter: it turns the parsed paste into the probe's
observation (wizard.verdicts) and lets the same verdict as the live probe judge it. Evidence carries the
verdict's facts under their catalog names (endpoint_port, address, resolved_from, answered_by,
cname_target, endpoints, ntds_guid, guid) so a caller can feed later nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from wizard import WizardError
from wizard.engine.catalog import DRS_UUID
from wizard.engine.interfaces import resolve_interface
from wizard.engine.names import is_valid_address
from wizard.parsers.common import number
from wizard.parsers.detect import parse_text
from wizard.parsers.model import ParsedPaste
from wizard.parsers.netsh import tcp_range
from wizard.parsers.regquery import value_of
from wizard.verdicts import dns, endpoints, guids, identity, ports, registry, services
from wizard.verdicts.registry_rules import EXCHANGE_PORTS, dynamic_range

Answer = tuple[str, dict[str, Any], str]
_RPC_INTERNET = r"Rpc\\?Internet\s*$"
_CLIENT_PROTOCOLS = r"Rpc\\?ClientProtocols\s*$"
_RPC_PROXY = r"Rpc\\?RpcProxy\s*$"
_NTDS_PARAMETERS = r"Services\\?NTDS\\?Parameters\s*$"


def answer_from_paste(probe: str, text: str, params: dict) -> Answer | None:
    """`params` are what the node's check was asked about (its filled-in parameters): a paste about
    another host, address or port does not answer it."""
    reader = READERS.get(probe)
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
        if port["protocol"] == "TCP" and port["port"] == 135:
            dead = ports.port_135(parsed.facts["portqry"].get("target", ""), port["state"])
            if dead:
                return dead.answer()
    return None


def _endpoint_list(parsed: ParsedPaste) -> endpoints.EndpointList | None:
    """The endpoint dump of an rpcdump or `portqry -e 135` paste; None if the paste has none."""
    dump = parsed.facts.get("rpcdump")
    portqry = parsed.facts.get("portqry")
    if not dump and portqry and (portqry["endpoints"] or portqry["epm_queried"] or portqry["total"] is not None):
        dump = portqry
    if not dump:
        return None
    address = dump.get("target") or next((e["host"] for e in dump["endpoints"]), "")
    return endpoints.EndpointList(address, tuple(dump["endpoints"]), bool(dump["complete"]),
                                  stated_total=dump.get("total"))


def _listed(parsed: ParsedPaste) -> endpoints.EndpointList | Answer | None:
    """The pasted endpoint list; or the answer a blocked TCP 135 gives; or None when the paste has neither."""
    return _port_135(parsed) or _endpoint_list(parsed)


def _epm_map(parsed: ParsedPaste, params: dict) -> Answer | None:
    found = _listed(parsed)
    if not isinstance(found, endpoints.EndpointList):
        return found
    return endpoints.epm_map_list(found, _interface(params)).answer()


def _interface(params: dict) -> str:
    """The UUID of the node's interface: a flow or a person may give an alias (wmi, sql, ...)."""
    text = str(params.get("interface") or DRS_UUID)
    try:
        return resolve_interface(text)
    except WizardError:
        return text.strip().lower()  # no endpoint has it: the answer says the interface is not listed


def _epm_transports(parsed: ParsedPaste, params: dict) -> Answer | None:
    found = _listed(parsed)
    if not isinstance(found, endpoints.EndpointList):
        return found
    return endpoints.epm_transports(found, _interface(params)).answer()


def _epm_lookup(parsed: ParsedPaste, params: dict) -> Answer | None:
    found = _listed(parsed)
    if not isinstance(found, endpoints.EndpointList):
        return found
    return endpoints.epm_lookup(found).answer()


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
    seen = ports.PortStates(address, {p["port"]: ports.PortState(p["state"], p["service"]) for p in states})
    return ports.tcp_ports(seen).answer()


def _wanted_ports(wanted: object) -> set[int]:
    items = wanted if isinstance(wanted, (list, tuple)) else str(wanted or "").replace(",", " ").split()
    return {p for p in map(number, items) if p is not None}


def _queries(parsed: ParsedPaste, name: str | None) -> list[dict]:
    queries = parsed.facts.get("nslookup", {}).get("queries", [])
    if not name:
        return queries
    want = name.lower().rstrip(".")
    # a query whose name was not printed (a timeout without the command line) was pasted for this node
    return [q for q in queries if not q["name"] or q["name"].lower() == want
            or q["name"].lower().startswith(want + ".") or want.startswith(q["name"].lower() + ".")]


def _server(q: dict, i: int) -> str:
    return q["server_address"] or q["server"] or f"query {i + 1}"


def _dns_host(parsed: ParsedPaste, params: dict) -> Answer | None:
    queries = [q for q in _queries(parsed, params.get("host")) if "_msdcs." not in q["name"].lower()]
    if not queries:
        return None
    # nslookup without -type asks for A and AAAA at once: one reply per server, as it printed it
    replies = {_server(q, i): {q["type"] or "A+AAAA": dns.DnsReply(q["status"], tuple(q["addresses"]))}
               for i, q in enumerate(queries)}
    # every server pasted is one the failing computer asked: each one's word counts
    seen = dns.HostLookup(params.get("host") or queries[0]["name"], replies, tuple(replies))
    return dns.dns_host(seen).answer()


def _dns_cname(parsed: ParsedPaste, params: dict) -> Answer | None:
    guid, forest = params.get("guid"), params.get("forest")
    queries = _queries(parsed, f"{guid}._msdcs.{forest}" if guid and forest else None)
    queries = [q for q in queries
               if "_msdcs." in q["name"].lower() and (not guid or str(guid).lower() in q["name"].lower())]
    if not queries:
        return None
    replies = {_server(q, i): dns.DnsReply(q["status"], (q["cname"],) if q["cname"] else ())
               for i, q in enumerate(queries)}
    seen = dns.AliasLookup(queries[0]["name"], str(params.get("target") or ""), replies, tuple(replies))
    return dns.dns_cname(seen).answer()


def _identity(parsed: ParsedPaste, params: dict) -> Answer | None:
    n = parsed.facts.get("nbtstat")
    if not n or _elsewhere(n["address"], params):
        return None
    # nbtstat -A is NetBIOS only: the computer's own name is its first unique <00>/<20> name
    claimed = {"netbios": n["computer_names"][0].upper()} if n["computer_names"] else {}
    view = identity.NamesHeard(n["address"], claimed, shown={"names": n["names"]})
    return identity.identity(identity.Identity(str(params.get("expected") or params.get("target") or ""),
                                               (view,))).answer()


def _own_guid(parsed: ParsedPaste) -> tuple[str, str, str]:
    """(the source DC's own GUID, who holds it, where the paste says it)."""
    meta = parsed.facts.get("repadmin-showobjmeta", {})
    if meta.get("object_guid"):
        holder = meta.get("object") or "the NTDS Settings object"
        return meta["object_guid"], holder, f"objectGUID of {holder}"
    repl = parsed.facts.get("repadmin-showrepl", {})
    if repl.get("dsa_guid"):
        holder = repl.get("server") or "the DC"
        return repl["dsa_guid"], holder, f"DSA object GUID of {holder} (repadmin /showrepl)"
    return "", "", ""


def _ntds_guid(parsed: ParsedPaste, params: dict) -> Answer | None:
    own, holder, where = _own_guid(parsed)
    if not own:
        return None
    created = parsed.facts.get("repadmin-showobjmeta", {}).get("created", "")
    seen = guids.GuidComparison(str(params.get("guid") or "").lower(), own, holder, created,
                                {"from": where, "created": created})
    return guids.ntds_guid(seen).answer()


def _source_guid(parsed: ParsedPaste, params: dict) -> Answer | None:
    """`repadmin /showrepl <source DC>` names the source DC's own DSA object GUID (its NTDS Settings)."""
    repl = parsed.facts.get("repadmin-showrepl", {})
    if not repl.get("dsa_guid") or not params.get("guid"):
        return None
    if repl.get("server") and params.get("target") and not dns.same_host(repl["server"], str(params["target"])):
        return None  # the showrepl of another DC (the destination's own) says nothing about the source's GUID
    holder = repl.get("server") or str(params.get("target") or "the source DC")
    seen = guids.GuidComparison(str(params["guid"]).lower(), repl["dsa_guid"], holder,
                                evidence={"from": f"DSA object GUID of {holder} (repadmin /showrepl)"})
    return guids.source_guid(seen).answer()


def _ntds_lookup(parsed: ParsedPaste, params: dict) -> Answer | None:
    meta = parsed.facts.get("repadmin-showobjmeta", {})
    if not meta.get("object_guid"):
        return None
    return ("found", {"guid": meta["object_guid"], "dn": meta["object"], "when_created": meta["created"]},
            f"The NTDS Settings object has objectGUID {meta['object_guid']} (created {meta['created'] or 'unknown'}).")


def _reg_keys(parsed: ParsedPaste, pattern: str, word: str, params: dict) -> list[dict] | None:
    """The pasted keys whose path matches (empty: reg said the key or value asked for is not there); None
    when the paste has neither, or is a reg query of another address than the node's."""
    reg = parsed.facts.get("reg-query")
    if not reg:
        return None
    keys = [k for k in reg["keys"] if re.search(pattern, k["key"], re.I)]
    if any(_elsewhere(k.get("computer"), params) for k in keys):
        return None
    # an error without the command line above it was pasted for this node
    absent = any(word in str(e["key"]).lower() or not e["key"] for e in reg["not_found"])
    return keys if keys or absent else None


def _key(parsed: ParsedPaste, pattern: str, word: str, params: dict) -> registry.RegistryKey | None:
    """The key as read: its values (None: reg said it is not there) and the computer it was read on."""
    keys = _reg_keys(parsed, pattern, word, params)
    if keys is None:
        return None
    read_on = next((k["computer"] for k in keys if k.get("computer")), "") or "the computer reg query ran on"
    return registry.RegistryKey(read_on, {v["name"]: v["data"] for k in keys for v in k["values"]} if keys else None)


def _rpc_port_config(parsed: ParsedPaste, params: dict) -> Answer | None:
    key = _key(parsed, _RPC_INTERNET, "internet", params)
    return None if key is None else registry.rpc_port_config(key).answer()


def _client_protocols(parsed: ParsedPaste, params: dict) -> Answer | None:
    key = _key(parsed, _CLIENT_PROTOCOLS, "clientprotocols", params)
    return None if key is None else registry.client_protocols(key).answer()


def _valid_ports(parsed: ParsedPaste, params: dict) -> Answer | None:
    """ValidPorts judged for the node's mailbox server (params["server"]) on its ports (6001, 6002, 6004)."""
    key = _key(parsed, _RPC_PROXY, "rpcproxy", params)
    if key is None:
        return None
    wanted = [p for p in _ports_of(params.get("ports")) if isinstance(p, int)] or list(EXCHANGE_PORTS)
    return registry.valid_ports(registry.ValidPortsRead(key, str(params.get("server") or ""), tuple(wanted))).answer()


def _ports_of(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _ntds_port(parsed: ParsedPaste, params: dict) -> Answer | None:
    """The NTDS "TCP/IP Port" value: a paste does not say whether another process holds the port (the live
    probe connects to it and asks the endpoint mapper), so `listening` is not known."""
    key = _key(parsed, _NTDS_PARAMETERS, "ntds", params)
    if key is None:
        return None
    low, high, source = _pasted_range(parsed, params)
    port = (key.values or {}).get("TCP/IP Port")
    return registry.ntds_port(registry.FixedPortRead(key.read_on, port, low, high, source)).answer()


def _pasted_range(parsed: ParsedPaste, params: dict) -> tuple[int, int, str]:
    """The dynamic range: a netsh output pasted with the value, else the node's, else Rpc\\Internet Ports
    pasted with it (when UseInternetPorts is Y, as the probe reads it), else the default."""
    netsh = tcp_range(parsed.facts.get("netsh-dynamicport"))
    if netsh:
        return *dynamic_range(None, netsh)[:2], "netsh dynamicport (pasted)"
    keys = parsed.facts.get("reg-query", {}).get("keys", [])
    use = str(value_of(keys, _RPC_INTERNET, "UseInternetPorts") or "").upper() == "Y"
    listed = registry.listed(value_of(keys, _RPC_INTERNET, "Ports")) if use else None
    return dynamic_range(listed, _text(params.get("dynamic_range")))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _rpc_services(parsed: ParsedPaste, params: dict) -> Answer | None:
    """`sc qc` / `sc query` of NTDS, RpcSs, RpcLocator: only what the paste shows is judged."""
    sc = parsed.facts.get("sc-service")
    if not sc or _elsewhere(sc["server"], params):
        return None
    known = {name.lower(): name for name in services.DEFAULTS}
    configs: dict[str, services.ServiceConfig | None] = {
        known[m.lower()]: None for m in sc["missing"] if m.lower() in known}
    configs.update({known[s["name"].lower()]: services.ServiceConfig(s["state"], s["start_type"])
                    for s in sc["services"] if s["name"].lower() in known})
    if not configs:
        return None
    return services.rpc_services(services.ServiceConfigs(sc["server"] or "the computer sc ran on", configs)).answer()


READERS: dict[str, Callable[[ParsedPaste, dict], Answer | None]] = {
    "epm_map": _epm_map, "epm_lookup": _epm_lookup, "tcp_ports": _tcp_ports, "dns_host": _dns_host,
    "dns_cname": _dns_cname, "identity": _identity, "ntds_guid": _ntds_guid, "ntds_lookup": _ntds_lookup,
    "rpc_port_config": _rpc_port_config, "epm_transports": _epm_transports, "client_protocols": _client_protocols,
    "valid_ports": _valid_ports, "ntds_port": _ntds_port, "rpc_services": _rpc_services, "source_guid": _source_guid,
}
