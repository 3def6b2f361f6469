"""The seven steps of the AD DS RPC workflow (document 000) as boxes and arrows, the broken one lit.

`broken_step` takes the cause's `rpc_step` when the walk named a fault; otherwise it infers the step
from what the checks saw. `reached_step` says how far the checks confirmed the path works. Only
`RpcWorkflow` touches Textual; the rest is plain rich so reports and tests can draw it too.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from wizard.engine.walk import NOT_CHECKED
from wizard.tui.widgets.evidence import clean
from wizard.verdicts.declared import DECLARED
from wizard.verdicts.ports import EPM_WORD, PORT_WORD

if TYPE_CHECKING:
    from wizard.engine.walk import Step, Walk

STEPS: tuple[str, ...] = (
    "Server app registers with the EPM",
    "Client makes the RPC call",
    "Client asks the EPM on TCP 135",
    "EPM answers with an endpoint",
    "Client connects to the endpoint",
    "Server executes the call",
    "Client app gets the result",
)
# what it means when the cause sits at a step the checks did not see fail
_CAUSE_AT = {
    1: "the server app did not register its endpoints",
    2: "the client could not make the call",
    3: "the client asked the wrong endpoint mapper, or none",
    4: "the endpoint mapper had no endpoint to give",
    5: "the call reached the wrong server or a closed port",
    6: "the server could not execute the call",
    7: "the result did not reach the client app",
}
NARROW = 56  # below this many columns the steps are listed one a line: boxes two abreast would be too tall
_NAME_WORKS = {("dns_cname", "matches-target"), ("dns_host", "resolved"), ("identity", "match"),
               ("identity", "mismatch"), ("identity", "silent")}
_PORT_BAD = {outcome: word for outcome, word in PORT_WORD.items() if outcome != "listening"}
# checks that ask the endpoint mapper for one interface's endpoint (the name chain's endpoint-mapper link)
_ASKS_EPM = tuple(p for p, d in DECLARED.items() if d.chain_link == "endpoint mapper")


@dataclass(frozen=True)
class Failure:
    step: int  # 1-7
    marker: str  # a few words inside the step's box
    caption: str  # one sentence for the line under the picture


def _ran(step: Step) -> bool:
    return step.source != "jump" and step.outcome not in (NOT_CHECKED, "error")


def _after_epm(step: Step, before: list[Step]) -> bool:
    """A port check on the endpoint the mapper handed out (not on TCP 135 or the AD well-known ports)."""
    return step.node == "dynamic-port" or any(s.probe in _ASKS_EPM and _ran(s) for s in before)


def _name(walk: Walk, key: str, fallback: str) -> str:
    return clean(walk.context.get(key) or fallback, 60)


def _epm_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    if step.outcome == "not-registered":
        return Failure(3, "no DRS entry", "1753 = the endpoint mapper answered (step 3) but had no entry for the "
                                          "interface (step 4)")
    if step.outcome in EPM_WORD:
        word = EPM_WORD[step.outcome]
        return Failure(3, f"135 {word.lower()}", f"TCP 135 {word}: the endpoint mapper gave no answer (step 3), "
                                                 "which gives 1722 (0x6D9 on a domain join)")
    if step.outcome == "registered":
        return _wrong_dc(before, walk)
    if step.probe == "epm_lookup" and step.outcome == "empty":
        return Failure(4, "nothing listed", "the endpoint mapper lists no endpoints at all (step 4)")
    return None


def _wrong_dc(before: list[Step], walk: Walk) -> Failure | None:
    """The interface is registered, but at a computer the identity check said is not the intended one."""
    if not any(s.probe == "identity" and s.outcome == "mismatch" for s in before):
        return None
    who = _name(walk, "answered_by", "another computer")
    return Failure(5, "wrong DC", f"{who} has DRS registered too: the call reaches the wrong DC (step 5) and "
                                  "fails with -2146893022")


def _port_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    if step.outcome not in _PORT_BAD or not _after_epm(step, before):
        return None
    port = _name(walk, "endpoint_port", "the dynamic port")
    return Failure(5, f"port {_PORT_BAD[step.outcome].lower()}",
                   f"the endpoint mapper handed out TCP {port} (step 4), but it is {_PORT_BAD[step.outcome]} (step 5)")


def _identity_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    if step.outcome != "mismatch":
        return None
    who, want = _name(walk, "answered_by", "another computer"), _name(walk, "target", "the intended DC")
    return Failure(3, "wrong host", f"the name leads to {who}, not {want}: the call asks the wrong endpoint "
                                    "mapper (step 3)")


def _name_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    if step.outcome in ("not-found", "missing"):
        return Failure(3, "no address", "the name does not resolve: there is no endpoint mapper to ask (step 3)")
    if step.outcome == "other-host":
        where = _name(walk, "cname_target", "another host")
        return Failure(3, "wrong alias", f"the _msdcs alias leads to {where}, not "
                                         f"{_name(walk, 'target', 'the intended DC')} (step 3)")
    return None


def _guid_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    if step.outcome not in ("mismatch", "different"):  # ntds_guid's word, source_guid's word
        return None
    return Failure(3, "stale GUID", "the destination looks up a stale NTDS Settings GUID, so its alias leads to "
                                    "an old object (step 3)")


def _config_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    if step.outcome not in ("too-small", "invalid"):
        return None
    return Failure(1, "port config", "the RPC port settings keep services from registering endpoints (step 1)")


def _transports_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    """epm_transports: like epm_map, and named pipes only (document 002: the TCP endpoint was not created)."""
    if step.outcome == "np-only":
        return Failure(4, "pipes only", "the endpoint mapper lists the interface on named pipes only: it has no TCP "
                                        "endpoint to hand out (step 4)")
    if step.outcome == "not-registered":
        return Failure(4, "not listed", "the endpoint mapper answered (step 3) but does not list the interface "
                                        "at all (step 4)")
    if step.outcome == "tcp":
        return _wrong_dc(before, walk)
    return _epm_failure(step, before, walk)  # 135 filtered, refused, unreachable


def _services_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    if step.outcome != "differ":
        return None
    return Failure(1, "services", "an RPC service is not in its default state: its interfaces are not registered "
                                  "(step 1)")


def _fixed_port_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    if step.outcome not in ("in-use", "outside-range"):
        return None
    why = "taken by another process" if step.outcome == "in-use" else "outside the dynamic range"
    return Failure(1, "fixed port", f"the directory service's fixed port is {why}: it cannot create its endpoint "
                                    "(step 1)")


def _client_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    if step.outcome not in ("incomplete", "absent"):
        return None
    return Failure(2, "client protocols", "the client's Rpc\\ClientProtocols lacks its transports: it cannot make "
                                          "the call (step 2)")


def _proxy_failure(step: Step, before: list[Step], walk: Walk) -> Failure | None:
    if step.outcome not in ("incomplete", "absent"):
        return None
    return Failure(3, "ValidPorts", "the RPC proxy's ValidPorts does not allow the server's ports: the call never "
                                    "reaches its endpoint mapper (step 3)")


# by the judge name each probe declares (wizard.verdicts.declared `workflow`): the declaration decides
JUDGES: dict[str, Callable[[Step, list[Step], Walk], Failure | None]] = {
    "epm": _epm_failure,
    "ports": _port_failure,
    "identity": _identity_failure,
    "name": _name_failure,
    "guid": _guid_failure,
    "config": _config_failure,
    "transports": _transports_failure,
    "services": _services_failure,
    "fixed_port": _fixed_port_failure,
    "client": _client_failure,
    "proxy": _proxy_failure,
}


def _judge(probe: str) -> Callable[[Step, list[Step], Walk], Failure | None] | None:
    declared = DECLARED.get(probe)
    return JUDGES[declared.workflow] if declared and declared.workflow else None


def failures(walk: Walk) -> list[Failure]:
    """What the checks saw go wrong, in the order they ran."""
    found = []
    for i, step in enumerate(walk.steps):
        judge = _judge(step.probe)
        failure = judge(step, walk.steps[:i], walk) if judge and _ran(step) else None
        if failure:
            found.append(failure)
    return found


def _is_fault(walk: Walk) -> bool:
    return walk.cause is not None and walk.cause.is_fault


def broken_step(walk: Walk) -> int | None:
    """The workflow step where this diagnosis broke; None while nothing has gone wrong."""
    if _is_fault(walk) and walk.cause.rpc_step:
        return walk.cause.rpc_step
    if walk.cause is not None and not walk.cause.is_fault:
        return None
    seen = failures(walk)
    return seen[0].step if seen else None


def _reach(step: Step, before: list[Step]) -> int:
    if step.probe in ("epm_map", "epm_lookup") and step.outcome in ("not-registered", "listed", "empty"):
        return 3  # the endpoint mapper answered
    if step.probe == "epm_transports" and step.outcome in ("np-only", "not-registered"):
        return 3
    if (step.probe, step.outcome) in (("epm_map", "registered"), ("epm_transports", "tcp")):
        return 4
    if step.probe == "tcp_ports" and step.outcome == "listening" and _after_epm(step, before):
        return 5
    if (step.probe, step.outcome) in _NAME_WORKS:
        return 2  # the name leads somewhere, so the call can be made
    return 0


def reached_step(walk: Walk) -> int:
    """How far the checks confirmed the path works (0: nothing confirmed yet)."""
    return max((_reach(s, walk.steps[:i]) for i, s in enumerate(walk.steps) if _ran(s)), default=0)


def _confirmed(number: int, reached: int) -> bool:
    # step 1 happens on the server: only an endpoint handed out proves the registration
    return reached >= 4 if number == 1 else number <= reached


def _caption(walk: Walk, seen: list[Failure], broken: int | None, reached: int) -> Text:
    parts = list(dict.fromkeys(f.caption for f in seen))
    if broken and broken not in {f.step for f in seen}:
        parts.append(f"the cause is at step {broken}: {_CAUSE_AT[broken]}")
    if parts:
        return Text("; ".join(parts) + ".", style="red")
    if _is_fault(walk):
        return Text(f"Cause: {clean(walk.cause.title)}.", style="red")
    confirmed = f"steps up to {reached} confirmed" if reached else "nothing confirmed yet"
    if walk.cause is not None:
        return Text(f"Every check passed ({confirmed}); steps 6-7 can only be checked on the DCs.", style="green")
    if walk.inconclusive:
        return Text(f"Inconclusive: {confirmed}.", style="yellow")
    return Text(f"So far: {confirmed}.", style="dim")


@dataclass(frozen=True)
class _Box:
    number: int
    lines: list[str]
    style: str  # the frame's
    fill: str  # the inside's


def _look(number: int, broken: int | None, markers: dict[int, str], reached: int) -> tuple[str, list[str], str, str]:
    """(glyph, words for the step, frame style, fill style): the words carry the state without colour."""
    marker = markers.get(number)
    if number == broken:
        return "✗", ["broke here", *([marker] if marker else [])], "bold red", "bold reverse red"
    if marker:
        return "✗", [marker], "red", "bold red"
    if _confirmed(number, reached):
        return "✓", ["ok"], "green", "green"
    return "·", [], "dim", "dim"


def _box(number: int, width: int, look: tuple[str, list[str], str, str]) -> _Box:
    glyph, words, frame, fill = look
    lines = textwrap.wrap(f"{number} {STEPS[number - 1]}", width)
    for i, word in enumerate(words):
        lines += textwrap.wrap(f"{glyph} {word}" if i == 0 else word, width)
    return _Box(number, lines, frame, fill)


def _list(looks: dict[int, tuple[str, list[str], str, str]]) -> Table:
    """One step a line, for panels too narrow for boxes; a wrapped line stays indented under its step."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for number, (glyph, words, _, fill) in looks.items():
        said = f": {', '.join(words)}" if words and glyph == "✗" else ""
        table.add_row(Text(glyph, style=fill), Text(f"{number} {STEPS[number - 1]}{said}", style=fill))
    return table


