"""Each probe against the real Samba lab, healthy and under the faults it must see."""

from __future__ import annotations

import pytest
from machine_speed import slack

from tests.probes.conftest import TIMEOUT
from wizard.engine.catalog import CATALOG, DRS_UUID
from wizard.probes.budget import DEADLINE_FACTOR
from wizard.probes.run import run_probe
from wizard.probes.session import Session

pytestmark = pytest.mark.lab


def addr(lab, key):
    return lab.hosts[key].address


def fqdn(lab, key):
    return lab.hosts[key].fqdn


def probe(name, session, **params):
    result = run_probe(name, params, session)
    assert result.outcome in CATALOG[name].outcomes + ("error", "skipped")
    assert result.command, "every probe gives its Windows equivalent"
    return result


def test_dns_host_healthy_asks_each_server(lab, session):
    r = probe("dns_host", session, host=fqdn(lab, "DC2"), dns_servers=lab.dns_servers, hosts_file=lab.client_hosts_file)
    assert r.outcome == "resolved"
    # the record, its zone and the first named server that holds it: what a fix names (dnscmd /recorddelete)
    assert r.facts == {"address": addr(lab, "DC2"), "resolved_from": "dns", "addresses": [addr(lab, "DC2")],
                       "dns_record_type": "A", "dns_zone": lab.forest, "dns_record": "dc2",
                       "dns_record_server": lab.dns_servers[0]}
    assert r.evidence["servers"][lab.dns_servers[0]]["A"]["answers"] == [addr(lab, "DC2")]
    assert r.evidence["ptr"]["status"] in ("ok", "nxdomain", "nodata")


def test_dns_host_stale_record_and_missing_record(lab, session, fault):
    fault("stale-a-record")
    r = probe("dns_host", session, host=fqdn(lab, "DC2"), dns_servers=lab.dns_servers)
    assert r.facts["address"] == addr(lab, "MEMBER1")
    assert (r.facts["dns_zone"], r.facts["dns_record"]) == (lab.forest, "dc2")
    assert r.facts["dns_record_server"] in lab.dns_servers
    fault("no-dns-record")
    r = probe("dns_host", session, host=fqdn(lab, "DC2"), dns_servers=lab.dns_servers,
              hosts_file=lab.client_hosts_file)
    assert r.outcome == "not-found"


def test_dns_host_prefers_hosts_file(lab, session, fault):
    fault("hosts-entry")
    r = probe("dns_host", session, host=fqdn(lab, "DC2"), dns_servers=lab.dns_servers,
              hosts_file=lab.client_hosts_file)
    line = r.evidence["hosts_line"]  # "<path>:<number>: <the line>", the line a fix names
    number = int(line.split(":")[1])
    assert r.facts == {"address": addr(lab, "MEMBER1"), "resolved_from": "hosts-file",
                       "addresses": [addr(lab, "MEMBER1")], "hosts_file_name": "hosts", "hosts_line": number}
    with open(lab.client_hosts_file) as hosts:
        assert hosts.read().splitlines()[number - 1].split() == line.split(": ", 1)[1].split()
    assert addr(lab, "DC2") in r.summary  # DNS's own answer is still shown


def test_dns_host_unanswered_server_is_an_error_not_a_hang(lab):
    # EXCH1 runs no DNS server: the query is refused or times out, and the probe says so
    r = probe("dns_host", Session(timeout=1.0), host=fqdn(lab, "DC2"), dns_servers=[addr(lab, "EXCH1")])
    assert r.outcome == "error"
    assert r.elapsed_s < 1.0 * DEADLINE_FACTOR + slack(1.0)  # the promise: within three timeouts


def test_dns_cname(lab, session, fault):
    guid = lab.hosts["DC2"].ntds_guid
    r = probe("dns_cname", session, guid=guid, forest=lab.forest, target=fqdn(lab, "DC2"), dns_servers=lab.dns_servers)
    assert r.outcome == "matches-target", r.summary
    srv = " ".join(r.evidence["dc_locator_srv"]["answers"])
    assert fqdn(lab, "DC1") in srv and fqdn(lab, "DC2") in srv
    r = probe("dns_cname", session, guid=lab.hosts["DC1"].ntds_guid, forest=lab.forest, target=fqdn(lab, "DC2"),
              dns_servers=lab.dns_servers)
    assert r.outcome == "other-host" and r.facts["cname_target"] == fqdn(lab, "DC1")
    fault("stale-cname")
    r = probe("dns_cname", session, guid=guid, forest=lab.forest, target=fqdn(lab, "DC2"), dns_servers=lab.dns_servers)
    assert r.outcome == "missing"
    assert probe("dns_cname", session, guid=None, forest=lab.forest, target=fqdn(lab, "DC2")).outcome == "skipped"


