"""The five symptoms of issue 9, diagnosed on the lab as a person would run them: each reaches its cause
on each fault that fits it, cited word for word from its document; the healthy lab finds nothing."""

from __future__ import annotations

import pytest

from tests.diagnose.test_diagnose_lab import cited, diagnose

pytestmark = pytest.mark.lab

DC1, DC2 = "DC1", "DC2"

# symptom -> (target host, extra flags as (flag, host key or value))
SETUPS = {
    "rpc-unavailable-1722": ("DC2", ("--dest", DC1)),
    "exchange-rpc-http-1722": ("EXCH1", ()),
    "endpoint-create-1720": ("DC2", ()),
    "target-principal-2146893022": ("DC2", ("--dest", DC1)),
    "rpc-port-config-87": ("DC2", ()),
}

CASES = [  # (symptom, fault or None, cause id, the document the cause must quote)
    ("rpc-unavailable-1722", None, "no-fault-found-rpc", "003"),
    ("rpc-unavailable-1722", "epm-blocked", "epm-unreachable", "003"),
    ("rpc-unavailable-1722", "epm-refused", "epm-unreachable", "003"),
    ("rpc-unavailable-1722", "dynamic-blocked", "dynamic-ports-blocked", "003"),
    ("rpc-unavailable-1722", "no-dns-record", "name-resolution-failure", "004"),
    ("rpc-unavailable-1722", "port-range-small", "rpc-port-range-too-small", "003"),
    ("rpc-unavailable-1722", "port-config-invalid", "rpc-port-config-invalid", "003"),
    ("rpc-unavailable-1722", "ds-stopped", "interface-not-registered", "003"),
    ("exchange-rpc-http-1722", None, "no-fault-found-rpc", "003"),
    ("exchange-rpc-http-1722", "exchange-ports-closed", "exchange-ports-not-listening", "004"),
    ("exchange-rpc-http-1722", "exchange-6004-closed", "exchange-ports-not-listening", "004"),
    ("exchange-rpc-http-1722", "validports-missing", "validports-missing", "004"),
    ("endpoint-create-1720", None, "no-fault-found-rpc", "003"),
    ("endpoint-create-1720", "fixed-port-conflict", "fixed-port-conflict", "002"),
    ("endpoint-create-1720", "fixed-port-outside", "fixed-port-outside-range", "000"),
    ("endpoint-create-1720", "ds-stopped", "interface-not-registered", "000"),
    ("endpoint-create-1720", "epm-refused", "epm-unreachable", "003"),
    ("target-principal-2146893022", None, "no-fault-found", "000"),
    ("target-principal-2146893022", "a-record-other-dc", "wrong-principal", "000"),
    ("target-principal-2146893022", "stale-a-record", "stale-dns-record", "000"),
    ("target-principal-2146893022", "hosts-entry", "stale-hosts-entry", "000"),
    ("rpc-port-config-87", None, "no-fault-found-rpc", "003"),
    ("rpc-port-config-87", "port-config-invalid", "rpc-port-config-invalid", "003"),
    ("rpc-port-config-87", "port-range-small", "rpc-port-range-too-small", "003"),
]


def run(lab, symptom, *extra, creds=True):
    host, flags = SETUPS[symptom]
    pairs = [(flags[i], lab.hosts[flags[i + 1]].fqdn) for i in range(0, len(flags), 2)]
    argv = ["--target", lab.hosts[host].fqdn, *[x for pair in pairs for x in pair], *extra]
    return diagnose(lab, *argv, creds=creds, symptom=symptom, target=False)


@pytest.mark.parametrize(("symptom", "name", "cause", "source"), CASES,
                         ids=[f"{s}-{f or 'healthy'}" for s, f, _, _ in CASES])
def test_each_symptom_reaches_its_cause(lab, fault, symptom, name, cause, source):
    if name:
        fault(name)
    code, report = run(lab, symptom)
    assert (code, cited(report)) == (0 if name is None else 1, cause), [s["summary"] for s in report["steps"]]
    assert source in {c["source"][:3] for c in report["root_cause"]["citations"]}  # the document's file


@pytest.mark.parametrize("symptom", ["rpc-unavailable-1722", "domain-join-0x6d9", "ad-replication-1753"])
def test_client_protocols_missing_on_the_client(lab, fault, symptom):
    """The fault is on DC2: here DC2 is the client (the destination DC, the joining computer) that cannot
    reach DC1."""
    fault("client-protocols-missing")
    code, report = diagnose(lab, "--target", lab.hosts[DC1].fqdn, "--dest", lab.hosts[DC2].fqdn,
                            symptom=symptom, target=False)
    assert (code, cited(report)) == (1, "client-protocols-missing")
    step = {s["node"]: s for s in report["steps"]}["client-protocols"]
    assert step["evidence"]["missing"] == ["ncacn_ip_tcp"]


def test_the_ipv6_question_answered_yes(lab, fault):
    fault("exchange-6004-closed")
    code, report = run(lab, "exchange-rpc-http-1722", "--answer", "exchange-2007-ipv6=yes")
    assert (code, cited(report)) == (1, "exchange-2007-ipv6-dsproxy")


def test_an_interface_by_alias(lab):
    """netlogon on DC2: registered, its port answers; the diagnosis is about that interface."""
    code, report = run(lab, "rpc-unavailable-1722", "--interface", "netlogon")
    assert (code, cited(report)) == (0, "no-fault-found-rpc")
    epm = {s["node"]: s for s in report["steps"]}["epm"]
    assert epm["evidence"]["interface"] == "12345678-1234-abcd-ef00-01234567cffb"


def test_without_credentials_registry_steps_say_what_to_run(lab, fault):
    fault("validports-missing")
    code, report = run(lab, "exchange-rpc-http-1722", creds=False)
    assert (code, report["root_cause"]) == (2, None) and "reg query" in report["inconclusive"]
    step = report["steps"][-1]
    assert (step["node"], step["outcome"]) == ("validports", "skipped")
    assert "reg query" in step["summary"]


@pytest.mark.parametrize(("guid_of", "cause"), [(DC1, "stale-ntds-settings"), (DC2, "name-resolution-failure")])
def test_stale_ntds_settings_told_apart_from_a_dns_fault(lab, fault, guid_of, cause):
    """stale-cname removes DC2's own alias. With DC2's own GUID the alias is missing and the GUIDs agree: a
    DNS fault. With DC1's GUID (an old log) the alias leads to DC1 and DC2 does not hold that GUID."""
    fault("stale-cname")
    code, report = run(lab, "target-principal-2146893022", "--guid", lab.hosts[guid_of].ntds_guid,
                       "--forest", lab.forest, creds=False)
    assert (code, cited(report)) == (1, cause)
    compared = [s for s in report["steps"] if s["node"] in ("alias-guid", "missing-alias-guid")]
    assert compared and compared[0]["evidence"]["source_guid"] == lab.hosts[DC2].ntds_guid
