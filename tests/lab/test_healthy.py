"""The healthy lab, as a raw client in the client namespace sees it, and `lab status` / `lab faults`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import rawclient as raw

import wizard.lab as lab_api

pytestmark = pytest.mark.lab


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wizard", "lab", *args], capture_output=True, text=True,
                          timeout=60)


def test_session_runs_inside_the_client_namespace(lab):
    raw.assert_in_client_netns()


def test_dns_names_every_host_and_dc2_guid(lab):
    for host in lab.hosts.values():
        if host.role.startswith("domain controller"):
            assert raw.dns_answers(lab.dns_servers, host.fqdn, "A") == [host.address]
            cname = f"{host.ntds_guid}._msdcs.{lab.forest}"
            assert raw.dns_answers(lab.dns_servers, cname, "CNAME") == [host.fqdn]
    srv = raw.dns_answers(lab.dns_servers, f"_ldap._tcp.dc._msdcs.{lab.forest}", "SRV")
    assert sorted(rec.split()[-1] for rec in srv) == ["dc1.lab.example", "dc2.lab.example"]


def test_endpoint_mappers(lab):
    dc2, member = lab.hosts["DC2"].address, lab.hosts["MEMBER1"].address
    assert raw.ept_map(dc2).startswith(f"ncacn_ip_tcp:{dc2}[")
    # MEMBER1 has an endpoint mapper but no directory service
    assert raw.ept_map(member) == raw.EPT_S_NOT_REGISTERED
    assert raw.ept_map(member, raw.SAMR).startswith(f"ncacn_ip_tcp:{member}[")


def test_smb_names_each_server(lab):
    for key in ("DC1", "DC2", "MEMBER1"):
        assert raw.ntlm_server_name(lab.hosts[key].address) == key


def test_exchange_listeners_and_dc2_ports_answer(lab):
    for port in (6001, 6002, 6004):
        assert raw.tcp_connect(lab.hosts["EXCH1"].address, port) == "open"
    for port in (135, 389, 445):
        assert raw.tcp_connect(lab.hosts["DC2"].address, port) == "open"


def test_dc2_registry_has_no_rpc_internet_key(lab):
    assert raw.rpc_internet_values(lab.hosts["DC2"].address, lab.domain, "Administrator", lab.admin_password) is None


def test_client_hosts_file_maps_no_lab_name(lab):
    assert "lab.example" not in lab.client_hosts_file.read_text()


def test_lab_exec_runs_in_the_client_namespace(lab):
    proc = _cli("exec", "--", "ip", "-o", "-4", "addr", "show", "dev", lab_api.BRIDGE)
    assert proc.returncode == 0, proc.stderr
    assert f"{lab.client_address}/24" in proc.stdout


def test_status_json_has_the_issue_fields(lab):
    proc = _cli("status", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["forest"] == "lab.example"
    assert data["fault"] is None
    assert data["admin_user"] == "LAB\\Administrator"
    assert data["admin_password"] == lab.admin_password
    assert set(data["hosts"]) == {"DC1", "DC2", "MEMBER1", "EXCH1"}
    for key, host in data["hosts"].items():
        assert host["fqdn"] == f"{key.lower()}.lab.example"
        assert host["address"] == lab.hosts[key].address
        assert host["role"]
        if key.startswith("DC"):
            # the GUID as DNS publishes it: DC's <guid>._msdcs CNAME
            cname = f"{host['ntds_guid']}._msdcs.lab.example"
            assert raw.dns_answers(lab.dns_servers, cname, "CNAME") == [host["fqdn"]]
        else:
            assert host["ntds_guid"] is None
    assert data["memory_mib"] > 50


def test_status_text_says_exchange_is_plain_listeners(lab):
    proc = _cli("status")
    assert proc.returncode == 0, proc.stderr
    assert "plain TCP listeners" in proc.stdout
    assert lab.hosts["DC2"].ntds_guid in proc.stdout


def test_faults_lists_each_fault_on_one_line(lab):
    proc = _cli("faults")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().split("\n\n")[0].splitlines()  # then: the codes Samba records instead of Windows'
    assert [line.split()[0] for line in lines] == list(lab_api.FAULTS)
    assert len(lab_api.FAULTS) == 21
    # where Samba cannot show a fault as Windows would, the line says what is emulated
    conflict = next(line for line in lines if line.startswith("fixed-port-conflict"))
    assert "emulated" in conflict and "named pipes" in conflict
