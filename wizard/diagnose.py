"""Drive a flow with live probes, answers and pastes: the API the CLI and the TUI share.

The engine decides (pure); this module does the I/O of each step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from wizard import WizardError
from wizard.engine import FlowSet, Walk, load_flows
from wizard.probes.base import Session
from wizard.probes.catalog import CATALOG, DRS_UUID
from wizard.probes.run import run_probe


def start(symptom: str, context: Mapping[str, object], flows: FlowSet | None = None) -> Walk:
    """A walk of the symptom's flow, at its first node. `symptom` is an id or an error code."""
    flows = flows or load_flows()
    found = flows.find_symptoms(symptom)
    if not found:
        raise WizardError(f"unknown symptom {symptom!r}: see `rpc-wizard flows list`")
    if len(found) > 1:
        choices = ", ".join(s.id for s in found)
        raise WizardError(f"{symptom!r} matches several symptoms, choose one with --symptom: {choices}")
    ctx = {"interface": DRS_UUID, **{k: v for k, v in context.items() if v not in (None, "", [])}}
    return Walk(flows.flow(found[0].id), ctx)


def step(walk: Walk, session: Session, answers: Mapping[str, str] | None = None,
         pastes: Mapping[str, str] | None = None) -> None:
    """Answer the current node: the person's answer first, then pasted output, else its live probe."""
    node = walk.node
    if node is None:
        return
    answers, pastes = answers or {}, pastes or {}
    if node.id in answers:
        walk.answer(answers[node.id], source="person")
        return
    if node.id in pastes and _answer_paste(walk, pastes[node.id]):
        return
    name, params = walk.probe_call()
    walk.record(run_probe(name, params, session))


def _answer_paste(walk: Walk, text: str) -> bool:
    from wizard.parsers import answer_from_paste

    name, _ = walk.probe_call()
    answered = answer_from_paste(name, text, dict(walk.context))
    if answered is None:
        raise WizardError(f"the text pasted for node {walk.node.id!r} does not answer its check ({name})")
    outcome, evidence, summary = answered
    facts = {k: evidence[k] for k in CATALOG[name].facts if k in evidence}  # later nodes need them
    walk.answer(outcome, source="paste", evidence=evidence, facts=facts, summary=summary)
    return True


def run(walk: Walk, session: Session, answers: Mapping[str, str] | None = None,
        pastes: Mapping[str, str] | None = None, on_step: Callable[[Walk], None] | None = None) -> Walk:
    """Step until the walk reaches a cause or ends inconclusive."""
    for _ in range(100):  # flows are validated acyclic; this only bounds a broken one
        if walk.done:
            break
        step(walk, session, answers, pastes)
        if on_step:
            on_step(walk)
    return walk
