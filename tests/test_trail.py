"""The API the TUI drives: pending/execute with a runner passed in, the trail's back/forward and jumps,
pasted answers checked against the node's own parameters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard import WizardError, diagnose
from wizard.engine import load_flows
from wizard.engine.results import ProbeResult
from wizard.engine.trail import Trail
from wizard.engine.walk import Answer
from wizard.probes.session import Session

FLOWS = load_flows()
REPL = FLOWS.flow("ad-replication-1753")
CTX = diagnose.walk_context({"target": "dc2.contoso.com", "dest": "dc1.contoso.com", "forest": "contoso.com",
                             "dns_servers": ["10.0.0.1"], "guid": "74fbe06c-932c-46b5-831b-af9e31f496b2"})
# the stale-dns-record path, with the facts each live probe would hand on
STALE = [("dest-guid", "found", {}), ("cname", "matches-target", {}),
         ("host", "resolved", {"address": "10.0.0.20", "resolved_from": "dns"}),
         ("identity", "mismatch", {}), ("impostor-drs", "not-registered", {}), ("mapping-source", "dns", {})]


class ScriptedRunner:
    """A probe runner that answers from a script and remembers every call: no network, no patching."""

    def __init__(self, script: dict[str, tuple[str, dict]]):
        self.script, self.calls = script, []

    def __call__(self, probe: str, params: dict, session: Session) -> ProbeResult:
        self.calls.append((probe, params))
        outcome, facts = self.script[probe]
        return ProbeResult(probe, outcome, f"{probe} said {outcome}", facts=facts)


def feed(trail: Trail, path=STALE) -> None:
    for node, outcome, facts in path:
        assert trail.walk.node.id == node
        trail.record(ProbeResult(trail.walk.node.probe, outcome, f"{node}: {outcome}", facts=facts))


def test_pending_names_the_check_and_its_command_without_running_it():
    trail = Trail(REPL, CTX)
    feed(trail, STALE[:3])
    call = trail.pending()
    assert (call.node, call.probe) == ("identity", "identity")
    assert call.params["address"] == "10.0.0.20" and call.params["expected"] == "dc2.contoso.com"
    assert call.command == "nbtstat -A 10.0.0.20"


def test_execute_uses_the_runner_given():
    runner = ScriptedRunner({"ntds_lookup": ("found", {"guid": "x"})})
    walk = diagnose.start("ad-replication-1753", CTX, FLOWS)
    result = diagnose.execute(walk.pending(), Session(timeout=0.5), runner)
    assert result.outcome == "found" and runner.calls == [("ntds_lookup", walk.pending().params)]


def test_run_with_a_scripted_runner_reaches_the_cause():
    script = {"ntds_lookup": ("found", {}), "dns_cname": ("matches-target", {}),
              "dns_host": ("resolved", {"address": "10.0.0.12", "resolved_from": "dns"}),
              "identity": ("match", {}), "epm_map": ("not-registered", {})}
    runner = ScriptedRunner(script)
    walk = diagnose.run(diagnose.start("ad-replication-1753", CTX, FLOWS), Session(), runner=runner)
    assert walk.cause.id == "ad-ds-not-running"
    assert [c[0] for c in runner.calls] == ["ntds_lookup", "dns_cname", "dns_host", "identity", "epm_map"]


def test_back_replays_without_running_anything_and_forward_returns():
    trail = Trail(REPL, CTX)
    feed(trail)
    assert trail.walk.cause.id == "stale-dns-record"
    assert trail.back() and trail.walk.node.id == "mapping-source" and trail.walk.cause is None
    assert trail.back() and trail.walk.node.id == "impostor-drs"
    assert trail.walk.context["address"] == "10.0.0.20"  # facts of the replayed steps are still there
    assert trail.forward() and trail.forward() and trail.walk.cause.id == "stale-dns-record"
    assert not trail.can_forward


def test_a_new_answer_at_an_earlier_step_drops_what_came_after():
    trail = Trail(REPL, CTX)
    feed(trail)
    while trail.walk.node is None or trail.walk.node.id != "identity":
        trail.back()
    trail.apply(Answer("match"))
    assert not trail.can_forward
    assert trail.walk.node.id == "epm" and [s.node for s in trail.walk.steps][-1] == "identity"
    assert trail.walk.steps[-1].source == "person"


def test_a_bad_answer_changes_nothing():
    trail = Trail(REPL, CTX)
    feed(trail, STALE[:2])
    version, position = trail.version, trail.position
    with pytest.raises(WizardError, match="not an answer"):
        trail.apply(Answer("bogus"))
    with pytest.raises(WizardError, match="runs probe"):
        trail.record(ProbeResult("epm_map", "registered", ""))
    assert (trail.version, trail.position, trail.walk.node.id) == (version, position, "host")


def test_every_move_changes_the_version_so_a_late_result_can_be_told_stale():
    trail = Trail(REPL, CTX)
    seen = {trail.version}
    feed(trail, STALE[:2])
    seen.add(trail.version)
    trail.back()
    seen.add(trail.version)
    trail.forward()
    assert len(seen | {trail.version}) == 4


def test_jump_forward_marks_the_nodes_passed_over_as_not_checked():
    trail = Trail(REPL, CTX)
    trail.jump("epm")
    assert trail.walk.node.id == "epm"
    passed = [(s.node, s.outcome, s.source) for s in trail.walk.steps]
    assert passed == [("dest-guid", "skipped", "jump"), ("cname", "skipped", "jump"), ("host", "skipped", "jump"),
                      ("identity", "skipped", "jump")]
    assert trail.back() and trail.walk.node.id == "dest-guid" and not trail.walk.steps


def test_jump_to_a_node_on_the_path_goes_back_there():
    trail = Trail(REPL, CTX)
    feed(trail)
    trail.jump("host")
    assert trail.walk.node.id == "host" and trail.can_forward
    assert [s.node for s in trail.walk.steps] == ["dest-guid", "cname"]


def test_jump_to_a_node_off_the_path_starts_from_where_it_can_be_reached():
    trail = Trail(REPL, CTX)
    feed(trail)  # ended on the mismatch branch; port-config lies on the other branch
    trail.jump("port-config")
    assert trail.walk.node.id == "port-config"
    steps = [(s.node, s.source) for s in trail.walk.steps]
    assert steps[:3] == [("dest-guid", "probe"), ("cname", "probe"), ("host", "probe")]
    assert ("identity", "jump") in steps and ("ntds-guid", "jump") in steps


def test_jump_to_an_unknown_node_is_an_error():
    with pytest.raises(WizardError, match="no node"):
        Trail(REPL, CTX).jump("nope")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["back", "forward", "answer", "jump"]), max_size=25), st.randoms())
def test_any_sequence_of_moves_equals_a_fresh_replay(moves, rnd):
    trail = Trail(REPL, CTX)
    for move in moves:
        if move == "back":
            trail.back()
        elif move == "forward":
            trail.forward()
        elif move == "jump":
            trail.jump(rnd.choice(list(REPL.nodes)))
        elif trail.walk.node is not None:
            trail.apply(Answer(rnd.choice(list(trail.walk.node.outcomes))))
    fresh = Trail(REPL, CTX)
    for entry in trail.entries[:trail.position]:
        entry.apply(fresh.walk)
    assert [s.to_dict() for s in fresh.walk.steps] == [s.to_dict() for s in trail.walk.steps]
    assert fresh.walk.context == trail.walk.context
    assert (fresh.walk.cause, fresh.walk.node) == (trail.walk.cause, trail.walk.node)


# --- pasted output answers the node's own question -----------------------------------------------

PORTQRY = """C:\\>portqry -n 10.0.0.12 -o 49668,389