@pytest.mark.parametrize("key", ["DC1", "DC2", "MEMBER1"])
def test_identity_matches_each_host(lab, session, key):
    r = probe("identity", session, address=addr(lab, key), expected=fqdn(lab, key))
    assert r.outcome == "match", r.summary
    assert r.evidence["claimed"]["smb"] == key
    assert r.evidence["claimed"]["netbios"] == key


def test_identity_sees_another_host(lab, session, fault):
    fault("stale-a-record")  # the name now leads to MEMBER1
    r = probe("identity", session, address=addr(lab, "MEMBER1"), expected=fqdn(lab, "DC2"))
    assert r.outcome == "mismatch" and r.facts["answered_by"] == "MEMBER1"
    assert "ldap" not in r.evidence["claimed"]  # a member server has no directory


def test_identity_of_a_dead_host_is_silent_and_bounded(lab, fault):
    fault("dc-down")
    r = probe("identity", Session(timeout=TIMEOUT), address=addr(lab, "DC2"), expected=fqdn(lab, "DC2"))
    assert r.outcome == "silent"
    assert r.elapsed_s < TIMEOUT * 1.5 + slack(0.5)


def test_epm_map_drs(lab, session, fault):
    r = probe("epm_map", session, address=addr(lab, "DC2"), interface=DRS_UUID)
    assert r.outcome == "registered" and r.facts["endpoint_port"] >= 1024
    assert probe("epm_map", session, address=addr(lab, "MEMBER1"), interface=DRS_UUID).outcome == "not-registered"
    fault("ds-stopped")
    r = probe("epm_map", Session(timeout=TIMEOUT), address=addr(lab, "DC2"), interface=DRS_UUID)
    assert r.outcome == "not-registered" and r.evidence["status"] == "0x16c9a0d6"


@pytest.mark.parametrize(("name", "outcome"), [("epm-blocked", "filtered"), ("epm-refused", "refused"),
                                               ("dc-down", "unreachable")])
def test_epm_map_when_135_is_blocked(lab, fault, name, outcome):
    fault(name)
    r = probe("epm_map", Session(timeout=TIMEOUT), address=addr(lab, "DC2"))
    if name == "dc-down":
        assert r.outcome in ("unreachable", "filtered")  # ARP gives up near the timeout
    else:
        assert r.outcome == outcome
    assert r.elapsed_s < TIMEOUT + slack(1.0)


def test_epm_lookup_lists_named_interfaces(lab, session):
    r = probe("epm_lookup", session, address=addr(lab, "DC2"))
    assert r.outcome == "listed"
    drs = [e for e in r.evidence["endpoints"] if e["uuid"] == DRS_UUID and e["protocol"] == "ncacn_ip_tcp"]
    assert drs and drs[0]["name"] == "MS NT Directory DRS Interface" and drs[0]["port"] in r.evidence["tcp_ports"]
    # Samba ends a member's lookup with EPT_S_NOT_REGISTERED at once: an empty list, not an error
    assert probe("epm_lookup", session, address=addr(lab, "MEMBER1")).outcome in ("empty", "listed")


def test_tcp_ports_three_states(lab, session, fault):
    r = probe("tcp_ports", session, address=addr(lab, "DC2"), ports="135,389,445")
    assert r.outcome == "listening"
    assert probe("tcp_ports", session, address=addr(lab, "EXCH1"), ports=[6001, 6002, 6004]).outcome == "listening"
    fault("exchange-6004-closed")
    r = probe("tcp_ports", Session(timeout=TIMEOUT), address=addr(lab, "EXCH1"), ports=[6001, 6002, 6004])
    assert r.outcome == "not-listening"
    assert r.evidence["ports"]["6001"]["state"] == "LISTENING"
    assert r.evidence["ports"]["6004"]["state"] == "NOT LISTENING"


