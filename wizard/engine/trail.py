"""Back and forward through a diagnosis: what answered each node, replayed into a fresh walk.

A walk only moves forward. A trail offers the walk's own stepping API (pending, record, apply, done),
so `wizard.diagnose.run` drives either. The trail keeps what answered each node (a probe's result, a person's or
a paste's answer, a jump) and a position in that list; going back moves the position and replays the
entries before it into a new Walk, so no probe runs again. Answering at an earlier position drops
what came after, as a browser's history does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard import WizardError
from wizard.engine.model import Flow
from wizard.engine.results import ProbeResult
from wizard.engine.walk import Answer, ProbeCall, Walk


@dataclass(frozen=True)
class Entry:
    """What answered one node: exactly one of a probe result, an answer, or a jump to a later node."""

    node: str
    result: ProbeResult | None = None
    answer: Answer | None = None
    jump_to: str | None = None

    def apply(self, walk: Walk) -> None:
        if walk.node is None or walk.node.id != self.node:
            raise WizardError(f"cannot replay {self.node!r}: the walk is elsewhere")
        if self.result is not None:
            walk.record(self.result)
        elif self.answer is not None:
            walk.apply(self.answer)
        else:
            walk.jump(str(self.jump_to))


class Trail:
    def __init__(self, flow: Flow, context: Mapping[str, Any]) -> None:
        self.flow = flow
        self.context = dict(context)
        self.entries: list[Entry] = []
        self.position = 0  # entries[:position] make up the walk shown
        self.version = 0  # changes on every move: a probe result for an older version is stale
        self.walk = Walk(flow, self.context)

    @property
    def can_back(self) -> bool:
        return self.position > 0

    @property
    def can_forward(self) -> bool:
        return self.position < len(self.entries)

    def pending(self) -> ProbeCall | None:
        return self.walk.pending()

    def record(self, result: ProbeResult) -> None:
        self._push(Entry(self._node_id(), result=result))

    @property
    def done(self) -> bool:
        return self.walk.done

    def apply(self, answer: Answer) -> None:
        self._push(Entry(self._node_id(), answer=answer))

    def jump(self, node_id: str) -> None:
        """Go to any node of the flow: back to it if the path passed it, else straight there from the
        latest point that leads to it, the nodes in between recorded as not checked."""
        if node_id not in self.flow.nodes:
            raise WizardError(f"no node {node_id!r} in {self.flow.symptom.id}")
        for position in range(self.position, -1, -1):
            walk = self._replayed(position)
            if walk.node is not None and walk.node.id == node_id:
                self._move(position, walk)
                return
            if walk.path_to(node_id):
                self._move(position, walk)
                self._push(Entry(walk.node.id, jump_to=node_id))  # type: ignore[union-attr]
                return
        raise WizardError(f"node {node_id!r} cannot be reached in {self.flow.symptom.id}")

    def back(self) -> bool:
        if not self.can_back:
            return False
        self._move(self.position - 1, self._replayed(self.position - 1))
        return True

    def forward(self) -> bool:
        if not self.can_forward:
            return False
        self._move(self.position + 1, self._replayed(self.position + 1))
        return True

    # --- internals -----------------------------------------------------------------------------

    def _node_id(self) -> str:
        if self.walk.node is None:
            raise WizardError("this diagnosis has already ended: go back to change an answer")
        return self.walk.node.id

    def _push(self, entry: Entry) -> None:
        entry.apply(self.walk)  # validates before anything is kept: a bad answer changes nothing
        self.entries[self.position:] = [entry]
        self.position += 1
        self.version += 1

    def _replayed(self, position: int) -> Walk:
        walk = Walk(self.flow, self.context)
        for entry in self.entries[:position]:
            entry.apply(walk)
        return walk

    def _move(self, position: int, walk: Walk) -> None:
        self.position, self.walk = position, walk
        self.version += 1
