"""Probes that decide from evidence already gathered, without touching the network."""

from __future__ import annotations

from wizard.engine.results import SKIPPED, ProbeResult
from wizard.probes.session import Session
from wizard.verdicts.dns import resolution_source as verdict


def resolution_source(session: Session, resolved_from: str | None) -> ProbeResult:
    return verdict(resolved_from).result("resolution_source")


def ask(session: Session, question: str | None = None) -> ProbeResult:
    """Nothing on the network can tell: the step waits for the person's answer (`--answer NODE=yes|no`,
    `m` in the wizard); left unanswered, the flow goes on as its `skipped` outcome says."""
    return ProbeResult("ask", SKIPPED, f"Only you can answer this: {question or 'see the question above'}")
