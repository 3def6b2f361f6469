"""One diagnosis as the wizard holds it: the flow set, the trail, the probe session. No Textual."""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard import report
from wizard.diagnose import Runner
from wizard.engine import FlowSet, Walk
from wizard.engine.trail import Trail
from wizard.engine.untrusted import clean
from wizard.probes.session import Session


@dataclass
class Diagnosis:
    flows: FlowSet
    trail: Trail
    session: Session
    runner: Runner | None = None  # None: the live probes
    notes: list[str] = field(default_factory=list)  # what was assumed about the inputs
    trace: object | None = None  # a LoadedTrace (wizard.tui.screens.trace): its call answers steps first

    @property
    def walk(self) -> Walk:
        return self.trail.walk

    def ticket(self) -> str:
        return report.to_markdown(self.walk, self.flows)

    def exit_code(self) -> int:
        return report.exit_code(self.walk)


def subtitle(walk: Walk) -> str:
    """The header's second line on every screen of a diagnosis."""
    return f"{walk.flow.symptom.id} · target {clean(walk.context.get('target'), 80)}"