def test_tcp_ports_dynamic_port_filtered(lab, session, fault):
    port = probe("epm_map", session, address=addr(lab, "DC2")).facts["endpoint_port"]
    fault("dynamic-blocked")
    s = Session(timeout=TIMEOUT)
    assert probe("epm_map", s, address=addr(lab, "DC2")).outcome == "registered"
    assert probe("tcp_ports", s, address=addr(lab, "DC2"), ports=port).outcome == "filtered"


def test_ntds_lookup_needs_credentials_and_reads_the_destination(lab, session, admin):
    dc2 = lab.hosts["DC2"]
    assert probe("ntds_lookup", session, target=dc2.fqdn, dest=fqdn(lab, "DC1")).outcome == "skipped"
    r = probe("ntds_lookup", admin, target=dc2.fqdn, dest=fqdn(lab, "DC1"), dns_servers=lab.dns_servers)
    assert r.outcome == "found", r.summary
    assert r.facts["guid"] == dc2.ntds_guid
    assert lab.admin_password not in repr(admin.credentials) + repr(r)


def test_ntds_guid_compares_with_the_source_dc_own_view(lab, session, admin):
    dc2 = lab.hosts["DC2"]
    # anonymously, from the rootDSE's extended DN; signed in, from its own directory with the creation time
    r = probe("ntds_guid", session, address=dc2.address, target=dc2.fqdn, guid=dc2.ntds_guid)
    assert r.outcome == "match" and "own_when_created" not in r.evidence
    r = probe("ntds_guid", admin, address=dc2.address, target=dc2.fqdn, guid=dc2.ntds_guid)
    assert r.outcome == "match", r.summary
    r = probe("ntds_guid", admin, address=dc2.address, target=dc2.fqdn, guid=lab.hosts["DC1"].ntds_guid)
    assert r.outcome == "mismatch" and r.evidence["own_guid"] == dc2.ntds_guid
    assert r.evidence["own_when_created"].startswith("20")  # creation time, to compare with dcpromo.log


def test_rpc_port_config(lab, admin, session, fault):
    dc2 = addr(lab, "DC2")
    assert probe("rpc_port_config", session, address=dc2).outcome == "skipped"  # no credentials
    unverified = probe("rpc_port_config", admin, address=dc2)
    assert unverified.outcome == "skipped" and "reg query" in unverified.summary + unverified.command
    assert probe("identity", admin, address=dc2, expected=fqdn(lab, "DC2")).outcome == "match"
    assert probe("rpc_port_config", admin, address=dc2).outcome == "default"  # now it is a DC known to be DC2
    named = Session(timeout=TIMEOUT, credentials=admin.credentials)  # as `check rpc_port_config expected=...`
    assert probe("rpc_port_config", named, address=dc2, expected=fqdn(lab, "DC2")).outcome == "default"
    wrong = Session(timeout=TIMEOUT, credentials=admin.credentials)
    assert probe("rpc_port_config", wrong, address=addr(lab, "MEMBER1"), expected=fqdn(lab, "DC2")).outcome == "skipped"
    fault("port-range-small")
    fresh = Session(timeout=TIMEOUT, credentials=admin.credentials)
    assert probe("identity", fresh, address=dc2, expected=fqdn(lab, "DC2")).outcome == "match"
    r = probe("rpc_port_config", fresh, address=dc2)
    assert r.outcome == "too-small", r.summary
    assert r.evidence["values"]["Ports"] == ["5000-5010"]


def test_dns_host_reports_a_duplicate_a_record(lab, session):
    from wizard.lab import dnsrecords

    dc2, member = lab.hosts["DC2"], lab.hosts["MEMBER1"]
    name = dc2.fqdn.split(".")[0]
    dnsrecords._dns("add", lab.forest, name, "A", member.address)
    try:
        r = probe("dns_host", session, host=dc2.fqdn, dns_servers=lab.dns_servers)
    finally:
        dnsrecords._dns("delete", lab.forest, name, "A", member.address)
    assert r.outcome == "resolved"
    assert any("2 A records" in c for c in r.evidence["conflicts"]), r.evidence
    assert "conflicting answers" in r.summary
    assert sorted(r.facts["addresses"]) == sorted([dc2.address, member.address])
    # whichever address came first, identity looks at both and finds the one that is not DC2
    who = probe("identity", session, address=r.facts["address"], expected=dc2.fqdn, addresses=r.facts["addresses"])
    assert who.outcome == "mismatch" and who.facts == {"answered_by": "MEMBER1", "address": member.address}
    assert set(who.evidence["all_addresses"]) == {dc2.address, member.address}
