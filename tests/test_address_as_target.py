"""An IP address as the target. There is no name to resolve: the walk records the name
checks (dns_cname, dns_host) as skipped, saying why, and starts at identity with that address. The trail
(back and forward in the wizard) replays such a walk as it was, and `diagnose` runs no name check."""

from __future__ import annotations

import json
import sys

import pytest

from wizard import diagnose
from wizard.cli import main
from wizard.engine import Walk, load_flows
from wizard.engine.results import ProbeResult
from wizard.engine.trail import Trail
from wizard.probes.session import Session

FLOWS = load_flows()
NAME_PROBES = {"dns_cname", "dns_host"}
# outcomes for the checks before identity that are not name checks (the 1753 tree's dest-guid)
BEFORE = {"ntds_lookup": "skipped"}
HEALTHY = {"identity": ("match", {"answered_by": "DC2"}), "epm_map": ("registered", {"endpoint_port": 49668}),
           "tcp_ports": ("listening", {}), "ntds_guid": ("skipped", {}), "rpc_port_config": ("default", {}),
           "ntds_lookup": ("skipped", {}), "client_protocols": ("complete", {}), "rpc_services": ("absent", {})}


class ScriptedRunner:
    def __init__(self, script):
        self.script, self.calls = script, []

    def __call__(self, probe, params, session):
        self.calls.append((probe, dict(params)))
        outcome, facts = self.script[probe]
        return ProbeResult(probe, outcome, f"{probe}: {outcome}", facts=facts)


def to_first_check(walk: Walk) -> Walk:
    """Past what comes before the first check of the computer itself (the 1753 tree's dest-guid)."""
    while walk.node is not None and walk.node.probe in BEFORE:
        walk.record(ProbeResult(walk.node.probe, BEFORE[walk.node.probe], "scripted"))
    return walk


@pytest.mark.parametrize("symptom", sorted(FLOWS.flows))
@pytest.mark.parametrize("target", ["192.0.2.20", "2001:db8::20"])
def test_every_flow_skips_the_name_checks_of_an_address(symptom, target):
    walk = to_first_check(Walk(FLOWS.flow(symptom), {"target": target, "dns_servers": ["192.0.2.1"]}))
    assert walk.node is not None and walk.node.probe not in NAME_PROBES, walk.inconclusive
    skipped = [s for s in walk.steps if s.probe in NAME_PROBES]
    assert skipped and all((s.outcome, s.source) == ("skipped", "address") for s in skipped)
    assert all(f"{target} is an IP address: there is no name to resolve" in s.summary for s in skipped)
    call = walk.pending()
    assert call.params["address"] == target  # the first check of the computer goes to the address given
    if call.probe == "identity":
        assert call.params["expected"] == target
    assert not any("nslookup" in c for c in walk.commands())  # nothing to look up by hand either


@pytest.mark.parametrize("symptom", sorted(FLOWS.flows))
def test_a_name_is_still_resolved(symptom):
    walk = Walk(FLOWS.flow(symptom), {"target": "dc2.contoso.com"})
    while walk.node.probe not in NAME_PROBES:
        walk.record(ProbeResult(walk.node.probe, BEFORE[walk.node.probe], "scripted"))
    assert "address" not in walk.context and not any(s.source == "address" for s in walk.steps)


def test_the_trail_replays_a_walk_with_an_address_target():
    trail = Trail(FLOWS.flow("ad-replication-1753"), {"target": "192.0.2.20"})
    trail.record(ProbeResult("ntds_lookup", "skipped", "no account"))
    assert trail.walk.node.id == "identity"
    assert [(s.node, s.outcome) for s in trail.walk.steps] == [("dest-guid", "skipped"), ("cname", "skipped"),
                                                               ("host", "skipped")]
    trail.record(ProbeResult("identity", "match", "DC2", facts={"answered_by": "DC2"}))
    assert trail.back() and trail.walk.node.id == "identity" and len(trail.walk.steps) == 3
    assert trail.back() and trail.walk.node.id == "dest-guid" and not trail.walk.steps
    assert trail.forward() and trail.forward() and trail.walk.node.id == "epm"
    assert trail.walk.context["address"] == "192.0.2.20"


def test_the_trail_of_a_join_starts_at_identity():
    trail = Trail(FLOWS.flow("domain-join-0x6d9"), {"target": "192.0.2.20"})
    assert trail.pending().probe == "identity" and not trail.can_back
    assert [(s.node, s.source) for s in trail.walk.steps] == [("host", "address")]


def test_diagnose_with_an_address_runs_no_name_check(capsys, monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    runner = ScriptedRunner(HEALTHY)
    monkeypatch.setattr(diagnose, "live_runner", lambda: runner)
    code = main(["diagnose", "--symptom", "domain-join-0x6d9", "--target", "127.0.0.20", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert (code, report["root_cause"]["id"]) == (0, "no-fault-found")
    assert [probe for probe, _ in runner.calls] == ["identity", "epm_map", "tcp_ports", "rpc_port_config",
                                                    "client_protocols"]
    assert runner.calls[0][1]["address"] == "127.0.0.20"
    host = report["steps"][0]
    assert (host["node"], host["outcome"], host["source"]) == ("host", "skipped", "address")
    assert "no name to resolve" in host["summary"]


def test_diagnose_run_of_the_1753_tree_with_an_address():
    runner = ScriptedRunner(HEALTHY)
    walk = diagnose.run(diagnose.start("ad-replication-1753", {"target": "127.0.0.20"}, FLOWS), Session(),
                        runner=runner)
    assert walk.cause.id == "no-fault-found"
    assert not NAME_PROBES & {probe for probe, _ in runner.calls}


def test_an_ipv6_target_is_not_qualified_with_the_forest():
    context, notes = diagnose.checked_context({"target": "2001:db8::20", "forest": "contoso.com"})
    assert (context["target"], notes) == ("2001:db8::20", [])
