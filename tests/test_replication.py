"""`replication` with a scripted forest (the probes themselves are tested on the lab): every DC read in
parallel, unreadable DCs said with why, failing pairs grouped and diagnosed once each with the source,
destination, forest and GUID filled in; the CLI's outputs, exit codes and bad input; the sweep's inbound
column."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.test_sweep import ForestRunner
from tests.test_sweep import run as sweep_run
from wizard.engine.loader import load_flows
from wizard.engine.results import ProbeResult
from wizard.exitcodes import EXIT_CAUSE, EXIT_OK, EXIT_UNSURE, EXIT_USAGE
from wizard.parsers.replication import JSON_FIELDS
from wizard.probes.session import Credentials, Session
from wizard.replication import diagnose_failing, replication
from wizard.report import replication as report
from wizard.report import sweep as sweep_report

FLOWS = load_flows()
DC2_GUID = "1544ba45-c262-4a8f-b316-1c6f9368f561"
DCS = {"dc1.contoso.com": "10.0.0.10", "dc2.contoso.com": "10.0.0.30", "dc3.contoso.com": "10.0.0.50"}
NCS = ("DC=contoso,DC=com", "CN=Configuration,DC=contoso,DC=com", "CN=Schema,CN=Configuration,DC=contoso,DC=com")


class Forest:
    """dc1 pulls every NC from dc2 and records `code`; dc2 is healthy; dc3 `dc3` (a read outcome)."""

    def __init__(self, code: int = 1234, dc3: str = "healthy") -> None:
        self.code, self.dc3, self.calls = code, dc3, []

    def __call__(self, probe: str, params: dict, session) -> ProbeResult:
        self.calls.append((probe, dict(params)))
        if probe == "dc_locator":
            return ProbeResult(probe, "found", "3 DCs", {}, {"dcs": sorted(DCS)})
        if probe == "dns_host":
            return ProbeResult(probe, "resolved", "ok", {}, {"address": DCS[params["host"]]})
        if probe == "repl_status":
            if params["host"] == "dc3.contoso.com" and self.dc3 != "healthy":
                return ProbeResult(probe, self.dc3, "LDAP (TCP 389) on 10.0.0.50: FILTERED", {}, {})
            code = self.code if params["host"] == "dc1.contoso.com" else 0
            source = "dc2.contoso.com" if params["host"] == "dc1.contoso.com" else "dc1.contoso.com"
            partners = [{"naming_context": nc, "source": source, "source_guid": DC2_GUID, "last_result": code,
                         "consecutive_failures": 3 if code else 0, "last_attempt": "2026-12-02T09:11:33Z",
                         "last_success": "2026-12-02T09:11:12Z"} for nc in NCS]
            return ProbeResult(probe, "failing" if code else "healthy", "read", {}, {"partners": partners})
        # the trees the failing pairs open: dc2 answers, registers no DRS (as under ds-stopped)
        outcomes = {"ntds_lookup": "found", "dns_cname": "matches-target", "source_guid": "same",
                    "identity": "match", "epm_map": "not-registered", "resolution_source": "dns",
                    "tcp_ports": "listening", "client_protocols": "complete"}
        facts = {"dns_host": {"address": "10.0.0.30"}, "ntds_lookup": {"guid": DC2_GUID}}
        return ProbeResult(probe, outcomes.get(probe, "skipped"), probe, {}, facts.get(probe, {}))


SESSION = Session(0.5, Credentials("CONTOSO\\reader", "pw"))


def test_every_dc_is_read_and_each_failing_pair_is_listed():
    run = replication("contoso.com", ["10.0.0.10"], SESSION, 4, Forest())
    assert [(p.destination, p.source, p.last_result) for p in run.status.failing] == [
        ("dc1.contoso.com", "dc2.contoso.com", 1234)] * 3
    assert len(run.status.pairs) == 9 and run.exit_code() == EXIT_CAUSE
    assert all(p.symptom == "ad-replication-1753" and p.source_guid == DC2_GUID for p in run.status.failing)


def test_an_unreadable_dc_says_why_and_makes_the_run_unsure():
    run = replication("contoso.com", None, SESSION, 4, Forest(code=0, dc3="error"))
    assert run.status.unreadable == [{"dc": "dc3.contoso.com", "why": "LDAP (TCP 389) on 10.0.0.50: FILTERED"}]
    assert run.exit_code() == EXIT_UNSURE
    assert replication("contoso.com", None, SESSION, 4, Forest(code=0)).exit_code() == EXIT_OK


def test_failing_pairs_are_diagnosed_once_per_source_and_destination():
    forest = Forest()
    run = replication("contoso.com", ["10.0.0.10"], SESSION, 4, forest)
    run.diagnoses = diagnose_failing(run.status, ["10.0.0.10"], SESSION, FLOWS, 4, forest)
    assert len(run.diagnoses) == 1 and len(run.diagnoses[0].pairs) == 3
    walk = run.diagnoses[0].trail.walk
    assert (walk.context["target"], walk.context["dest"], walk.context["forest"], walk.context["guid"]) == (
        "dc2.contoso.com", "dc1.contoso.com", "contoso.com", DC2_GUID)
    assert walk.cause.id == "ad-ds-not-running"
    data = report.to_dict(run, FLOWS)
    assert [tuple(p) for p in data["pairs"]] == [JSON_FIELDS] * 9
    assert data["diagnoses"][0]["root_cause"]["id"] == "ad-ds-not-running"
    assert "ad-ds-not-running" in report.to_text(run) and "> " in report.to_markdown(run, FLOWS)


def test_a_code_no_tree_examines_is_listed_but_not_diagnosed():
    forest = Forest(code=8453)  # replication access denied: not an RPC path failure
    run = replication("contoso.com", None, SESSION, 4, forest)
    diagnoses = diagnose_failing(run.status, None, SESSION, FLOWS, 4, forest)
    assert run.exit_code() == EXIT_CAUSE and diagnoses[0].trail is None and "opens no RPC tree" in diagnoses[0].note
    assert not [c for c in forest.calls if c[0] == "epm_map"]


def _cli(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wizard", "replication", *argv], capture_output=True, text=True,
                          timeout=120, input=stdin)


@pytest.mark.parametrize("argv, words", [([], "--forest"), (["--forest", "a b"], "--forest"),
                                         (["--forest", "contoso.com"], "--user"),
                                         (["--paste", "/dev/zero"], "regular file"),
                                         (["--forest", "contoso.com", "--concurrency", "0"], "--concurrency")])
def test_bad_input_is_one_line_and_exit_3(argv, words):
    proc = _cli(*argv)
    assert proc.returncode == EXIT_USAGE and words in proc.stderr and "Traceback" not in proc.stderr


def test_a_paste_that_holds_no_status_is_bad_input():
    proc = _cli("--paste", "-", stdin="nothing here\n")
    assert proc.returncode == EXIT_USAGE and "showrepl" in proc.stderr


def test_cli_reads_a_pasted_csv_in_every_format(tmp_path):
    paste = tmp_path / "showrepl.csv"
    paste.write_text("showrepl_COLUMNS,Destination DSA Site,Destination DSA,Naming Context,Source DSA Site,Source DSA,"
                     "Transport Type,Number of Failures,Last Failure Time,Last Success Time,Last Failure Status\n"
                     'showrepl_INFO,S1,DC1,"DC=contoso,DC=com",S1,DC2,RPC,4,2024-01-02 03:04:05,2024-01-01 00:00:00,'
                     "1722\n")
    data = json.loads(_cli("--paste", str(paste), "--forest", "contoso.com", "--format", "json").stdout)
    assert data["pairs"][0]["symptom"] == "rpc-unavailable-1722" and data["pairs"][0]["consecutive_failures"] == 4
    csv_out = _cli("--paste", str(paste), "--format", "csv")
    assert csv_out.returncode == EXIT_CAUSE and csv_out.stdout.splitlines()[1].startswith('showrepl_INFO,S1,DC1,"DC=')
    assert "| DC1 | 1722 x4 |" in _cli("--paste", str(paste), "--format", "markdown").stdout
    assert "DC1 <- DC2" in _cli("--paste", str(paste)).stdout


def test_signed_in_the_sweep_shows_each_dcs_worst_inbound_result():
    runner = ForestRunner({"dc2.contoso.com": {"repl_status": "error"}}, directory=sorted(DCS))
    result = sweep_run(runner, Credentials("CONTOSO\\r", "pw"))
    words = {dc.fqdn: sweep_report.inbound_word(dc) for dc in result.dcs}
    assert words == {"dc1.contoso.com": "ok", "dc2.contoso.com": "error", "dc3.contoso.com": "ok"}
    assert sweep_report.to_text(result).splitlines()[0].split()[-1] == "inbound"
    assert "inbound" not in sweep_report.to_text(sweep_run(ForestRunner())).splitlines()[0]


def test_parse_shows_the_matrix_of_a_pasted_csv_without_escape_codes(tmp_path):
    paste = tmp_path / "hostile.csv"
    paste.write_text('showrepl_INFO,S,DC\x1b[31mX,"DC=a",S,SRC\x07,RPC,1,2024-01-01 00:00:00,0,1722\n')
    proc = subprocess.run([sys.executable, "-m", "wizard", "parse", str(paste)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and "replication status:" in proc.stdout and "1722 x1" in proc.stdout
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    data = json.loads(subprocess.run([sys.executable, "-m", "wizard", "parse", str(paste), "--format", "json"],
                                     capture_output=True, text=True, timeout=60).stdout)
    assert data["replication"]["pairs"][0]["symptom"] == "rpc-unavailable-1722"
