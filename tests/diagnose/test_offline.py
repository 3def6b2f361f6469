"""diagnose without a network: a pasted log picks the symptom, pasted outputs answer nodes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main

SAMPLES = Path(__file__).parent.parent / "parsers" / "samples"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any probe that tried to run would fail the test: these runs are answered from text only."""
    import wizard.diagnose

    def refuse(name, params, session):
        raise AssertionError(f"probe {name} ran")

    monkeypatch.setattr(wizard.diagnose, "live_runner", lambda: refuse)


def run(capsys, *argv):
    code = main(["diagnose", "--format", "json", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_a_dcdiag_log_picks_the_symptom_and_fills_the_dcs(capsys):
    code, report, err = run(capsys, "--log", str(SAMPLES / "dcdiag_1753.txt"), "--answer", "dest-guid=found",
                            "--answer", "cname=missing", "--answer", "missing-alias-guid=same")
    assert report["symptom"] == "ad-replication-1753"
    assert report["target"] == "contoso-dc2.contoso.com" and report["dest"] == "contoso-dc1.contoso.com"
    assert "taken as contoso-dc2.contoso.com" in err
    # the GUID from the extended error info reaches the CNAME command
    assert any("74fbe06c-932c-46b5-831b-af9e31f496b2._msdcs.contoso.com" in c for c in report["commands"])
    assert (code, report["root_cause"]["id"]) == (1, "name-resolution-failure")


def test_a_netsetup_log_starts_the_domain_join_tree(capsys):
    code, report, _ = run(capsys, "--log", str(SAMPLES / "netsetup_0x6d9.log"), "--answer", "host=not-found")
    assert report["symptom"] == "domain-join-0x6d9"
    assert report["target"].startswith("dc1.")
    assert report["root_cause"]["id"] == "name-resolution-failure"


def test_pasted_portqry_answers_the_endpoint_mapper_node(capsys):
    answers = ["--answer", "dest-guid=skipped", "--answer", "cname=skipped", "--answer", "host=resolved",
               "--answer", "identity=match"]
    code, report, _ = run(capsys, "--symptom", "ad-replication-1753", "--target", "dc2.contoso.com", *answers,
                          "--paste", f"epm={SAMPLES / 'portqry_e135.txt'}", "--answer", "dynamic-port=filtered")
    epm = next(s for s in report["steps"] if s["node"] == "epm")
    assert epm["outcome"] == "registered" and "paste" in epm["summary"]
    # the port read from the paste is the one the next node's command checks
    assert any(f"-e {epm['evidence']['endpoint_port']}" in c for c in report["commands"])
    assert (code, report["root_cause"]["id"]) == (1, "dynamic-ports-blocked")


def test_pasted_reg_query_answers_the_port_config_node(capsys):
    answers = [f"--answer={n}" for n in ("dest-guid=skipped", "cname=skipped", "host=resolved", "identity=match",
                                          "epm=registered", "dynamic-port=listening", "ntds-guid=skipped")]
    code, report, _ = run(capsys, "--symptom", "ad-replication-1753", "--target", "dc2.contoso.com", *answers,
                          "--paste", f"port-config={SAMPLES / 'reg_rpc_internet.txt'}")
    # Ports 5000-5040 and 5984: 42 ports, fewer than the 100 document 003 asks for
    assert report["steps"][-1]["node"] == "port-config" and report["steps"][-1]["outcome"] == "too-small"
    assert (code, report["root_cause"]["id"]) == (1, "rpc-port-range-too-small")


def test_text_that_does_not_answer_the_node_is_one_clear_line(capsys, tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("hello, this is not portqry output\n")
    code, report, err = run(capsys, "--symptom", "ad-replication-1753", "--target", "dc2.contoso.com",
                            "--paste", f"dest-guid={junk}")
    assert code == 3 and report is None
    assert err.count("\n") == 1 and err.startswith("rpc-wizard: error:") and "dest-guid" in err


def test_a_log_with_no_rpc_error_is_refused(capsys, tmp_path):
    log = tmp_path / "log.txt"
    log.write_text("everything is fine\n")
    code, _, err = run(capsys, "--log", str(log))
    assert code == 3 and "no known RPC error" in err