TCP port 49668 (unknown service): LISTENING

TCP port 389 (ldap service): FILTERED
"""

NSLOOKUP_OTHER = """C:\\>nslookup member1.contoso.com 10.0.0.1
Server:  dc1.contoso.com
Address:  10.0.0.1

Name:    member1.contoso.com
Address:  10.0.0.20
"""


def _at_dynamic_port() -> Trail:
    trail = Trail(REPL, CTX)
    feed(trail, [("dest-guid", "found", {}), ("cname", "matches-target", {}),
                 ("host", "resolved", {"address": "10.0.0.12", "resolved_from": "dns"}), ("identity", "match", {}),
                 ("epm", "registered", {"endpoint_port": 49668})])
    assert trail.walk.node.id == "dynamic-port"
    return trail


def test_a_pasted_portqry_is_judged_by_the_port_the_node_asked_about():
    trail = _at_dynamic_port()
    answer = diagnose.paste_answer(trail.pending(), PORTQRY)
    assert answer.outcome == "listening"  # 389 FILTERED is not this node's question
    trail.apply(answer)
    assert trail.walk.node.id == "ntds-guid"


def test_a_pasted_portqry_without_the_asked_port_does_not_answer():
    trail = _at_dynamic_port()
    with pytest.raises(WizardError, match="does not answer.*ports=49668"):
        diagnose.paste_answer(trail.pending(), PORTQRY.replace("49668", "50000"))


def test_a_pasted_portqry_of_another_address_does_not_answer():
    with pytest.raises(WizardError, match="does not answer"):
        diagnose.paste_answer(_at_dynamic_port().pending(), PORTQRY.replace("10.0.0.12", "10.0.0.99"))


def test_an_nslookup_of_another_host_is_not_the_answer():
    trail = Trail(REPL, CTX)
    feed(trail, STALE[:2])
    assert trail.pending().probe == "dns_host"
    with pytest.raises(WizardError, match="does not answer.*host=dc2.contoso.com"):
        diagnose.paste_answer(trail.pending(), NSLOOKUP_OTHER)
    own = NSLOOKUP_OTHER.replace("member1", "dc2")
    answer = diagnose.paste_answer(trail.pending(), own)
    assert answer.outcome == "resolved" and answer.facts["address"] == "10.0.0.20"


# --- symptom lookup -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1753", {"ad-replication-1753", "domain-join-0x6d9"}),
    ("0x6d9", {"ad-replication-1753", "domain-join-0x6d9"}),
    ("principal", {"target-principal-2146893022"}),
    ("join", {"domain-join-0x6d9"}),
    ("Replicate now", {"ad-replication-1753"}),
    ("netsetup", {"domain-join-0x6d9"}),
    ("wmi", {"rpc-unavailable-1722"}),
    ("outlook anywhere", {"exchange-rpc-http-1722"}),
    ("5820", {"rpc-port-config-87"}),
    ("endpoint cannot be created", {"endpoint-create-1720"}),
    ("", set(FLOWS.symptoms)),
    ("no such words anywhere", set()),
])
def test_search_narrows_by_code_message_or_where_seen(text, expected):
    assert {s.id for s in FLOWS.search(text)} == expected


def test_symptom_names_the_choices_when_ambiguous_or_unknown():
    with pytest.raises(WizardError, match="several symptoms.*ad-replication-1753"):
        FLOWS.symptom("1753")
    with pytest.raises(WizardError, match="unknown symptom"):
        FLOWS.symptom("9999")
    assert FLOWS.symptom("domain-join-0x6d9").id == "domain-join-0x6d9"
