"""`diagnose --trace`: every lab capture names its cause, while the lab itself is healthy (the trace is the
failing computer's view; the live checks from here only fill what the trace does not show)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.diagnose.test_diagnose_lab import cited
from wizard.lab import client_exec

pytestmark = pytest.mark.lab

CAPTURES = Path(__file__).parent / "captures"
CAUSES = {
    "healthy": "no-fault-found",
    "epm-blocked": "epm-unreachable",
    "epm-refused": "epm-unreachable",
    "dynamic-blocked": "dynamic-ports-blocked",
    "ds-stopped": "ad-ds-not-running",
    "stale-a-record": "stale-dns-record",
    "a-record-other-dc": "wrong-principal",
    "no-dns-record": "name-resolution-failure",
}
# on DC1's eth0 no DNS is seen (DC1 asks itself over loopback): the causes that do not hang on the name
ETH0 = ("healthy", "epm-blocked", "epm-refused", "dynamic-blocked", "ds-stopped")
CASES = [(f"{fault}-dc1-any.pcapng", fault) for fault in CAUSES] + \
        [(f"{fault}-client-impacket.pcap", fault) for fault in CAUSES] + \
        [(f"{fault}-dc1-eth0.pcap", fault) for fault in ETH0]


def diagnose_trace(lab, name: str, *extra: str) -> tuple[int, dict, str]:
    argv = [sys.executable, "-m", "wizard", "diagnose", "--trace", str(CAPTURES / name), "--dns-server",
            lab.dns_servers[0], "--timeout", "2", "--format", "json", *extra]
    proc = client_exec(argv, timeout=120)
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


@pytest.mark.parametrize(("name", "fault"), CASES, ids=[n for n, _ in CASES])
def test_the_trace_names_the_cause_on_a_healthy_lab(lab, name, fault):
    extra = ("--target", lab.hosts["DC2"].fqdn) if name.endswith("-eth0.pcap") else ()
    code, report, notes = diagnose_trace(lab, name, *extra)
    assert (code, cited(report)) == (0 if fault == "healthy" else 1, CAUSES[fault]), \
        [(s["node"], s["source"], s["summary"]) for s in report["steps"]]
    assert "note: trace" in notes and "call " in notes  # the choice of call is shown
    sources = {s["node"]: s["source"] for s in report["steps"]}
    assert "trace" in sources.values()
    if fault != "no-dns-record":
        assert sources.get("epm", sources.get("impostor-drs")) == "trace"


def test_the_trace_wins_over_the_live_check_and_says_so(lab):
    code, report, _ = diagnose_trace(lab, "dynamic-blocked-dc1-any.pcapng")
    step = {s["node"]: s for s in report["steps"]}["dynamic-port"]
    assert step["source"] == "trace" and step["outcome"] == "filtered"
    assert "A live check from here says listening" in step["summary"] and "the trace from the failing computer wins" \
        in step["summary"]
    assert step["evidence"]["live"]["outcome"] == "listening"
