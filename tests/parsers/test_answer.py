"""A pasted output answers a node whose probe could not run from here."""

import pytest

from wizard.engine.catalog import CATALOG
from wizard.engine.results import COMMON_OUTCOMES
from wizard.parsers import answer_from_paste

DC2_GUID = "74fbe06c-932c-46b5-831b-af9e31f496b2"


def answer(probe, text, **context):
    result = answer_from_paste(probe, text, context)
    if result is not None:
        outcome, evidence, summary = result
        assert outcome in CATALOG[probe].outcomes + COMMON_OUTCOMES
        assert isinstance(evidence, dict) and summary and "\n" not in summary
    return result


def test_epm_map_registered_with_port(sample):
    outcome, evidence, _ = answer("epm_map", sample("portqry_e135.txt"))
    assert (outcome, evidence["endpoint_port"]) == ("registered", 49668)


def test_epm_map_not_registered_when_only_on_a_pipe(sample):
    outcome, evidence, summary = answer("epm_map", sample("rpcdump_windows.txt"))
    assert outcome == "not-registered" and "ncacn_np" in summary and "endpoint_port" not in evidence


def test_epm_map_other_interface(sample):
    netlogon = "12345678-1234-abcd-ef00-01234567cffb"
    assert answer("epm_map", sample("rpcdump_impacket.txt"), interface=netlogon)[1]["endpoint_port"] == 49674
    other = "00000000-0000-0000-0000-000000000001"
    assert answer("epm_map", sample("portqry_e135.txt"), interface=other)[0] == "not-registered"


def test_epm_map_135_states(sample):
    assert answer("epm_map", sample("portqry_135_filtered.txt"))[0] == "filtered"
    refused = sample("portqry_135_filtered.txt").replace("): FILTERED", "): NOT LISTENING")
    assert answer("epm_map", refused)[0] == "refused"
    assert answer("epm_lookup", refused)[0] == "refused"


def test_epm_map_cut_off_list_is_not_a_verdict(sample):
    text = sample("portqry_e135.txt")
    cut = text[: text.index("UUID: e3514235")]
    assert answer("epm_map", cut)[0] == "error"


def test_epm_lookup(sample):
    outcome, evidence, _ = answer("epm_lookup", sample("portqry_e135.txt"))
    assert outcome == "listed" and evidence["tcp_ports"] == [49664, 49667, 49668, 49674]
    assert len(evidence["endpoints"]) == 7


def test_tcp_ports(sample):
    outcome, evidence, _ = answer("tcp_ports", sample("portqry_ports.txt"))
    assert outcome == "filtered" and evidence["ports"]["49668"]["state"] == "FILTERED"
    assert answer("tcp_ports", sample("portqry_ports.txt"), ports=[135, 389])[0] == "listening"
    assert answer("tcp_ports", sample("portqry_ports.txt"), ports="3268") is None
    assert answer("tcp_ports", sample("test_netconnection.txt"))[0] == "filtered"
    ok = sample("test_netconnection.txt").replace("TcpTestSucceeded       : False", "TcpTestSucceeded       : True")
    assert answer("tcp_ports", ok)[0] == "listening"


def test_dns_cname(sample):
    text = sample("nslookup_cname.txt")
    ctx = {"guid": DC2_GUID, "forest": "contoso.com"}
    outcome, evidence, _ = answer("dns_cname", text, target="contoso-dc2.contoso.com", **ctx)
    assert outcome == "matches-target" and evidence["cname_target"] == "contoso-dc2.contoso.com"
    assert answer("dns_cname", text, target="CONTOSO-DC2", **ctx)[0] == "matches-target"
    assert answer("dns_cname", text, target="contoso-dc5.contoso.com", **ctx)[0] == "other-host"
    missing = text[text.index("C:\\>nslookup -type=cname "
                              "74fbe06c-932c-46b5-831b-af9e31f496b2._msdcs.contoso.com 192.0.2.11"):]
    assert answer("dns_cname", missing, target="contoso-dc2.contoso.com", **ctx)[0] == "missing"


def test_dns_host(sample):
    outcome, evidence, _ = answer("dns_host", sample("nslookup_host.txt"), host="contoso-dc2.contoso.com")
    assert (outcome, evidence["address"], evidence["resolved_from"]) == ("resolved", "192.0.2.12", "dns")
    nx = ("Server:  dc1.contoso.com\nAddress:  192.0.2.10\n\n"
          "*** dc1.contoso.com can't find dc9.contoso.com: Non-existent domain\n")
    assert answer("dns_host", nx, host="dc9.contoso.com")[0] == "not-found"
    assert answer("dns_host", nx, host="other.contoso.com") is None
    timeout = sample("nslookup_host.txt").split("C:\\>nslookup contoso-dc2.contoso.com 192.0.2.11")[1]
    assert answer("dns_host", timeout, host="contoso-dc2.contoso.com")[0] == "error"


def test_identity(sample):
    outcome, evidence, _ = answer("identity", sample("nbtstat_A.txt"), expected="contoso-dc2.contoso.com")
    assert (outcome, evidence["answered_by"]) == ("mismatch", "APP-SRV7")
    assert answer("identity", sample("nbtstat_A.txt"), expected="app-srv7")[0] == "match"
    assert answer("identity", "Ethernet0:\nNode IpAddress: [192.0.2.10] Scope Id: []\n    Host not found.\n",
                  expected="dc2")[0] == "silent"


def test_ntds_guid(sample):
    assert answer("ntds_guid", sample("showobjmeta_ntds.txt"), guid=DC2_GUID)[0] == "match"
    other = "11111111-2222-3333-4444-555555555555"
    outcome, evidence, _ = answer("ntds_guid", sample("showobjmeta_ntds.txt"), guid=other)
    assert outcome == "mismatch" and evidence["ntds_guid"] == DC2_GUID
    assert answer("ntds_guid", sample("showobjmeta_ntds.txt"))[0] == "skipped"
    # repadmin /showrepl run on the source DC names its own DSA object GUID
    own = "b6dc8589-7e00-4a5d-b688-045aef63ec01"
    assert answer("ntds_guid", sample("repadmin_showrepl_1753.txt"), guid=own)[0] == "match"


def test_rpc_port_config(sample):
    assert answer("rpc_port_config", sample("reg_rpc_internet.txt"))[0] == "too-small"
    assert answer("rpc_port_config", sample("reg_not_found.txt"))[0] == "default"
    bad = sample("reg_rpc_internet.txt").replace("5000-5040\\05984", "5000-70000")
    assert answer("rpc_port_config", bad)[0] == "invalid"


@pytest.mark.parametrize("probe", sorted(CATALOG))
def test_text_that_does_not_answer_gives_none(probe, sample):
    assert answer(probe, "hello", target="dc1") is None
    assert answer(probe, sample("ipconfig_all.txt")) is None


def test_unknown_probe():
    assert answer_from_paste("no_such_probe", "text", {}) is None
