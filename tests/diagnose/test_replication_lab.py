"""`rpc-wizard replication` on the lab: under each fault DC1 really tries to pull from DC2 (samba-tool drs
replicate), records Samba's code in its repsFrom, `replication` reads that pair and the code, and the tree
the code opens (`--diagnose`) reaches the fault's cause; healed and replicated again, the pair is clean."""

from __future__ import annotations

import json
import sys

import pytest

from wizard.lab import client_exec
from wizard.lab.replicate import DOMAIN_NC, replicate

pytestmark = pytest.mark.lab

TIMEOUT = 1.0


def replication(lab, *extra: str) -> tuple[int, dict]:
    argv = [sys.executable, "-m", "wizard", "replication", "--forest", lab.forest, "--dns-server",
            lab.dns_servers[0], "--user", lab.admin_user, "--timeout", str(TIMEOUT), "--format", "json", *extra]
    proc = client_exec(argv, timeout=180, env={"RPC_WIZARD_PASSWORD": lab.admin_password})
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert lab.admin_password not in proc.stdout + proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def dc1_from_dc2(lab, report: dict) -> dict:
    """The pair the faults break: DC1 pulling the domain naming context from DC2."""
    dc1, dc2 = lab.hosts["DC1"].fqdn, lab.hosts["DC2"].fqdn
    found = [p for p in report["pairs"]
             if (p["destination"], p["source"], p["naming_context"]) == (dc1, dc2, DOMAIN_NC)]
    assert len(found) == 1, report["pairs"]
    return found[0]


# fault -> (codes Samba records, the symptom they open, the cause that tree reaches); Windows would record
# 1753 for the first two and 1722 for the last two
FAULTS = {
    "ds-stopped": ({64, 1234}, "ad-replication-1753", "ad-ds-not-running"),
    "stale-a-record": ({1234}, "ad-replication-1753", "stale-dns-record"),
    "epm-blocked": ({121}, "rpc-unavailable-1722", "epm-unreachable"),
    "dynamic-blocked": ({121}, "rpc-unavailable-1722", "dynamic-ports-blocked"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_the_recorded_failure_opens_the_tree_that_finds_the_fault(lab, fault, name):
    codes, symptom, cause = FAULTS[name]
    fault(name)
    replicate(forget=name == "epm-blocked")  # Samba would reuse the DRS port it knows and skip TCP 135
    code, report = replication(lab, "--diagnose")
    pair = dc1_from_dc2(lab, report)
    assert pair["last_result"] in codes and pair["consecutive_failures"] >= 1, pair
    assert pair["symptom"] == symptom and pair["source_guid"] == lab.hosts["DC2"].ntds_guid
    assert pair["last_attempt"] and pair["last_result_text"]
    diagnosis = next(d for d in report["diagnoses"]
                     if (d["destination"], d["source"]) == (pair["destination"], pair["source"]))
    assert DOMAIN_NC in diagnosis["naming_contexts"] and diagnosis["symptom"] == symptom
    assert diagnosis["root_cause"] and diagnosis["root_cause"]["id"] == cause, diagnosis["inconclusive"]
    assert code == 1


def test_healed_and_replicated_again_the_pair_is_clean(lab, fault):
    fault("ds-stopped")
    replicate()
    assert dc1_from_dc2(lab, replication(lab)[1])["last_result"] != 0
    import wizard.lab as lab_api

    lab_api.heal()
    replicate()
    code, report = replication(lab)
    pair = dc1_from_dc2(lab, report)
    assert (pair["last_result"], pair["consecutive_failures"], pair["symptom"]) == (0, 0, None), pair
    assert pair["last_success"] == pair["last_attempt"]
    assert report["unreadable"] == []
    # (DC2's own pulls from DC1 fail on this lab with 87, a Kerberos bind DC2 -> DC1 that Samba refuses;
    # that pair is not what the faults change, so the exit code is not asserted here)


def test_without_credentials_it_says_so_in_one_line(lab):
    proc = client_exec([sys.executable, "-m", "wizard", "replication", "--forest", lab.forest], timeout=60)
    assert proc.returncode == 3 and proc.stderr.count("\n") == 1 and "--user" in proc.stderr