def _layout(width: int) -> tuple[int, int]:
    """(boxes per row, inside width of a box): four across from about 75 columns, else three."""
    for per_row in (4, 3, 2, 1):
        inside = (width - 2 - 3 * (per_row - 1)) // per_row - 2
        if inside >= 14:
            return per_row, min(inside, 22)
    return 1, max(inside, 8)


def _row(boxes: list[_Box], inside: int, first: bool) -> list[Text]:
    height = max(len(b.lines) for b in boxes)
    middle = 1 + (height - 1) // 2  # the row of text the arrows sit on, counting the top border as 0
    lines = []
    for y in range(height + 2):
        line = Text("→ " if y == middle and not first else "  ", style="dim", no_wrap=True, overflow="crop")
        for i, b in enumerate(boxes):
            if i:
                line.append(" → " if y == middle else "   ", style="dim")
            if y in (0, height + 1):
                left, right = ("┌", "┐") if y == 0 else ("└", "┘")
                line.append(left + "─" * inside + right, style=b.style)
            else:
                text = b.lines[y - 1] if y - 1 < len(b.lines) else ""
                line.append("│", style=b.style)
                line.append(text.ljust(inside), style=b.fill)
                line.append("│", style=b.style)
        lines.append(line)
    return lines


class WorkflowPicture:
    """A rich renderable that lays the boxes out for the width it is given."""

    def __init__(self, walk: Walk) -> None:
        self.broken = broken_step(walk)
        self.reached = reached_step(walk)
        seen = failures(walk)
        self.markers: dict[int, str] = {}
        for failure in seen:
            self.markers.setdefault(failure.step, failure.marker)
        self.caption = _caption(walk, seen, self.broken, self.reached)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        looks = {n: _look(n, self.broken, self.markers, self.reached) for n in range(1, len(STEPS) + 1)}
        if options.max_width < NARROW:
            yield _list(looks)
            yield self.caption
            return
        per_row, inside = _layout(options.max_width)
        boxes = [_box(n, inside, look) for n, look in looks.items()]
        for start in range(0, len(boxes), per_row):
            yield from _row(boxes[start:start + per_row], inside, first=start == 0)
        yield self.caption

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(options.max_width, 30), min(options.max_width, 2 + 4 * 24 + 9))


def render_workflow(walk: Walk) -> WorkflowPicture:
    return WorkflowPicture(walk)


class RpcWorkflow(Static):
    """The workflow picture; call `show(walk)` after every step."""

    DEFAULT_CSS = """
    RpcWorkflow {
        height: auto;
    }
    """

    def show(self, walk: Walk) -> None:
        self.update(render_workflow(walk))
