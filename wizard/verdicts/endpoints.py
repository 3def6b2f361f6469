"""The endpoint mapper's answers and their verdicts: one interface's map answer (epm_map), the whole
endpoint list (epm_lookup), and the protocols an interface is listed on (epm_transports).

One rule whoever read the list (a live ept_lookup, a pasted `portqry -e 135` or rpcdump): an interface
missing from a list that did not end (cut short, or pasted in part) is not a verdict, it is an error
that says so. Design.md: never name a cause from evidence that was not observed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.engine.catalog import DRS_UUID
from wizard.engine.interfaces import INTERFACES, alias_of
from wizard.verdicts.verdict import Verdict

EPT_S_NOT_REGISTERED = 0x16C9A0D6
DRS_NAME = "MS NT Directory DRS Interface"  # portqry's wording, as quoted in document 000
SHOWN_ENDPOINTS = 500  # endpoints kept in the evidence (all of them stay in the facts)
SHOWN_BINDINGS = 50


@dataclass(frozen=True)
class EndpointList:
    """Every entry the endpoint mapper listed: dicts with uuid, protocol, binding, port, annotation, name."""

    address: str
    endpoints: tuple[dict[str, Any], ...]
    complete: bool  # the list ended (a live lookup that was not cut short; a paste with its end)
    cut_short: str = ""  # why it did not end, in words
    stated_total: int | None = None  # the count the tool printed ("Total endpoints found: 0")

    @property
    def tcp_ports(self) -> list[int]:
        return sorted({e["port"] for e in self.endpoints if e.get("protocol") == "ncacn_ip_tcp" and e.get("port")})


@dataclass(frozen=True)
class MapAnswer:
    """ept_map's answer for one interface: the binding handed out, or EPT_S_NOT_REGISTERED (binding None)."""

    address: str
    interface: str
    binding: str | None
    name: str = ""


def interface_name(uuid: str, entries: list[dict[str, Any]] | tuple = (), known: str = "") -> str:
    """DRS in portqry's words, else the name a probe knows, the server's annotation, our alias table, the UUID."""
    if uuid == DRS_UUID:
        return DRS_NAME
    alias = alias_of(uuid)
    return (known or next((e["annotation"] for e in entries if e.get("annotation")), "")
            or (INTERFACES[alias].name if alias else uuid))


def port_of(binding: str) -> int | None:
    """The port of `ncacn_ip_tcp:HOST[PORT]`, or None when the server sent something else."""
    try:
        port = int(binding.rsplit("[", 1)[1].rstrip("]"))
    except (IndexError, ValueError):
        return None
    return port if 0 < port < 65536 else None


def _at(address: str) -> str:
    return f" at {address}" if address else ""


def epm_map_answer(seen: MapAnswer) -> Verdict:
    name = seen.name or interface_name(seen.interface)
    if seen.binding is None:
        return Verdict("not-registered", f"The endpoint mapper{_at(seen.address)} answered: {name} is not registered "
                       "(EPT_S_NOT_REGISTERED, 1753 / 0x6d9).",
                       {"address": seen.address, "interface": seen.interface, "status": hex(EPT_S_NOT_REGISTERED)})
    port = port_of(seen.binding)
    evidence = {"address": seen.address, "interface": seen.interface, "binding": seen.binding, "port": port}
    if port is None:
        return Verdict("error", f"The endpoint mapper{_at(seen.address)} answered for {name} without a usable TCP "
                       "port.", evidence)
    return Verdict("registered", f"{name} is registered{_at(seen.address)} on TCP {port}.", evidence,
                   {"endpoint_port": port})


def _mine(seen: EndpointList, uuid: str) -> list[dict[str, Any]]:
    return [e for e in seen.endpoints if str(e.get("uuid", "")).lower() == uuid]


