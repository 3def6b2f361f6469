"""Each catalogued probe declared once: what it observes, the verdict that judges it, the pasted output
that can answer it, the table that shows its evidence, which outcomes are good or bad, the step of the
RPC workflow picture (document 000) it can light and its link in the name chain.

Pure, importable without Textual: the renderer, the workflow judge and the chain link are names that
the TUI resolves in its own tables (wizard.tui.widgets.evidence RENDERERS, rpc_workflow JUDGES,
name_chain LINKS), and the paste reader a name in wizard.parsers.answer READERS; tests/test_declared.py
fails when a probe lacks one of them without a stated reason, or a table has a name nobody declared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.engine.catalog import CATALOG
from wizard.verdicts import dns, endpoints, guids, identity, ports, registry, services

# What an undeclared part means, said once: the test accepts a missing part only with a reason here.
NOT_A_CHAIN_LINK = "not on the name chain: it checks the server's or client's configuration"
NOT_IN_PICTURE = "lights no step of the workflow: it finds DCs for a sweep"
BY_PERSON = "a question for the person: nobody runs it, nothing is observed or pasted"
NO_RULE = "reads a fact for later steps and judges nothing (its only outcome is `found`)"


@dataclass(frozen=True)
class Declared:
    probe: str
    observation: type | None  # the typed observation its verdict takes
    verdict: Callable | None  # observation -> Verdict
    paste: str | None  # the Windows output a person can paste for it (read by wizard.parsers.answer)
    renderer: str  # the evidence table (wizard.tui.widgets.evidence RENDERERS)
    good: tuple[str, ...]
    bad: tuple[str, ...]
    workflow: str | None  # its judge in the RPC workflow picture (rpc_workflow JUDGES)
    rpc_steps: tuple[int, ...]  # the steps (document 000, 1-7) that judge can light
    chain_link: str | None  # its link in the name chain (name_chain LINKS)
    why_not: dict[str, str] = field(default_factory=dict)  # part -> why this probe has none


_TABLE = "generic"  # the key/value table for evidence without a table of its own

DECLARED: dict[str, Declared] = {d.probe: d for d in (
    Declared("dns_cname", dns.AliasLookup, dns.dns_cname, "nslookup -type=cname", "dns",
             ("matches-target",), ("other-host", "missing"), "name", (3,), "alias"),
    Declared("dns_host", dns.HostLookup, dns.dns_host, "nslookup", "dns",
             ("resolved",), ("not-found",), "name", (3,), "address"),
    Declared("identity", identity.Identity, identity.identity, "nbtstat -A", "identity",
             ("match",), ("mismatch",), "identity", (3,), "who answered"),
    Declared("resolution_source", str, dns.resolution_source, None, _TABLE,
             ("dns",), ("hosts-file",), None, (), "address",
             why_not={"paste": "decided from dns_host's evidence, which a paste already answers",
                      "workflow": "says where a wrong address came from; dns_host and identity light the step"}),
    Declared("epm_map", endpoints.MapAnswer, endpoints.epm_map_answer, "portqry -e 135 or rpcdump", "epm_map",
             ("registered",), ("not-registered", "filtered", "refused", "unreachable"), "epm", (3, 4, 5),
             "endpoint mapper"),
    Declared("epm_lookup", endpoints.EndpointList, endpoints.epm_lookup, "portqry -e 135 or rpcdump", "epm_lookup",
             ("listed",), ("empty", "filtered", "refused", "unreachable"), "epm", (3, 4), None,
             why_not={"chain_link": "lists every interface: the chain's endpoint-mapper link is one interface's"}),
    Declared("tcp_ports", ports.PortStates, ports.tcp_ports, "portqry -o or Test-NetConnection", "tcp_ports",
             ("listening",), ("not-listening", "filtered", "unreachable"), "ports", (5,), "port"),
    Declared("ntds_lookup", None, None, "repadmin /showobjmeta", _TABLE, ("found",), (), None, (), None,
             why_not={"observation": NO_RULE, "verdict": NO_RULE,
                      "workflow": "reads the GUID the destination uses; ntds_guid judges it",
                      "chain_link": "gives the GUID the alias link is built from; it checks no link"}),
    Declared("ntds_guid", guids.GuidComparison, guids.ntds_guid, "repadmin /showobjmeta or /showrepl", _TABLE,
             ("match",), ("mismatch",), "guid", (3,), "alias"),
    Declared("rpc_port_config", registry.RegistryKey, registry.rpc_port_config, "reg query Rpc\\Internet", _TABLE,
             ("default", "valid"), ("too-small", "invalid"), "config", (1,), None,
             why_not={"chain_link": NOT_A_CHAIN_LINK}),
    Declared("epm_transports", endpoints.EndpointList, endpoints.epm_transports, "portqry -e 135 or rpcdump",
             "epm_transports", ("tcp",), ("np-only", "not-registered", "filtered", "refused", "unreachable"),
             "transports", (3, 4, 5), "endpoint mapper"),
    Declared("client_protocols", registry.RegistryKey, registry.client_protocols, "reg query Rpc\\ClientProtocols",
             "client_protocols", ("complete",), ("incomplete", "absent"), "client", (2,), None,
             why_not={"chain_link": NOT_A_CHAIN_LINK}),
    Declared("valid_ports", registry.ValidPortsRead, registry.valid_ports, "reg query Rpc\\RpcProxy", "valid_ports",
             ("complete",), ("incomplete", "absent"), "proxy", (3,), None,
             why_not={"chain_link": NOT_A_CHAIN_LINK}),
    # no fixed port is the default: the endpoint mapper assigns one (document 000, KB 224196)
    Declared("ntds_port", registry.FixedPortRead, registry.ntds_port, "reg query NTDS\\Parameters", "ntds_port",
             ("none", "in-range"), ("in-use", "outside-range"), "fixed_port", (1,), None,
             why_not={"chain_link": NOT_A_CHAIN_LINK}),
    Declared("rpc_services", services.ServiceConfigs, services.rpc_services, "sc qc or sc query", "rpc_services",
             ("defaults",), ("differ", "absent"), "services", (1,), None,
             why_not={"chain_link": NOT_A_CHAIN_LINK}),
    Declared("source_guid", guids.GuidComparison, guids.source_guid, "repadmin /showrepl", _TABLE, ("same",),
             ("different",), "guid", (3,), "alias"),
    Declared("ask", None, None, None, _TABLE, (), (), None, (), None,
             why_not={"observation": BY_PERSON, "verdict": BY_PERSON, "paste": BY_PERSON, "workflow": BY_PERSON,
                      "chain_link": BY_PERSON}),
    Declared("dc_locator", None, None, None, "dns", ("found",), ("none",), None, (), None,
             why_not={"observation": "finds DCs for a sweep: no second source of evidence reads it yet",
                      "verdict": "finds DCs for a sweep: no second source of evidence reads it yet",
                      "paste": "a sweep runs it live only", "workflow": NOT_IN_PICTURE,
                      "chain_link": "comes before any chain: it finds the DCs"}),
    Declared("dc_guid", None, None, None, _TABLE, ("found",), (), None, (), None,
             why_not={"observation": NO_RULE, "verdict": NO_RULE, "paste": "a sweep runs it live only",
                      "workflow": NOT_IN_PICTURE, "chain_link": "gives a sweep each DC's GUID; it checks no link"}),
    Declared("ntds_list", None, None, None, _TABLE, ("found",), (), None, (), None,
             why_not={"observation": NO_RULE, "verdict": NO_RULE, "paste": "a sweep runs it live only",
                      "workflow": NOT_IN_PICTURE, "chain_link": "lists the directory's DCs; it checks no link"}),
    Declared("repl_status", None, None, None, _TABLE, ("healthy",), ("failing",), None, (), None,
             why_not={"observation": "reads what a DC records of its partners; each failing pair's code opens the "
                                     "tree that judges it", "verdict": "the tree a failing pair opens judges it",
                      "paste": "a pasted repadmin /showrepl * /csv fills the replication matrix "
                               "(wizard.parsers.replication), not a step",
                      "workflow": "lights no step of the workflow: it reads replication status for the matrix",
                      "chain_link": "comes before any chain: it says which pair to diagnose"}),
)}
assert set(DECLARED) == set(CATALOG), "every catalogued probe is declared, and only those"

PARTS = ("observation", "verdict", "paste", "workflow", "chain_link")  # the parts a probe may lack, with a reason


def kind(outcome: object, probe: str | None = None) -> str:
    """"good", "bad" or "" (neither, or not known) for an outcome of `probe`; without a probe, what the
    outcome means wherever it is good or bad, "" where probes disagree (none: no fixed port is fine, no
    DC found is not)."""
    if not isinstance(outcome, str):
        return ""
    declared = [DECLARED[probe]] if probe in DECLARED else list(DECLARED.values())
    found = {"good" for d in declared if outcome in d.good} | {"bad" for d in declared if outcome in d.bad}
    return found.pop() if len(found) == 1 else ""


GOOD = frozenset(o for d in DECLARED.values() for o in d.good if kind(o) == "good")
BAD = frozenset(o for d in DECLARED.values() for o in d.bad if kind(o) == "bad")
