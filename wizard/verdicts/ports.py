"""TCP port states in portqry's words: the one place they are written.

LISTENING (the connect succeeded), NOT LISTENING (refused: a reset proves the host is up), FILTERED (no
answer within the timeout), and UNREACHABLE (no route: not one of portqry's words, but a fact the
socket gives). Test-NetConnection only says True or False: False is NOT LISTENING OR FILTERED.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.verdicts.verdict import Verdict

LISTENING = "LISTENING"
NOT_LISTENING = "NOT LISTENING"
FILTERED = "FILTERED"
UNREACHABLE = "UNREACHABLE"
EITHER = "NOT LISTENING OR FILTERED"  # Test-NetConnection's TcpTestSucceeded : False
STATES = (LISTENING, NOT_LISTENING, FILTERED, UNREACHABLE, EITHER)

# tcp_ports' outcome for each state. EITHER counts as filtered: a refusal would prove the host is up,
# and nothing here proves it (design.md keeps "refused" and "filtered" apart; the weaker claim wins).
PORT_OUTCOME = {LISTENING: "listening", NOT_LISTENING: "not-listening", FILTERED: "filtered",
                UNREACHABLE: "unreachable", EITHER: "filtered"}
# the word for each tcp_ports outcome, for pictures and tables
PORT_WORD = {"listening": LISTENING, "not-listening": NOT_LISTENING, "filtered": FILTERED, "unreachable": UNREACHABLE}
# the endpoint-mapper checks' outcome when TCP 135 itself is dead, and back to the word
EPM_OUTCOME = {NOT_LISTENING: "refused", FILTERED: "filtered", UNREACHABLE: "unreachable", EITHER: "filtered"}
EPM_WORD = {"refused": NOT_LISTENING, "filtered": FILTERED, "unreachable": UNREACHABLE}
# among several ports the worst decides, as portqry's exit code does (unreachable worst, listening best)
SEVERITY = ("unreachable", "filtered", "not-listening", "listening")


@dataclass(frozen=True)
class PortState:
    state: str  # one of STATES
    detail: str = ""  # how it was seen: "connection refused (TCP reset)", a portqry service name


@dataclass(frozen=True)
class PortStates:
    """The state of each TCP port asked about at one address, in the order asked."""

    address: str
    ports: dict[int, PortState]
    note: str = ""  # said after the summary (a source that cannot tell refused from filtered)


def worst(states: list[str]) -> str:
    """The tcp_ports outcome of several states."""
    return min((PORT_OUTCOME[s] for s in states), key=SEVERITY.index)


def tcp_ports(seen: PortStates) -> Verdict:
    if not seen.ports:
        return Verdict("error", "No port to check.")
    evidence = {"address": seen.address,
                "ports": {str(p): {"state": s.state, "detail": s.detail} for p, s in seen.ports.items()}}
    summary = "; ".join(f"TCP {p}: {s.state}" for p, s in seen.ports.items())
    if any(s.state == EITHER for s in seen.ports.values()):
        summary += " (Test-NetConnection does not tell a refusal from a silent drop: counted as filtered)"
    at = f"{seen.address}: " if seen.address else ""
    return Verdict(worst([s.state for s in seen.ports.values()]), f"{at}{summary}{seen.note}.", evidence)


def port_135(address: str, state: str, detail: str = "") -> Verdict | None:
    """The endpoint-mapper checks' verdict when TCP 135 is not LISTENING; None when it is."""
    if state not in EPM_OUTCOME:
        return None
    how = f" ({detail})" if detail else ""
    evidence = {"address": address, "port_135": state}
    if detail:
        evidence["detail"] = detail
    return Verdict(EPM_OUTCOME[state], f"TCP 135 on {address or 'the server'}: {state}{how}.", evidence)
