"""`rpc-wizard diagnose` run in the lab's client namespace, as a person would: one cause per fault."""

from __future__ import annotations

import json
import sys

import pytest
from machine_speed import busy_timeout, slack

from wizard.lab import client_exec

pytestmark = pytest.mark.lab

TIMEOUT = busy_timeout(3.0)  # the product's default on an idle machine; Samba answers late on a busy one


def diagnose(lab, *extra, creds=True, symptom="ad-replication-1753", target=True):
    """`target=False`: the caller gives --target (and --dest) itself."""
    argv = [sys.executable, "-m", "wizard", "diagnose", "--symptom", symptom,
            *(["--target", lab.hosts["DC2"].fqdn] if target else []), "--dns-server", lab.dns_servers[0],
            "--timeout", str(TIMEOUT), "--format", "json", *extra]
    env = {}
    if symptom == "ad-replication-1753" and target:
        argv += ["--dest", lab.hosts["DC1"].fqdn]
    if creds:
        argv += ["--user", lab.admin_user]
        env["RPC_WIZARD_PASSWORD"] = lab.admin_password
    proc = client_exec(argv, timeout=max(60, 20 * TIMEOUT), env=env)
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert lab.admin_password not in proc.stdout + proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def cited(report):
    root = report["root_cause"]
    assert root, ("no cause", report["inconclusive"], [s["summary"] for s in report["steps"]])
    assert root["citations"], "every cause quotes its source"
    for citation in root["citations"]:
        assert citation["source"] and citation["section"] and citation["quote"]
    return root["id"]


def test_healthy_lab_finds_no_fault(lab):
    code, report = diagnose(lab)
    assert (code, cited(report)) == (0, "no-fault-found")
    assert [s["node"] for s in report["steps"]][:3] == ["dest-guid", "cname", "host"]
    assert report["steps"][1]["outcome"] == "matches-target"


FAULT_CAUSES = {
    "ds-stopped": "ad-ds-not-running",
    "stale-a-record": "stale-dns-record",
    "a-record-other-dc": "wrong-principal",
    "stale-cname": "name-resolution-failure",
    "hosts-entry": "stale-hosts-entry",
    "no-dns-record": "name-resolution-failure",
    "epm-blocked": "epm-unreachable",
    "epm-refused": "epm-unreachable",
    "dynamic-blocked": "dynamic-ports-blocked",
    "dc-down": "epm-unreachable",
    "port-range-small": "rpc-port-range-too-small",
}


@pytest.mark.parametrize("name", sorted(FAULT_CAUSES))
def test_each_fault_gives_its_cause(lab, fault, name):
    fault(name)
    code, report = diagnose(lab)
    assert (code, cited(report)) == (1, FAULT_CAUSES[name]), [s["summary"] for s in report["steps"]]
    assert report["commands"], "commands to paste into the ticket"


@pytest.mark.parametrize("name", ["epm-blocked", "dc-down", "dynamic-blocked"])
def test_dropped_packets_cost_about_one_timeout(lab, fault, name):
    fault(name)
    _, report = diagnose(lab, creds=False)
    # the tool's own per-step timings: the probes share what a dead port already showed
    assert sum(s["elapsed_s"] for s in report["steps"]) <= TIMEOUT * 1.5 + slack(0.5), report["steps"]


def test_stale_ntds_settings_from_a_given_guid(lab):
    code, report = diagnose(lab, "--guid", lab.hosts["DC1"].ntds_guid, creds=False)
    # the CNAME of DC1's GUID leads to DC1, not to the source DC2
    assert (code, cited(report)) == (1, "stale-ntds-settings")


def test_without_credentials_the_guid_checks_are_skipped(lab):
    code, report = diagnose(lab, creds=False)
    assert (code, cited(report)) == (0, "no-fault-found")
    assert {s["node"]: s["outcome"] for s in report["steps"]}["dest-guid"] == "skipped"


@pytest.mark.parametrize(("name", "cause"), [("ds-stopped", "ad-ds-not-running"), ("epm-refused", "epm-unreachable"),
                                             ("stale-a-record", "stale-dns-record")])
def test_domain_join(lab, fault, name, cause):
    fault(name)
    code, report = diagnose(lab, creds=False, symptom="domain-join-0x6d9")
    assert (code, cited(report)) == (1, cause)


def test_lab_exec_runs_the_installed_wizard(lab, fault):
    """The issue's own words: `rpc-wizard lab exec -- rpc-wizard diagnose ...`, with no venv on PATH."""
    import os
    import subprocess

    fault("a-record-other-dc")
    wizard = os.path.join(os.path.dirname(sys.executable), "rpc-wizard")
    proc = subprocess.run([wizard, "lab", "exec", "--", "rpc-wizard", "diagnose", "--symptom", "ad-replication-1753",
                           "--target", lab.hosts["DC2"].fqdn, "--dns-server", lab.dns_servers[0], "--format", "json",
                           "--timeout", str(TIMEOUT)],
                          capture_output=True, text=True, timeout=60, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                                                                   **_lab_id()})
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["root_cause"]["id"] == "wrong-principal"


def _lab_id() -> dict[str, str]:
    """The lab this session uses (RPCW_LAB), passed on to a command run with a bare environment."""
    import os

    return {"RPCW_LAB": os.environ["RPCW_LAB"]} if "RPCW_LAB" in os.environ else {}


def test_a_duplicate_a_record_is_a_stale_dns_record(lab):
    from wizard.lab import dnsrecords

    name, member = lab.hosts["DC2"].fqdn.split(".")[0], lab.hosts["MEMBER1"].address
    dnsrecords._dns("add", lab.forest, name, "A", member)
    try:
        code, report = diagnose(lab, creds=False)
    finally:
        dnsrecords._dns("delete", lab.forest, name, "A", member)
    assert (code, cited(report)) == (1, "stale-dns-record")
    assert {s["node"]: s["evidence"].get("address") for s in report["steps"]}["impostor-drs"] == member


def test_the_fix_names_the_stale_record_and_the_server_that_holds_it(lab, fault):
    fault("stale-a-record")
    _, report = diagnose(lab, creds=False)
    assert report["root_cause"]["id"] == "stale-dns-record"
    server, member = lab.dns_servers[0], lab.hosts["MEMBER1"].address
    command = f"dnscmd {server} /recorddelete {lab.forest} dc2 A {member}"
    assert any(command in fix and f"DNS server {server}" in fix for fix in report["root_cause"]["fixes"])
    assert command in report["commands"]


def test_the_fix_names_the_hosts_line(lab, fault):
    fault("hosts-entry")
    _, report = diagnose(lab, "--hosts-file", str(lab.client_hosts_file), creds=False)
    assert report["root_cause"]["id"] == "stale-hosts-entry"
    lines = lab.client_hosts_file.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if lab.hosts["DC2"].fqdn in line.split())
    assert any(f"line {number} of hosts, which maps {lab.hosts['DC2'].fqdn} to {lab.hosts['MEMBER1'].address}" in fix
               for fix in report["root_cause"]["fixes"])
