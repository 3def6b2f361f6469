"""Each fault, applied to the running lab, as a raw client (dnspython, impacket) sees it."""

from __future__ import annotations

import pytest
import rawclient as raw

import wizard.lab as lab_api
from wizard.lab import state

pytestmark = pytest.mark.lab

DC2_FQDN = "dc2.lab.example"


def _dc2_a(lab) -> list[str] | str:
    return raw.dns_answers(lab.dns_servers, DC2_FQDN, "A")


def test_fault_is_reported_and_healed(lab, fault):
    fault("hosts-entry")
    assert lab_api.status().fault == "hosts-entry"
    lab_api.heal()
    assert lab_api.status().fault is None
    assert "dc2" not in lab.client_hosts_file.read_text()


def test_ds_stopped(lab, fault):
    dc2 = lab.hosts["DC2"].address
    fault("ds-stopped")
    assert raw.ept_map(dc2) == raw.EPT_S_NOT_REGISTERED
    # everything else on DC2 still answers
    assert raw.ept_map(dc2, raw.SAMR).startswith(f"ncacn_ip_tcp:{dc2}[")
    assert raw.ntlm_server_name(dc2) == "DC2"
    assert _dc2_a(lab) == [dc2]


def test_stale_a_record(lab, fault):
    fault("stale-a-record")
    addresses = _dc2_a(lab)
    assert addresses == [lab.hosts["MEMBER1"].address]
    assert raw.ntlm_server_name(addresses[0]) == "MEMBER1"


def test_a_record_other_dc(lab, fault):
    fault("a-record-other-dc")
    addresses = _dc2_a(lab)
    assert addresses == [lab.hosts["DC1"].address]
    assert raw.ntlm_server_name(addresses[0]) == "DC1"


def test_stale_cname(lab, fault):
    real_guid = lab.hosts["DC2"].ntds_guid
    fault("stale-cname")
    assert raw.dns_answers(lab.dns_servers, f"{real_guid}._msdcs.{lab.forest}", "CNAME") == "NXDOMAIN"
    wrong_guid = state.load()["fake_guid"]
    assert wrong_guid not in {h.ntds_guid for h in lab.hosts.values()}
    assert raw.dns_answers(lab.dns_servers, f"{wrong_guid}._msdcs.{lab.forest}", "CNAME") == [DC2_FQDN]
    assert _dc2_a(lab) == [lab.hosts["DC2"].address]


def test_cname_other_dc(lab, fault):
    guid = lab.hosts["DC2"].ntds_guid
    fault("cname-other-dc")
    assert raw.dns_answers(lab.dns_servers, f"{guid}._msdcs.{lab.forest}", "CNAME") == ["dc1.lab.example"]
    assert _dc2_a(lab) == [lab.hosts["DC2"].address]  # only the alias is wrong
    lab_api.heal()
    assert raw.dns_answers(lab.dns_servers, f"{guid}._msdcs.{lab.forest}", "CNAME") == [DC2_FQDN]


def test_hosts_entry(lab, fault):
    fault("hosts-entry")
    entries = [line.split() for line in lab.client_hosts_file.read_text().splitlines()]
    assert [lab.hosts["MEMBER1"].address, DC2_FQDN, "dc2"] in entries
    # DNS itself is still right: only the client's hosts file lies
    assert _dc2_a(lab) == [lab.hosts["DC2"].address]
    proc = lab_api.client_exec(["getent", "hosts", DC2_FQDN], timeout=10)
    assert proc.stdout.split()[0] == lab.hosts["MEMBER1"].address


def test_no_dns_record(lab, fault):
    fault("no-dns-record")
    assert _dc2_a(lab) == "NXDOMAIN"
    assert raw.dns_answers(lab.dns_servers, lab.hosts["DC1"].fqdn, "A") == [lab.hosts["DC1"].address]


def test_epm_blocked(lab, fault):
    fault("epm-blocked")
    dc2 = lab.hosts["DC2"].address
    assert raw.tcp_connect(dc2, 135, timeout=2) == "timeout"
    assert raw.tcp_connect(dc2, 445, timeout=2) == "open"


def test_epm_refused(lab, fault):
    fault("epm-refused")
    dc2 = lab.hosts["DC2"].address
    assert raw.tcp_connect(dc2, 135, timeout=2) == "refused"
    assert raw.tcp_connect(dc2, 445, timeout=2) == "open"


def test_dynamic_blocked(lab, fault):
    fault("dynamic-blocked")
    dc2 = lab.hosts["DC2"].address
    binding = raw.ept_map(dc2)  # the endpoint mapper still answers on 135
    assert binding.startswith(f"ncacn_ip_tcp:{dc2}[")
    port = int(binding.split("[")[1].rstrip("]"))
    assert port >= 49152
    assert raw.tcp_connect(dc2, port, timeout=2) == "timeout"


def test_port_range_small(lab, fault):
    fault("port-range-small")
    values = raw.rpc_internet_values(lab.hosts["DC2"].address, lab.domain, "Administrator", lab.admin_password)
    assert values is not None
    assert [v for v in values["Ports"].split("\x00") if v] == ["5000-5010"]
    assert values["PortsInternetAvailable"].rstrip("\x00") == "Y"
    assert values["UseInternetPorts"].rstrip("\x00") == "Y"


