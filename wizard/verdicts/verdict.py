"""What a verdict hands back: outcome, one-line summary, evidence and facts (the ProbeResult's fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.engine.results import ProbeResult


@dataclass(frozen=True)
class Verdict:
    """The judgement of one observation. `facts` feed later nodes; `evidence` is shown and kept in JSON."""

    outcome: str
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def result(self, probe: str) -> ProbeResult:
        """As the probe's result (the runner adds the command and the time)."""
        return ProbeResult(probe, self.outcome, self.summary, dict(self.evidence), dict(self.facts))

    def answer(self) -> tuple[str, dict[str, Any], str]:
        """As a pasted answer: the facts travel in the evidence, where the paste path reads them."""
        return self.outcome, {**self.evidence, **self.facts}, self.summary
