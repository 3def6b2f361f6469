"""The one adapter from what a trace shows to the tree's node answers (source `trace`).

A trace answers the checks it has evidence for: the name lookups (dns_host, dns_cname), who answers at
the address when Kerberos says the server could not decrypt the ticket (identity), the endpoint mapper
(epm_map, epm_transports) and the connections (tcp_ports). Everything else stays a live check. The DNS
replies, the port states and the endpoint mapper's answer become the same typed observations a live probe
or a paste makes, judged by the same verdicts (wizard.verdicts), so the three sources cannot disagree on
a rule; the trace adds what only it knows (the address the failing computer really called).
"""

from __future__ import annotations

from typing import Any

from wizard.engine.catalog import DRS_UUID
from wizard.engine.walk import Answer, ProbeCall
from wizard.traces.model import (
    ANSWERED,
    FAILING_KERBEROS,
    MAPPED,
    NO_ANSWER,
    NOT_REGISTERED,
    RESET,
    RETRANSMITTED,
    UNREACHABLE,
    Call,
    Connect,
    TraceResult,
)
from wizard.verdicts import ports

SOURCE = "trace"
def choose_call(result: TraceResult, target: str | None = None) -> tuple[int | None, str]:
    """The call a diagnosis uses (its index) and why: the one to the target, else the first failing one,
    else the first."""
    calls = result.calls
    if not calls:
        return None, "the trace holds no RPC call"
    if target:
        wanted = target.lower().rstrip(".")
        to_target = [i for i, c in enumerate(calls) if wanted in (c.server, c.name) or
                     (c.name and c.name.split(".")[0] == wanted.split(".")[0] and "." not in wanted)]
        if to_target:
            failing = [i for i in to_target if calls[i].failure]
            index = (failing or to_target)[0]
            return index, f"call {index + 1} of {len(calls)}: the one to the target {target}"
    failing = [i for i, c in enumerate(calls) if c.failure]
    if failing:
        return failing[0], f"call {failing[0] + 1} of {len(calls)}: the first that failed"
    return 0, f"call 1 of {len(calls)}: every call went through; the first is used"


def suggested_symptom(call: Call) -> str:
    if any(k.code in FAILING_KERBEROS for k in call.kerberos):
        return "target-principal-2146893022"
    return "ad-replication-1753" if call.interface_uuid in (None, DRS_UUID) else "rpc-unavailable-1722"


def context_from(call: Call) -> dict[str, object]:
    """What a diagnosis can start from when the person gave only the trace."""
    context: dict[str, object] = {"target": call.name or call.server}
    if call.interface_uuid and call.interface_uuid != DRS_UUID:
        context["interface"] = call.interface_uuid
    return context


def answer(call: Call, pending: ProbeCall, file: str = "") -> Answer | None:
    """The trace's answer to the pending node, or None when the trace does not show it."""
    reader = _READERS.get(pending.probe)
    if reader is None:
        return None
    found = reader(call, pending.params)
    if found is None:
        return None
    outcome, evidence, summary, facts = found
    evidence = {**evidence, "trace": file, "call": {"client": call.client, "server": call.server, "name": call.name}}
    return Answer(outcome, SOURCE, evidence, facts, summary)


Found = tuple[str, dict[str, Any], str, dict[str, Any]]


def _names_asked(call: Call) -> set[str]:
    return {d.name for d in call.dns}


def _replies(call: Call, names: set[str]) -> dict:
    """Each DNS server's reply to the failing computer, as the verdicts' DnsReply (one server, one type)."""
    from wizard.verdicts.dns import DnsReply

    status = {"NOERROR": "ok", "NXDOMAIN": "nxdomain", "": "timeout", "unreachable": "error"}
    servers: dict[str, dict[str, DnsReply]] = {}
    for d in call.dns:
        if d.name not in names:
            continue
        word = status.get(d.rcode, "error")
        answers = tuple(d.addresses) if d.qtype in ("A", "AAAA") else tuple(d.cnames)
        if word == "ok" and not answers:
            word = "nodata"
        servers.setdefault(d.server, {})[d.qtype] = DnsReply(word, answers, f"rcode {d.rcode}" if d.rcode else "")
    return servers


def _dns_host(call: Call, params: dict) -> Found | None:
    from wizard.verdicts.dns import HostLookup, dns_host

    host = str(params.get("host") or "").lower().rstrip(".")
    asked = {host} | ({c for d in call.dns if d.name == host for c in d.cnames})
    servers = _replies(call, asked)
    if not servers:
        if call.server and host and not call.dns and call.name is None:
            # no DNS in the trace (a cached answer, or another interface): the call itself shows the address used
            return ("resolved", {"host": host, "address": call.server},
                    f"the trace shows no DNS question; the failing computer called {call.server} for {host}.",
                    {"address": call.server, "addresses": [call.server]})
        return None
    verdict = dns_host(HostLookup(host, servers, tuple(servers)))
    if verdict.outcome == "error":
        return None
    facts = dict(verdict.facts)
    if call.server and call.server in facts.get("addresses", []):
        facts["address"] = call.server  # the address the failing computer really called
    summary = f"the failing computer asked DNS: {verdict.summary[0].lower()}{verdict.summary[1:]}"
    return verdict.outcome, verdict.evidence, summary, facts


def _dns_cname(call: Call, params: dict) -> Found | None:
    from wizard.verdicts.dns import AliasLookup, dns_cname

    guid, forest = params.get("guid"), params.get("forest")
    if not guid or not forest:
        return None
    alias = f"{guid}._msdcs.{forest}".lower()
    replies = {server: types.get("CNAME") or next(iter(types.values()))
               for server, types in _replies(call, {alias}).items()}
    if not replies:
        return None
    verdict = dns_cname(AliasLookup(alias, str(params.get("target") or ""), replies, tuple(replies)))
    if verdict.outcome == "error":
        return None
    return verdict.outcome, verdict.evidence, f"the failing computer asked DNS: {verdict.summary}", verdict.facts