def test_exchange_ports_closed(lab, fault):
    fault("exchange-ports-closed")
    exch = lab.hosts["EXCH1"].address
    assert [raw.tcp_connect(exch, p) for p in (6001, 6002, 6004)] == ["refused"] * 3


def test_exchange_6004_closed(lab, fault):
    fault("exchange-6004-closed")
    exch = lab.hosts["EXCH1"].address
    assert [raw.tcp_connect(exch, p) for p in (6001, 6002, 6004)] == ["open", "open", "refused"]


def test_dc_down(lab, fault):
    fault("dc-down")
    assert raw.tcp_connect(lab.hosts["DC2"].address, 135, timeout=2) in ("timeout", "unreachable")
    assert raw.tcp_connect(lab.hosts["DC1"].address, 135, timeout=2) == "open"


def test_many_dcs(lab, fault):
    fault("many-dcs")
    srv = raw.dns_answers(lab.dns_servers, f"_ldap._tcp.dc._msdcs.{lab.forest}", "SRV")
    assert len(srv) == 32, srv
    fakes = {answer.split()[-1].rstrip(".").lower() for answer in srv} - {h.fqdn for h in lab.hosts.values()}
    assert len(fakes) == 30
    assert raw.dns_answers(lab.dns_servers, f"fake01.{lab.forest}", "A") == ["198.51.100.101"]
    assert raw.tcp_connect("198.51.100.101", 135, timeout=1) == "timeout"  # dropped
    assert raw.dns_answers(lab.dns_servers, f"fake21.{lab.forest}", "A") == ["198.51.100.121"]
    assert raw.tcp_connect("198.51.100.121", 135, timeout=1) == "refused"
    assert raw.dns_answers(lab.dns_servers, f"fake30.{lab.forest}", "A") == [lab.hosts["MEMBER1"].address]


def _registry(lab, host: str, key: str, names=None):
    return raw.registry_values(lab.hosts[host].address, lab.domain, "Administrator", lab.admin_password, key, names)


def test_port_config_invalid(lab, fault):
    fault("port-config-invalid")
    values = raw.rpc_internet_values(lab.hosts["DC2"].address, lab.domain, "Administrator", lab.admin_password)
    assert [v for v in values["Ports"].split("\x00") if v] == ["5000-70000"]


def test_client_protocols_missing(lab, fault):
    key = "Software\\Microsoft\\Rpc\\ClientProtocols"
    defaults = {"ncacn_http", "ncacn_ip_tcp", "ncacn_nb_tcp", "ncacn_np", "ncacn_ip_udp"}
    assert set(_registry(lab, "DC2", key)) == defaults  # the healthy lab has the five values
    fault("client-protocols-missing")
    assert set(_registry(lab, "DC2", key)) == defaults - {"ncacn_ip_tcp"}
    assert set(_registry(lab, "DC1", key)) == defaults


def test_fixed_port_conflict(lab, fault):
    fault("fixed-port-conflict")
    dc2 = lab.hosts["DC2"].address
    port = _registry(lab, "DC2", "SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters", ("TCP/IP Port",))
    assert port == {"TCP/IP Port": 50100}
    assert raw.tcp_connect(dc2, 50100) == "open"  # another process holds it
    assert raw.ept_map(dc2) == raw.EPT_S_NOT_REGISTERED  # emulated: DRS on no transport at all


def test_fixed_port_outside(lab, fault):
    fault("fixed-port-outside")
    dc2 = lab.hosts["DC2"].address
    port = _registry(lab, "DC2", "SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters", ("TCP/IP Port",))
    assert port == {"TCP/IP Port": 3000}
    assert raw.ept_map(dc2) == f"ncacn_ip_tcp:{dc2}[3000]"


def test_validports_missing(lab, fault):
    key = "Software\\Microsoft\\Rpc\\RpcProxy"
    healthy = _registry(lab, "EXCH1", key, ("ValidPorts",))["ValidPorts"].rstrip("\x00")
    assert healthy == "EXCH1:6001-6002;exch1.lab.example:6001-6002;EXCH1:6004;exch1.lab.example:6004"
    fault("validports-missing")
    assert _registry(lab, "EXCH1", key, ("ValidPorts",)) == {}


def test_every_fault_has_a_test():
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    assert set(lab_api.FAULTS) <= tested



def test_forest_500(lab):
    """forest-500 as the bench applies it (scripts/bench_forest.py): its 1500 DNS records take minutes, so the
    suite checks the records it plans, and applies its addresses and firewall for real, then removes them."""
    from wizard.lab import forest500

    kinds = [kind for _, _, kind, _ in forest500.planned_records()]
    assert (kinds.count("A"), kinds.count("CNAME"), kinds.count("SRV")) == (500, 500, 500)
    member = lab.hosts["MEMBER1"].address
    addresses = [forest500.address(i) for i in range(forest500.COUNT)]
    assert addresses.count(member) == 25 and len(set(addresses) - {member}) == 475
    forest500.apply_network()
    try:
        assert raw.tcp_connect(forest500.address(0), 135, timeout=1) == "timeout"  # fake001 drops
        assert raw.tcp_connect(forest500.address(forest500.DROPPED), 135, timeout=1) == "refused"  # fake451 refuses
    finally:
        forest500.heal_network()
    assert raw.tcp_connect(forest500.address(0), 135, timeout=1) == "unreachable"  # gone: no route to it
