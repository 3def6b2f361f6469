"""Probes that decide from evidence already gathered, without touching the network."""

from __future__ import annotations

from wizard.engine.results import ERROR, SKIPPED, ProbeResult
from wizard.probes.base import Session


def resolution_source(session: Session, resolved_from: str | None) -> ProbeResult:
    if resolved_from == "hosts-file":
        return ProbeResult("resolution_source", "hosts-file",
                           "The wrong address came from a HOSTS/LMHOSTS file entry, "
                           "which the resolver reads before DNS.",
                           {"resolved_from": resolved_from})
    if resolved_from == "dns":
        return ProbeResult("resolution_source", "dns", "The wrong address came from DNS.",
                           {"resolved_from": resolved_from})
    return ProbeResult("resolution_source", ERROR, "Where the address came from is unknown.")


def ask(session: Session, question: str | None = None) -> ProbeResult:
    """Nothing on the network can tell: the step waits for the person's answer (`--answer NODE=yes|no`,
    `m` in the wizard); left unanswered, the flow goes on as its `skipped` outcome says."""
    return ProbeResult("ask", SKIPPED, f"Only you can answer this: {question or 'see the question above'}")
