"""`rpc-wizard sweep` in the lab's client namespace: both DCs found and checked, the right cause for
DC2 under each fault, and 32 DCs (the many-dcs fault) checked on this 2-core machine."""

from __future__ import annotations

import json
import sys

import pytest

from machine_speed import busy_timeout

from wizard.lab import client_exec

pytestmark = pytest.mark.lab

# the product's default on an idle machine: a signed-in sweep asks Samba for tickets and LDAP pages,
# which a busy machine answers in more than a second
TIMEOUT = busy_timeout(3.0)


def sweep(lab, *extra, timeout=120, creds=False):
    argv = [sys.executable, "-m", "wizard", "sweep", "--forest", lab.forest, "--dns-server", lab.dns_servers[0],
            "--timeout", str(TIMEOUT), "--format", "json", *extra]
    env = {}
    if creds:
        argv += ["--user", lab.admin_user]
        env["RPC_WIZARD_PASSWORD"] = lab.admin_password
    proc = client_exec(argv, timeout=timeout, env=env)
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert lab.admin_password not in proc.stdout + proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def unfinished(report) -> list:
    """What a sweep could not finish, to say why a test failed: DCs without a cause, and their steps."""
    return [(dc["name"], dc["inconclusive"], [s["summary"] for s in dc["steps"]][-2:])
            for dc in report["dcs"] if not dc["root_cause"]] + report["findings"]


def causes(report) -> dict[str, str | None]:
    return {dc["name"]: dc["root_cause"]["id"] if dc["root_cause"] else None for dc in report["dcs"]}


def test_healthy_forest_lists_both_dcs_healthy(lab):
    code, report = sweep(lab)
    assert causes(report) == {"DC1": "no-fault-found", "DC2": "no-fault-found"} and code == 0, unfinished(report)
    dc2 = next(dc for dc in report["dcs"] if dc["name"] == "DC2")
    assert dc2["address"] == lab.hosts["DC2"].address and dc2["guid"] == lab.hosts["DC2"].ntds_guid
    assert report["findings"] == []


def test_signed_in_the_directory_agrees_with_dns(lab):
    code, report = sweep(lab, creds=True)
    assert code == 0 and report["findings"] == [], unfinished(report)


@pytest.mark.parametrize("name, cause", [("stale-a-record", "stale-dns-record"), ("ds-stopped", "ad-ds-not-running"),
                                         ("epm-blocked", "epm-unreachable")])
def test_the_faulty_dc_gets_its_cause_and_the_other_stays_healthy(lab, fault, name, cause):
    fault(name)
    code, report = sweep(lab)
    assert causes(report) == {"DC1": "no-fault-found", "DC2": cause} and code == 1
    dc2 = next(dc for dc in report["dcs"] if dc["name"] == "DC2")
    assert dc2["root_cause"]["citations"] and all(c["quote"] for c in dc2["root_cause"]["citations"])


def test_thirty_two_dcs_are_checked_in_one_run(lab, fault):
    fault("many-dcs")
    code, report = sweep(lab, "--format", "json")
    found = causes(report)
    assert len(found) == 32 and found["DC1"] == found["DC2"] == "no-fault-found"
    fakes = {name: c for name, c in found.items() if name.startswith("FAKE")}
    assert {fakes[f"FAKE{i:02d}"] for i in range(1, 26)} == {"epm-unreachable"}  # dropped or refused at 135
    assert {fakes[f"FAKE{i:02d}"] for i in range(26, 31)} == {"stale-dns-record"}  # MEMBER1 answers
    assert code == 1


def test_signed_in_dns_only_dcs_are_leftover_registrations(lab, fault):
    fault("many-dcs")
    code, report = sweep(lab, creds=True)
    leftovers = {f["dc"] for f in report["findings"] if f["cause"] == "leftover-dc-registration"}
    assert leftovers == {f"fake{i:02d}.{lab.forest}" for i in range(1, 31)}
    assert all(f["citations"][0]["quote"] for f in report["findings"]) and code == 1
