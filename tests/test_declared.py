"""Each catalogued probe is declared once (wizard/verdicts/declared.py), and every table that shows or
judges a probe (evidence renderers, paste readers, the workflow picture's judges, the name chain's links)
takes its entries from that declaration: nothing missing without a stated reason, nothing undeclared."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from wizard.engine.catalog import CATALOG
from wizard.parsers.answer import READERS
from wizard.tui.widgets import evidence, name_chain, rpc_workflow
from wizard.verdicts.declared import DECLARED, PARTS, kind


@pytest.mark.parametrize("probe", sorted(CATALOG))
def test_every_part_is_there_or_says_why_not(probe):
    declared = DECLARED[probe]
    for part in PARTS:
        value, why = getattr(declared, part), declared.why_not.get(part, "")
        assert (value is not None) != bool(why.strip()), (
            f"{probe}: {part} is {'declared and excused' if value is not None else 'missing without a reason'}")
    assert set(declared.why_not) <= set(PARTS), f"{probe}: a reason for a part that does not exist"


@pytest.mark.parametrize("probe", sorted(CATALOG))
def test_the_declared_parts_are_real(probe):
    declared = DECLARED[probe]
    if declared.observation is not None and declared.observation is not str:
        assert dataclasses.is_dataclass(declared.observation), f"{probe}: the observation is a typed dataclass"
    if declared.verdict is not None:
        first = next(iter(inspect.signature(declared.verdict).parameters.values()))
        assert first.annotation in (declared.observation.__name__, f"{declared.observation.__name__} | None",
                                    "str | None"), f"{probe}: its verdict takes its observation"
    assert declared.renderer in evidence.RENDERERS
    assert (declared.paste is not None) == (probe in READERS), f"{probe}: declared paste and the readers agree"
    assert declared.workflow is None or declared.workflow in rpc_workflow.JUDGES
    assert all(1 <= step <= len(rpc_workflow.STEPS) for step in declared.rpc_steps)
    assert bool(declared.rpc_steps) == (declared.workflow is not None)
    assert declared.chain_link is None or declared.chain_link in name_chain.LINKS


def test_no_table_has_an_entry_nobody_declared():
    used = {part: {getattr(d, part) for d in DECLARED.values()} for part in ("renderer", "workflow", "chain_link")}
    assert set(evidence.RENDERERS) == used["renderer"]
    assert set(rpc_workflow.JUDGES) == used["workflow"] - {None}
    assert set(name_chain.LINKS) - {"host name"} == used["chain_link"] - {None}  # the host name is given, not checked
    assert set(READERS) <= set(DECLARED)


def test_good_and_bad_are_said_once_for_every_screen_and_report():
    from wizard.report.sweep import cell_colour

    for declared in DECLARED.values():
        for outcome in declared.good:
            assert evidence.outcome_style(outcome, declared.probe) == "green"
        for outcome in declared.bad:
            assert evidence.outcome_style(outcome, declared.probe) == "red"
    # a word good for one probe and bad for another says nothing on its own (ntds_port's none is fine,
    # dc_locator's is not): without the probe it is neither
    assert kind("none", "ntds_port") == "good" and kind("none", "dc_locator") == "bad" and kind("none") == ""
    assert cell_colour(3, "registered") == "green" and cell_colour(3, "not-registered") == "red"


def test_each_workflow_judge_lights_only_the_steps_its_probe_declares():
    from wizard.engine import Walk, load_flows
    from wizard.engine.walk import Step

    walk = Walk(load_flows().flow("ad-replication-1753"), {})
    wrong_host = [Step("identity", "identity", "mismatch", "another computer answers")]
    for declared in DECLARED.values():
        if declared.workflow is None:
            continue
        judge = rpc_workflow.JUDGES[declared.workflow]
        lit = set()
        for outcome in (*declared.good, *declared.bad):
            for before in ([], wrong_host):  # an endpoint handed out by the wrong computer is a step-5 fault
                failure = judge(Step("dynamic-port", declared.probe, outcome, "seen"), before, walk)
                if failure:
                    lit.add(failure.step)
        assert lit and lit <= set(declared.rpc_steps), (declared.probe, lit, declared.rpc_steps)
