"""The forest sweep with a scripted probe runner: discovery, one 1753 walk per DC, findings, output."""

from __future__ import annotations

import json
import threading

import pytest

from wizard.engine.loader import load_flows
from wizard.engine.results import ProbeResult
from wizard.exitcodes import EXIT_CAUSE, EXIT_OK, EXIT_UNSURE
from wizard.probes.session import Credentials, Session
from wizard.report import sweep as sweep_report
from wizard.sweep import sweep

FLOWS = load_flows()
FOREST = "contoso.com"
DCS = {"dc1.contoso.com": "10.0.0.10", "dc2.contoso.com": "10.0.0.30", "dc3.contoso.com": "10.0.0.50"}


class ForestRunner:
    """A forest in a script: each DC healthy unless `broken` says which probe fails how, per DC."""

    def __init__(self, broken: dict[str, dict[str, str]] | None = None, directory: list[str] | None = None):
        self.broken, self.directory = broken or {}, directory
        self.calls: list[tuple[str, dict]] = []
        self.lock = threading.Lock()

    def __call__(self, probe: str, params: dict, session) -> ProbeResult:
        with self.lock:
            self.calls.append((probe, dict(params)))
        if probe == "dc_locator":
            return ProbeResult(probe, "found", "3 DCs", {}, {"dcs": sorted(DCS)})
        if probe == "ntds_list":
            dcs = [{"fqdn": f, "guid": f"{i:08d}-0000-0000-0000-000000000000"} for i, f in enumerate(self.directory)]
            return ProbeResult(probe, "found", "listed", {}, {"directory_dcs": dcs})
        if probe == "resolution_source":
            return ProbeResult(probe, "dns", "from DNS", {}, {})
        if probe == "client_protocols":  # the sweep names no destination DC: no client to read
            assert params.get("expected") is None
            return ProbeResult(probe, "error", "No computer to read", {}, {})
        dc = self._dc(params)
        outcome = self.broken.get(dc, {}).get(probe)
        facts = {"dns_host": {"address": DCS[dc], "resolved_from": "dns", "addresses": [DCS[dc]]},
                 "epm_map": {"endpoint_port": 49153}, "dc_guid": {"guid": "11111111-2222-3333-4444-555555555555"},
                 "repl_status": {"partners": [{"naming_context": "DC=contoso,DC=com", "source": "dc1.contoso.com",
                                               "last_result": 0, "consecutive_failures": 0}]}}
        default = {"dc_guid": "found", "ntds_lookup": "skipped", "dns_cname": "matches-target", "dns_host": "resolved",
                   "identity": "match", "epm_map": "registered", "tcp_ports": "listening", "ntds_guid": "skipped",
                   "rpc_port_config": "skipped", "resolution_source": "dns", "rpc_services": "skipped",
                   "repl_status": "healthy"}[probe]
        return ProbeResult(probe, outcome or default, f"{probe} on {dc}",
                           {"ports": {"135": {"state": "FILTERED" if outcome == "filtered" else "LISTENING"}}},
                           facts.get(probe, {}) if not outcome else {})

    @staticmethod
    def _dc(params: dict) -> str:
        for key in ("host", "target", "expected"):
            if params.get(key) in DCS:
                return params[key]
        return next(f for f, a in DCS.items() if a == params.get("address"))


def run(runner: ForestRunner, credentials: Credentials | None = None, concurrency: int = 4):
    return sweep(FOREST, ["10.0.0.10"], Session(timeout=0.5, credentials=credentials), FLOWS, concurrency,
                 runner=runner)


def test_a_healthy_forest_is_all_no_fault_found():
    result = run(ForestRunner())
    assert [dc.fqdn for dc in result.dcs] == sorted(DCS)
    assert {dc.walk.cause.id for dc in result.dcs} == {"no-fault-found"}
    assert result.exit_code() == EXIT_OK
    assert all(dc.guid == "11111111-2222-3333-4444-555555555555" for dc in result.dcs)


def test_each_dc_gets_the_cause_the_1753_tree_names():
    runner = ForestRunner({"dc2.contoso.com": {"epm_map": "not-registered"},
                           "dc3.contoso.com": {"identity": "mismatch", "epm_map": "not-registered"}})
    result = run(runner)
    causes = {dc.fqdn: dc.walk.cause.id for dc in result.dcs}
    assert causes == {"dc1.contoso.com": "no-fault-found", "dc2.contoso.com": "ad-ds-not-running",
                      "dc3.contoso.com": "stale-dns-record"}
    assert result.exit_code() == EXIT_CAUSE
    table = sweep_report.to_text(result)
    assert "ad-ds-not-running" in table and "stale-dns-record" in table and "\033[" not in table
    assert "Failure 1753 is generated" in table or "was able to contact the RPC Server" in table


