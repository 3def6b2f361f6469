"""TCP port checks in portqry's three states, run concurrently within the call's deadline."""

from __future__ import annotations

from wizard.engine.catalog import AD_PORTS, AD_WELL_KNOWN, ADVERTISED
from wizard.engine.results import ERROR, ProbeResult
from wizard.probes.budget import CutShort
from wizard.probes.epm import epm_lookup
from wizard.probes.guard import in_parallel
from wizard.probes.session import Session
from wizard.verdicts.ports import FILTERED, PortState, PortStates
from wizard.verdicts.ports import tcp_ports as verdict

MAX_ADVERTISED = 64  # a DC's endpoint mapper lists a dozen or two TCP ports; a hostile one may list thousands


def parse_ports(ports: object) -> list[int]:
    """Ports from an int, a "135,389" string or a list; "ad" expands to AD's ports; garbage is dropped."""
    items = ports if isinstance(ports, (list, tuple)) else str(ports or "").replace(",", " ").split()
    items = [p for item in items for p in (AD_WELL_KNOWN if item == AD_PORTS else [item])]
    result = []
    for item in items:
        try:
            port = int(item)
        except (TypeError, ValueError):
            continue
        if 0 < port < 65536 and port not in result:
            result.append(port)
    return result


def _advertised(session: Session, address: str) -> list[int]:
    """The ncacn_ip_tcp ports the endpoint mapper lists (a second exchange: only when asked for)."""
    return epm_lookup(session, address).evidence.get("tcp_ports", [])[:MAX_ADVERTISED]


def tcp_ports(session: Session, address: str | None, ports: object = None) -> ProbeResult:
    wanted = parse_ports(ports)
    names = ports if isinstance(ports, (list, tuple)) else str(ports or "").replace(",", " ").split()
    if address and ADVERTISED in names:
        wanted += [p for p in _advertised(session, address) if p not in wanted]
    if not address or not wanted:
        return ProbeResult("tcp_ports", ERROR, "No address or port to check.")
    states = in_parallel(session, {str(p): (lambda p=p: session.port_state(address, p)) for p in wanted})
    cut = next((v for v in states.values() if isinstance(v, CutShort)), None)
    if cut:
        raise cut  # the deadline came before every port was tried: not a fact about those ports
    table = {p: PortState(*states[str(p)]) if isinstance(states[str(p)], tuple) else
             PortState(FILTERED, str(states[str(p)])) for p in wanted}
    return verdict(PortStates(address, table)).result("tcp_ports")