def epm_transports(seen: EndpointList, uuid: str, known_name: str = "") -> Verdict:
    """Document 002: an endpoint that could not be created leaves the interface on named pipes only."""
    mine = _mine(seen, uuid)
    name = interface_name(uuid, mine, known_name)
    protocols = sorted({e["protocol"] for e in mine})
    ports = sorted({e["port"] for e in mine if e["protocol"] == "ncacn_ip_tcp" and e.get("port")})
    evidence: dict[str, Any] = {"address": seen.address, "interface": uuid, "protocols": protocols, "tcp_ports": ports,
                                "bindings": [e["binding"] for e in mine][:SHOWN_BINDINGS]}
    if seen.cut_short:
        evidence["cut_short"] = seen.cut_short
    if ports:
        return Verdict("tcp", f"{name} is registered{_at(seen.address)} on TCP {ports[0]} ({', '.join(protocols)}).",
                       evidence, {"endpoint_port": ports[0]})
    if not seen.complete:
        return Verdict("error", f"{name} has no TCP endpoint in the endpoint list, but the list did not end"
                       f"{': ' + seen.cut_short if seen.cut_short else ''} (paste all of it, or run the check again).",
                       evidence)
    if "ncacn_np" in protocols:
        return Verdict("np-only", f"{name} is registered{_at(seen.address)} on named pipes but not on ncacn_ip_tcp: "
                       "its TCP endpoint was not created.", evidence)
    listed = f" (only {', '.join(protocols)})" if protocols else ""
    return Verdict("not-registered", f"The endpoint mapper{_at(seen.address)} does not list {name} on ncacn_ip_tcp "
                   f"or named pipes{listed}.", evidence)


def epm_map_list(seen: EndpointList, uuid: str, known_name: str = "") -> Verdict:
    """epm_map read from the whole list: registered on TCP, or not (named pipes only is not registered for
    a client that asks for ncacn_ip_tcp: 1753)."""
    found = epm_transports(seen, uuid, known_name)
    evidence = {**found.evidence, "endpoints_listed": len(seen.endpoints)}
    mine = [e for e in _mine(seen, uuid) if e["protocol"] == "ncacn_ip_tcp" and e.get("port")]
    name = interface_name(uuid, _mine(seen, uuid), known_name)
    if found.outcome == "tcp":
        evidence.update(port=mine[0]["port"], binding=mine[0]["binding"])
        return Verdict("registered", f"{name} is registered{_at(seen.address)} on TCP {mine[0]['port']} "
                       f"({mine[0]['binding']}).", evidence, found.facts)
    if found.outcome in ("np-only", "not-registered"):
        others = evidence["protocols"]
        detail = f"; only on {', '.join(others)}" if others else ""
        return Verdict("not-registered", f"{name} has no ncacn_ip_tcp endpoint in the endpoint list{_at(seen.address)}"
                       f"{detail} (EPT_S_NOT_REGISTERED, 1753).", evidence)
    return Verdict(found.outcome, found.summary, evidence, found.facts)


def epm_lookup(seen: EndpointList) -> Verdict:
    endpoints = list(seen.endpoints)
    tcp_ports = seen.tcp_ports
    evidence: dict[str, Any] = {"address": seen.address, "endpoints": endpoints[:SHOWN_ENDPOINTS],
                                "endpoints_total": len(endpoints), "tcp_ports": tcp_ports}
    if seen.cut_short:
        evidence["cut_short"] = seen.cut_short
    if not endpoints:
        if seen.complete or seen.stated_total == 0:
            return Verdict("empty", f"The endpoint mapper{_at(seen.address)} lists nothing.", evidence,
                           {"endpoints": []})
        return Verdict("error", "The endpoint list has no entries, and it did not end: it looks cut off.", evidence)
    cut = f"; the list was cut short: {seen.cut_short}" if seen.cut_short else ""
    cut = cut or ("" if seen.complete else "; the list looks cut off")
    return Verdict("listed", f"{len(endpoints)} endpoints registered{_at(seen.address)}; TCP ports "
                   f"{_ports_text(tcp_ports)}{cut}.", evidence, {"endpoints": endpoints})


def _ports_text(ports: list[int], shown: int = 20) -> str:
    """The ports for a one-line summary: a real DC has a dozen or two; a hostile list is cut."""
    if not ports:
        return "none"
    more = f" and {len(ports) - shown} more" if len(ports) > shown else ""
    return f"{ports[:shown]}{more}"