def _identity(call: Call, params: dict) -> Found | None:
    failing = [k for k in call.kerberos if k.code in FAILING_KERBEROS]
    if not failing or (params.get("address") and params["address"] != call.server):
        return None
    k = failing[0]
    return ("mismatch", {"address": call.server, "kerberos": k.to_dict()},
            f"{k.name} from {k.source}: the computer at {call.server} could not decrypt a ticket made for "
            f"{params.get('expected') or call.name}: it is another computer.", {"address": call.server})


# how a connection went in the trace, in portqry's words (the verdicts' port states)
_WORD = {RESET: ports.NOT_LISTENING, RETRANSMITTED: ports.FILTERED, UNREACHABLE: ports.UNREACHABLE,
         ANSWERED: ports.LISTENING}


def _how(c: Connect) -> str:
    """How the trace saw a connection, in words for the verdict's detail."""
    if c.outcome == RETRANSMITTED:
        return f"seen from the failing computer: SYN sent {c.attempts} time(s), never answered"
    if c.outcome == RESET:
        return "seen from the failing computer: the SYN was answered with a reset"
    if c.outcome == UNREACHABLE:
        return "seen from the failing computer: ICMP unreachable"
    return "seen from the failing computer: the connection was answered"


def _epm_map(call: Call, params: dict) -> Found | None:
    from wizard.verdicts.endpoints import MapAnswer, epm_map_answer
    from wizard.verdicts.ports import port_135

    if not _same_server(call, params) or not _same_interface(call, params):
        return None
    c = call.epm.connect
    dead = port_135(call.server, _WORD[c.outcome], _how(c)) if c.outcome in _WORD else None  # None: LISTENING
    if dead is not None:
        return dead.outcome, {**dead.evidence, "connect_135": c.to_dict()}, dead.summary, dict(dead.facts)
    uuid = call.interface_uuid or DRS_UUID
    if call.epm.outcome == MAPPED:
        seen = MapAnswer(call.server, uuid, f"ncacn_ip_tcp:{call.server}[{call.epm.port}]")
    elif call.epm.outcome == NOT_REGISTERED:
        seen = MapAnswer(call.server, uuid, None)
    elif call.epm.outcome == NO_ANSWER and c.outcome == ANSWERED:
        return ("filtered", {"address": call.server, "connect_135": c.to_dict()},
                "TCP 135 was answered but the endpoint mapper never answered the map.", {})
    else:
        return None
    verdict = epm_map_answer(seen)
    return verdict.outcome, verdict.evidence, verdict.summary, dict(verdict.facts)


def _epm_transports(call: Call, params: dict) -> Found | None:
    found = _epm_map(call, params)
    if found is None:
        return None
    outcome = {"registered": "tcp"}.get(found[0], found[0])
    return outcome, found[1], found[2], found[3]


def _tcp_ports(call: Call, params: dict) -> Found | None:
    from wizard.verdicts.ports import PortState, PortStates, tcp_ports

    if not _same_server(call, params):
        return None
    ports = params.get("ports")
    wanted = [int(p) for p in (ports if isinstance(ports, (list, tuple)) else str(ports or "").split(","))
              if str(p).strip().isdigit()]
    seen: dict[int, Connect] = {c.port: c for c in (call.epm.connect, call.connect)
                                if c.port and c.outcome in _WORD}
    if not wanted or any(p not in seen for p in wanted):
        return None
    verdict = tcp_ports(PortStates(call.server, {p: PortState(_WORD[seen[p].outcome], _how(seen[p]))
                                                 for p in wanted}))
    return verdict.outcome, verdict.evidence, f"from the failing computer: {verdict.summary}", dict(verdict.facts)


def _same_server(call: Call, params: dict) -> bool:
    address = params.get("address")
    return call.server is not None and (not address or address == call.server)


def _same_interface(call: Call, params: dict) -> bool:
    from wizard.engine.rpc_interfaces import resolve_interface

    wanted = params.get("interface") or DRS_UUID
    try:
        wanted = resolve_interface(str(wanted))
    except Exception:  # noqa: BLE001 - an interface the engine does not know: compare as given
        wanted = str(wanted).lower()
    return call.interface_uuid is None or call.interface_uuid == wanted


_READERS = {"dns_host": _dns_host, "dns_cname": _dns_cname, "identity": _identity, "epm_map": _epm_map,
            "epm_transports": _epm_transports, "tcp_ports": _tcp_ports}


def trace_only_walk(call: Call, flows, symptom: str = "rpc-unavailable-1722"):
    """The 1722 tree (the RPC path itself) answered from the trace alone, as far as the trace goes: what the
    wizard's RPC workflow picture is lit from when a trace is loaded."""
    from wizard.engine.walk import Walk

    walk = Walk(flows.flow(symptom), {"interface": DRS_UUID, **context_from(call)})
    for _ in range(len(walk.flow.nodes)):
        pending = walk.pending()
        seen = answer(call, pending) if pending else None
        if seen is None and pending is not None and pending.probe == "identity":
            # no failed ticket in the trace: nothing in it says who answered, and the path to the server goes on
            # to the endpoint mapper as it does when nobody says who they are
            seen = Answer("silent", "trace", summary="the trace does not show who answered at that address")
        if seen is None:
            break
        walk.apply(seen)
    return walk
