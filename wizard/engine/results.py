"""What a probe hands back to the engine. Shared by probes (I/O) and the engine (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Outcomes every probe may give besides its own (see wizard/engine/catalog.py):
ERROR = "error"  # the probe could not run or could not tell (missing input, a resolver that never answered)
SKIPPED = "skipped"  # the check does not apply with what we know (no GUID given, no credentials)
COMMON_OUTCOMES = (ERROR, SKIPPED)


@dataclass
class ProbeResult:
    """One probe run: outcome from a fixed vocabulary, typed evidence, and the Windows equivalent."""

    probe: str
    outcome: str
    summary: str  # one line in plain words
    evidence: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)  # merged into the flow context for later nodes
    command: str = ""  # what a person would run on Windows for the same check
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "probe": self.probe,
            "outcome": self.outcome,
            "summary": self.summary,
            "evidence": self.evidence,
            "command": self.command,
            "elapsed_s": round(self.elapsed_s, 3),
        }
