"""The registry, service and endpoint-transport probes of issue 9 against the lab's Samba servers:
healthy, under the faults they must see, and where credentials may and may not go."""

from __future__ import annotations

import pytest

from tests.probes.conftest import TIMEOUT
from tests.probes.test_probes_lab import addr, fqdn, probe
from wizard.probes.session import Session

pytestmark = pytest.mark.lab


def named(lab, key):
    """What a person types for a check on a computer by name: expected= and the DNS server to find it."""
    return {"expected": fqdn(lab, key), "dns_servers": lab.dns_servers}


def test_client_protocols_healthy_then_without_tcp(lab, admin, fault):
    r = probe("client_protocols", admin, **named(lab, "DC2"))
    assert (r.outcome, r.evidence["missing"]) == ("complete", [])
    assert set(r.evidence["values"]) == {"ncacn_http", "ncacn_ip_tcp", "ncacn_nb_tcp", "ncacn_np", "ncacn_ip_udp"}
    fault("client-protocols-missing")
    r = probe("client_protocols", admin, **named(lab, "DC2"))
    assert (r.outcome, r.evidence["missing"]) == ("incomplete", ["ncacn_ip_tcp"])


def test_client_protocols_key_absent_is_a_fact(lab, admin):
    """MEMBER1 has no ClientProtocols key at all; the password goes there only when it is MEMBER1 (it is,
    but MEMBER1 has no account for the lab's administrator: the sign-in fails and says so)."""
    r = probe("client_protocols", admin, **named(lab, "EXCH1"))
    assert (r.outcome, r.evidence["key"]) == ("absent", "absent")


def test_registry_reads_need_credentials_and_a_verified_host(lab, admin):
    r = probe("client_protocols", Session(timeout=TIMEOUT), **named(lab, "DC2"))
    assert r.outcome == "skipped" and "reg query" in r.summary
    # DC2's name, MEMBER1's address: the identity check says no, so the password is not sent
    wrong = probe("client_protocols", admin, address=addr(lab, "MEMBER1"), expected=fqdn(lab, "DC2"))
    assert (wrong.outcome, wrong.evidence.get("credentials")) == ("skipped", "not sent")


def test_valid_ports_healthy_then_missing(lab, admin, fault):
    r = probe("valid_ports", admin, server=fqdn(lab, "EXCH1"), dns_servers=lab.dns_servers)
    assert (r.outcome, r.evidence["missing"]) == ("complete", [])
    assert r.evidence["ports"] == [6001, 6002, 6004]
    fault("validports-missing")
    r = probe("valid_ports", admin, server=fqdn(lab, "EXCH1"), dns_servers=lab.dns_servers)
    assert (r.outcome, r.evidence["key"]) == ("absent", "present")


def test_valid_ports_for_another_server_is_incomplete(lab, admin):
    """EXCH1's ValidPorts names EXCH1 only: asked about DC2 as the mailbox server, both names are missing."""
    r = probe("valid_ports", admin, server=fqdn(lab, "DC2"), expected=fqdn(lab, "EXCH1"), ports="6004",
              dns_servers=lab.dns_servers)
    assert (r.outcome, r.evidence["missing"]) == ("incomplete", ["dc2:6004", f"{fqdn(lab, 'DC2')}:6004"])


def test_ntds_port_none_conflict_and_outside(lab, admin, fault):
    assert probe("ntds_port", admin, **named(lab, "DC2")).outcome == "none"
    fault("fixed-port-conflict")
    r = probe("ntds_port", admin, **named(lab, "DC2"))
    assert (r.outcome, r.evidence["fixed_port"], r.evidence["listening"], r.evidence["drs_port"]) == (
        "in-use", 50100, True, None)
    fault("fixed-port-outside")
    r = probe("ntds_port", admin, **named(lab, "DC2"))
    assert (r.outcome, r.evidence["fixed_port"], r.evidence["drs_port"]) == ("outside-range", 3000, 3000)
    assert r.evidence["dynamic_range"] == "49152-65535"
    # a range the person pasted (netsh) that holds 3000 makes it fine
    assert probe("ntds_port", admin, dynamic_range="1025-5000", **named(lab, "DC2")).outcome == "in-range"


def test_rpc_services_on_samba_is_absent_not_an_error(lab, admin):
    r = probe("rpc_services", admin, **named(lab, "DC2"))
    assert r.outcome == "absent"
    assert r.evidence["services"]["RpcSs"]["state"] == "no such service"


def test_epm_transports(lab, session, fault):
    r = probe("epm_transports", session, address=addr(lab, "DC2"))
    assert r.outcome == "tcp" and {"ncacn_ip_tcp", "ncacn_np"} <= set(r.evidence["protocols"])
    assert r.facts["endpoint_port"] == r.evidence["tcp_ports"][0] >= 49152
    netlogon = probe("epm_transports", session, address=addr(lab, "DC2"), interface="netlogon")
    assert netlogon.evidence["interface"] == "12345678-1234-abcd-ef00-01234567cffb"
    assert probe("epm_transports", session, address=addr(lab, "MEMBER1")).outcome == "not-registered"
    fault("epm-refused")
    assert probe("epm_transports", Session(timeout=TIMEOUT), address=addr(lab, "DC2")).outcome == "refused"


def test_epm_map_by_alias_for_any_interface(lab, session):
    r = probe("epm_map", session, address=addr(lab, "DC2"), interface="samr")
    assert r.outcome == "registered" and r.facts["endpoint_port"] >= 49152
    assert probe("epm_map", session, address=addr(lab, "DC2"), interface="scheduler").outcome == "not-registered"


def test_source_guid_same_and_different(lab, session):
    own = lab.hosts["DC2"].ntds_guid
    r = probe("source_guid", session, target=fqdn(lab, "DC2"), guid=own, dns_servers=lab.dns_servers)
    assert (r.outcome, r.facts["ntds_guid"]) == ("same", own)
    r = probe("source_guid", session, target=fqdn(lab, "DC2"), guid=lab.hosts["DC1"].ntds_guid,
              dns_servers=lab.dns_servers)
    assert (r.outcome, r.evidence["source_guid"]) == ("different", own)


def test_source_guid_unreadable_says_how_to_compare_by_hand(lab, session, fault):
    fault("dc-down")
    r = probe("source_guid", session, target=fqdn(lab, "DC2"), guid=lab.hosts["DC2"].ntds_guid,
              dns_servers=lab.dns_servers)
    assert r.outcome == "skipped" and "repadmin /showrepl" in r.summary