def test_a_dc_that_could_not_be_checked_makes_the_sweep_unsure():
    result = run(ForestRunner({"dc3.contoso.com": {"dns_host": "error"}}))
    assert result.exit_code() == EXIT_UNSURE
    dc3 = next(dc for dc in result.dcs if dc.fqdn == "dc3.contoso.com")
    assert dc3.walk.cause is None and dc3.walk.inconclusive


def test_json_has_the_contract_fields():
    result = run(ForestRunner({"dc2.contoso.com": {"epm_map": "filtered"}}))
    data = json.loads(sweep_report.to_json(result, FLOWS))
    assert data["forest"] == FOREST and data["findings"] == []
    dc2 = next(dc for dc in data["dcs"] if dc["name"] == "DC2")
    assert set(dc2) >= {"name", "fqdn", "address", "guid", "steps", "root_cause", "inconclusive"}
    assert dc2["root_cause"]["id"] == "epm-unreachable" and dc2["address"] == "10.0.0.30"
    assert [s["node"] for s in dc2["steps"]][:3] == ["dest-guid", "cname", "host"]


def test_markdown_quotes_the_cause_for_the_ticket():
    result = run(ForestRunner({"dc2.contoso.com": {"epm_map": "not-registered"}}))
    text = sweep_report.to_markdown(result, FLOWS)
    assert "| dc2.contoso.com | ad-ds-not-running |" in text and "> error 1753 means" in text


def test_colour_only_when_asked_and_by_meaning():
    result = run(ForestRunner({"dc2.contoso.com": {"epm_map": "not-registered"}}))
    painted = sweep_report.to_text(result, colour=True)
    assert "\033[31mad-ds-not-running" in painted and "\033[32mno-fault-found" in painted


def test_signed_in_the_directory_is_read_from_a_verified_dc_and_compared_with_dns():
    runner = ForestRunner(directory=["dc1.contoso.com", "dc2.contoso.com", "old-dc.contoso.com"])
    result = run(runner, Credentials("CONTOSO\\reader", "pw"))
    listed = [params for probe, params in runner.calls if probe == "ntds_list"]
    assert listed and listed[0]["address"] in DCS.values()
    findings = {(f["cause"], f["dc"]) for f in result.findings}
    assert findings == {("stale-ntds-settings", "old-dc.contoso.com"), ("leftover-dc-registration", "dc3.contoso.com")}
    assert all(f["citations"] for f in result.findings)
    assert result.exit_code() == EXIT_CAUSE


def test_without_credentials_the_directory_is_not_read():
    runner = ForestRunner(directory=["dc1.contoso.com"])
    run(runner)
    assert "ntds_list" not in {probe for probe, _ in runner.calls}


@pytest.mark.parametrize("concurrency", [1, 3, 16])
def test_concurrency_changes_nothing_but_time(concurrency):
    result = run(ForestRunner({"dc2.contoso.com": {"epm_map": "not-registered"}}), concurrency=concurrency)
    assert [dc.walk.cause.id for dc in result.dcs] == ["no-fault-found", "ad-ds-not-running", "no-fault-found"]


def test_no_dc_found_is_unsure_and_says_why():
    class Empty(ForestRunner):
        def __call__(self, probe, params, session):
            return ProbeResult(probe, "none", "No DNS server knows _ldap._tcp.dc._msdcs.contoso.com.", {}, {"dcs": []})

    result = run(Empty())
    assert result.dcs == [] and result.exit_code() == EXIT_UNSURE
    assert "No DC found" in sweep_report.to_text(result)


def test_the_slow_checks_of_a_dc_run_once_each_and_ahead_of_its_walk():
    runner = ForestRunner()
    run(runner)
    for fqdn in DCS:
        mine = [probe for probe, params in runner.calls if fqdn in (params.get("host"), params.get("expected"))]
        assert mine.count("dns_host") == 1 and mine.count("identity") == 1 and mine.count("dc_guid") == 1
    ad_ports = [params for probe, params in runner.calls if probe == "tcp_ports" and isinstance(params["ports"], list)]
    assert len(ad_ports) == len(DCS)  # the walk's own dynamic-port check is the other tcp_ports call
