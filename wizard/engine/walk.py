"""One diagnosis: a pure, deterministic walk from a symptom's start node to a cause.

The caller runs the check `pending()` names (or asks the person) and hands back the result
with `record()` (or `answer()`); the walk maps the outcome to the next node or a cause. Flows are
acyclic (checked at load), so a walk ends after at most one step per node.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from wizard import WizardError
from wizard.engine.catalog import CATALOG
from wizard.engine.commands import render_command, render_param
from wizard.engine.model import Cause, Flow, Node
from wizard.engine.names import is_valid_address
from wizard.engine.results import ProbeResult


@dataclass
class Step:
    node: str
    probe: str
    outcome: str
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    command: str = ""
    elapsed_s: float = 0.0
    source: str = "probe"  # "probe", or who answered by hand ("person", "answer-file", ...)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "elapsed_s": round(self.elapsed_s, 3)}


@dataclass(frozen=True)
class ProbeCall:
    """What runs next: the node, its probe, the parameters filled from the walk, the Windows equivalent."""

    node: str
    probe: str
    params: dict[str, Any]
    command: str


@dataclass(frozen=True)
class Answer:
    """A node answered without its probe: by the person, or from pasted output of its command."""

    outcome: str
    source: str = "person"
    evidence: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)  # feed later nodes as a probe's facts would
    summary: str | None = None


NOT_CHECKED = "skipped"  # the outcome of a node passed over by a jump
# checks of the target's name: with an address as the target there is no name to check
NAME_PROBES = ("dns_cname", "dns_host")
ADDRESS_GIVEN = "address"  # the source of a name check passed over because the target is an address


class Walk:
    def __init__(self, flow: Flow, context: dict[str, Any]):
        self.flow = flow
        self.context: dict[str, Any] = dict(context)
        self.steps: list[Step] = []
        self.cause: Cause | None = None
        self.inconclusive: str | None = None
        self._node: Node | None = flow.start
        if is_valid_address(self.context.get("target")):
            self.context.setdefault("address", self.context["target"])  # where the name checks would lead
        self._pass_name_checks()

    @property
    def node(self) -> Node | None:
        return self._node

    @property
    def done(self) -> bool:
        return self._node is None

    def pending(self) -> ProbeCall | None:
        """The current node's check with its parameters filled from the context (missing values -> None);
        None once the walk has ended. Pure: running it is the caller's business."""
        if self._node is None:
            return None
        node = self._node
        params = {name: render_param(tpl, self.context) for name, tpl in node.params.items()}
        return ProbeCall(node.id, node.probe, params, render_command(CATALOG[node.probe].command, params))

    def record(self, result: ProbeResult) -> None:
        """Take a probe result for the current node: merge its facts, keep the step, move on."""
        node = self._current()
        if result.probe != node.probe:
            raise WizardError(f"node {node.id!r} runs probe {node.probe}, not {result.probe}")
        self._check_outcome(node, result.outcome)
        self._merge(result.facts)
        command = result.command or "\n".join(self._render(node.commands))
        summary = result.summary
        if result.outcome == NOT_CHECKED and node.unchecked:  # the flow says what stays open, and how to check it
            summary = f"{summary.rstrip()} {self.render(node.unchecked)}"
        self._advance(Step(node.id, node.probe, result.outcome, summary, dict(result.evidence), command,
                           result.elapsed_s))

    def answer(self, outcome: str, source: str = "person", evidence: dict | None = None,
               facts: dict | None = None, summary: str | None = None) -> None:
        """A manual or pasted answer for the current node; `facts` feed later nodes like a probe's would."""
        node = self._current()
        self._check_outcome(node, outcome)
        self._merge(facts or {})
        summary = f"({source}) {summary}" if summary else f"answered by {source}: {outcome}"
        self._advance(Step(node.id, node.probe, outcome, summary, dict(evidence or {}),
                           "\n".join(self._render(node.commands)), 0.0, source))

    def apply(self, answer: Answer) -> None:
        self.answer(answer.outcome, answer.source, answer.evidence, answer.facts, answer.summary)

    def path_to(self, node_id: str) -> list[str] | None:
        """The shortest chain of nodes from the current one to `node_id` (both included), or None."""
        if self._node is None or node_id not in self.flow.nodes:
            return None
        paths = {self._node.id: [self._node.id]}
        queue = [self._node.id]
        while queue:
            here = queue.pop(0)
            if here == node_id:
                return paths[here]
            for to in self.flow.nodes[here].outcomes.values():
                if to.next and to.next not in paths:
                    paths[to.next] = paths[here] + [to.next]
                    queue.append(to.next)
        return None

    def jump(self, node_id: str) -> None:
        """Go straight to a later node; the nodes passed over are recorded as not checked."""
        path = self.path_to(node_id)
        if path is None:
            raise WizardError(f"node {node_id!r} cannot be reached from here")
        for passed in path[:-1]:
            node = self.flow.nodes[passed]
            self.steps.append(Step(passed, node.probe, NOT_CHECKED, f"not checked (jumped to {node_id})",
                                   command="\n".join(self._render(node.commands)), source="jump"))
        self._node = self.flow.nodes[node_id]

    def node_commands(self) -> list[str]:
        """The current node's Windows commands, filled in: what a person runs for this step by hand."""
        return self._render(self._node.commands) if self._node else []

    def commands(self) -> list[str]:
        """Windows commands of the visited nodes, then of the cause; rendered, in order, without repeats."""
        visited = [self.flow.nodes[step.node] for step in self.steps if step.source != ADDRESS_GIVEN]
        templates = [c for node in visited for c in node.commands]
        templates += list(self.cause.commands) if self.cause else []
        return list(dict.fromkeys(self._render(templates)))

    def fixes(self) -> list[str]:
        """The cause's fixes with {placeholders} filled from the context (empty before a cause)."""
        return self._render(self.cause.fixes) if self.cause else []

    def render(self, template: str) -> str:
        """Any text with {placeholders} from this walk's context, quoted as commands are."""
        return render_command(template, self.context)

    # --- internals -----------------------------------------------------------------------------

    def _current(self) -> Node:
        if self._node is None:
            raise WizardError("this diagnosis has already ended")
        return self._node

    @staticmethod
    def _check_outcome(node: Node, outcome: str) -> None:
        if outcome not in node.allowed_outcomes:
            raise WizardError(f"{outcome!r} is not an answer for {node.id!r}; "
                              f"choose one of: {', '.join(node.allowed_outcomes)}")

    def _merge(self, facts: dict[str, Any]) -> None:
        # a probe that learned nothing must not erase what the person told us
        self.context.update({k: v for k, v in facts.items() if v is not None})

    def _render(self, templates) -> list[str]:
        return [render_command(t, self.context) for t in templates]

    def _advance(self, step: Step) -> None:
        node = self._current()
        self.steps.append(step)
        to = node.outcomes.get(step.outcome)
        if to is None:  # error/skipped left unmapped: stop and say what to do by hand
            self.inconclusive = (f"Could not answer {node.id!r} ({self.render(node.question)}): {step.outcome}: "
                                 f"{step.summary.rstrip('.')}. Next: {self.render(node.ask)}")
            self._node = None
        elif to.cause is not None:
            self.cause = self.flow.causes[to.cause]
            self._node = None
        else:
            self._node = self.flow.nodes[to.next]
            self._pass_name_checks()

    def _pass_name_checks(self) -> None:
        """With an address as the target, record a name check as skipped; its `skipped` transition leads
        on (_advance passes the next name check the same way) to a check with something to ask: identity."""
        target = self.context.get("target")
        if self._node is not None and self._node.probe in NAME_PROBES and is_valid_address(target):
            node = self._node
            self._advance(Step(node.id, node.probe, NOT_CHECKED,
                               f"{target} is an IP address: there is no name to resolve, so this check is skipped "
                               "and the checks start at that address.", source=ADDRESS_GIVEN))
