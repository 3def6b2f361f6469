"""The one adapter from what a trace shows to the tree's node answers (source `trace`).

A trace answers the checks it has evidence for: the name lookups (dns_host, dns_cname), who answers at
the address when Kerberos says the server could not decrypt the ticket (identity), the endpoint mapper
(epm_map, epm_transports) and the connections (tcp_ports). Everything else stays a live check. The
outcomes are those of each probe in the catalog, so the walk goes on exactly as from a live check.
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

SOURCE = "trace"
_PORT_STATE = {ANSWERED: "listening", RESET: "not-listening", RETRANSMITTED: "filtered", UNREACHABLE: "unreachable"}
_EPM_CONNECT = {RESET: "refused", RETRANSMITTED: "filtered", UNREACHABLE: "unreachable"}
_SEVERITY = ("unreachable", "filtered", "not-listening", "listening")


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


def _dns_host(call: Call, params: dict) -> Found | None:
    host = str(params.get("host") or "").lower().rstrip(".")
    per_server = [f"{d.server}: {', '.join(d.addresses) or d.rcode or 'no answer'}" for d in call.dns]
    if call.server is None and call.name == host:
        return ("not-found", {"host": host, "answers": per_server},
                f"the failing computer asked for {host} and got no address ({'; '.join(per_server)}).", {})
    if call.server is None or host not in ({call.name} | _names_asked(call)) - {None}:
        if call.server and host and not call.dns and call.name is None:
            # no DNS in the trace (a cached answer, or another interface): the call itself shows the address used
            return ("resolved", {"host": host, "address": call.server},
                    f"the trace shows no DNS question; the failing computer called {call.server} for {host}.",
                    {"address": call.server, "addresses": [call.server]})
        return None
    addresses = sorted({a for d in call.dns for a in d.addresses})
    summary = f"the failing computer resolved {host} to {call.server} ({'; '.join(per_server)})."
    return ("resolved", {"host": host, "address": call.server, "addresses": addresses, "answers": per_server},
            summary, {"address": call.server, "addresses": addresses or [call.server], "resolved_from": "dns"})


def _dns_cname(call: Call, params: dict) -> Found | None:
    guid, forest = params.get("guid"), params.get("forest")
    if not guid or not forest:
        return None
    alias = f"{guid}._msdcs.{forest}".lower()
    asked = [d for d in call.dns if d.name == alias]
    if not asked:
        return None
    target = str(params.get("target") or "").lower()
    cnames = [c for d in asked for c in d.cnames]
    evidence = {"alias": alias, "cnames": cnames}
    if cnames:
        outcome = "matches-target" if target in cnames else "other-host"
        return outcome, evidence, f"the failing computer's DNS gave {alias} -> {cnames[0]}.", \
            {"cname_target": cnames[0]}
    if all(d.rcode == "NXDOMAIN" for d in asked):
        return "missing", evidence, f"every DNS server the failing computer asked said {alias} does not exist.", {}
    return None


def _identity(call: Call, params: dict) -> Found | None:
    failing = [k for k in call.kerberos if k.code in FAILING_KERBEROS]
    if not failing or (params.get("address") and params["address"] != call.server):
        return None
    k = failing[0]
    return ("mismatch", {"address": call.server, "kerberos": k.to_dict()},
            f"{k.name} from {k.source}: the computer at {call.server} could not decrypt a ticket made for "
            f"{params.get('expected') or call.name}: it is another computer.", {"address": call.server})


def _epm_map(call: Call, params: dict) -> Found | None:
    if not _same_server(call, params) or not _same_interface(call, params):
        return None
    state = _EPM_CONNECT.get(call.epm.connect.outcome)
    evidence: dict[str, Any] = {"address": call.server, "interface": call.interface_uuid,
                                "connect_135": call.epm.connect.to_dict()}
    if state:
        c = call.epm.connect
        return (state, evidence, f"TCP 135 on {call.server}: {c.outcome} (SYN sent {c.attempts} time(s)).", {})
    if call.epm.outcome == MAPPED:
        evidence.update(port=call.epm.port, endpoint_port=call.epm.port)
        return ("registered", evidence, f"the endpoint mapper handed out TCP {call.epm.port} for "
                f"{call.interface_name or call.interface_uuid}.", {"endpoint_port": call.epm.port})
    if call.epm.outcome == NOT_REGISTERED:
        evidence["status"] = call.epm.status
        return ("not-registered", evidence, f"the endpoint mapper answered {call.epm.status}.", {})
    if call.epm.outcome == NO_ANSWER and call.epm.connect.outcome == ANSWERED:
        return ("filtered", evidence, "TCP 135 was answered but the endpoint mapper never answered the map.", {})
    return None


def _epm_transports(call: Call, params: dict) -> Found | None:
    found = _epm_map(call, params)
    if found is None:
        return None
    outcome = {"registered": "tcp"}.get(found[0], found[0])
    return outcome, found[1], found[2], found[3]


def _tcp_ports(call: Call, params: dict) -> Found | None:
    if not _same_server(call, params):
        return None
    ports = params.get("ports")
    wanted = [int(p) for p in (ports if isinstance(ports, (list, tuple)) else str(ports or "").split(","))
              if str(p).strip().isdigit()]
    seen: dict[int, Connect] = {c.port: c for c in (call.epm.connect, call.connect) if c.port and c.attempts}
    if call.connect.port and call.connect.outcome == ANSWERED:
        seen[call.connect.port] = call.connect
    if not wanted or any(p not in seen for p in wanted):
        return None
    states = {p: _PORT_STATE[seen[p].outcome] for p in wanted if seen[p].outcome in _PORT_STATE}
    if len(states) < len(wanted):
        return None
    worst = min(states.values(), key=_SEVERITY.index)
    words = ", ".join(f"TCP {p} {state} (SYN sent {seen[p].attempts} time(s))" for p, state in states.items())
    return worst, {"address": call.server, "ports": {str(p): s for p, s in states.items()}}, \
        f"from the failing computer: {words}.", {}


def _same_server(call: Call, params: dict) -> bool:
    address = params.get("address")
    return call.server is not None and (not address or address == call.server)


def _same_interface(call: Call, params: dict) -> bool:
    from wizard.engine.interfaces import resolve_interface

    wanted = params.get("interface") or DRS_UUID
    try:
        wanted = resolve_interface(str(wanted))
    except Exception:  # noqa: BLE001 - an interface the engine does not know: compare as given
        wanted = str(wanted).lower()
    return call.interface_uuid is None or call.interface_uuid == wanted


_READERS = {"dns_host": _dns_host, "dns_cname": _dns_cname, "identity": _identity, "epm_map": _epm_map,
            "epm_transports": _epm_transports, "tcp_ports": _tcp_ports}
