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


# --- the registry, service and transport checks ---------------------------------------------------------

SCHEDULER = "86d35949-83c9-4044-b424-db363231fd0c"


def test_client_protocols_complete_and_incomplete(sample):
    outcome, evidence, _ = answer("client_protocols", sample("reg_client_protocols.txt"))
    assert (outcome, evidence["key"], evidence["missing"]) == ("complete", "present", [])
    assert evidence["values"]["ncacn_ip_tcp"] == "rpcrt4.dll"
    outcome, evidence, summary = answer("client_protocols", sample("reg_client_protocols_missing_tcp.txt"))
    assert (outcome, evidence["missing"], evidence["read_on"]) == ("incomplete", ["ncacn_ip_tcp"], "CONTOSO-WS7")
    assert "ncacn_ip_tcp is missing" in summary


def test_client_protocols_a_wrong_dll_and_a_missing_key(sample):
    wrong = sample("reg_client_protocols.txt").replace("ncacn_http    REG_SZ    rpcrt4.dll",
                                                       "ncacn_http    REG_SZ    rpcrt5.dll")
    outcome, evidence, summary = answer("client_protocols", wrong)
    assert (outcome, evidence["missing"]) == ("incomplete", ["ncacn_http"]) and "'rpcrt5.dll'" in summary
    gone = ("C:\\>reg query HKLM\\SOFTWARE\\Microsoft\\Rpc\\ClientProtocols\n"
            "ERROR: The system was unable to find the specified registry key or value.\n")
    outcome, evidence, _ = answer("client_protocols", gone)
    assert (outcome, evidence["key"], len(evidence["missing"])) == ("absent", "absent", 5)
    # another key's output does not answer this check
    assert answer("client_protocols", sample("reg_rpc_internet.txt")) is None


def test_valid_ports_judged_for_the_nodes_server(sample):
    text = sample("reg_validports.txt")
    outcome, evidence, _ = answer("valid_ports", text, server="exch1.contoso.com")
    assert (outcome, evidence["missing"], evidence["ports"]) == ("complete", [], [6001, 6002, 6004])
    outcome, evidence, summary = answer("valid_ports", text, server="EXCH2.contoso.com")
    assert outcome == "incomplete" and evidence["server"] == "EXCH2.contoso.com"
    assert evidence["missing"] == ["exch2:6001", "exch2.contoso.com:6001", "exch2:6002", "exch2.contoso.com:6002",
                                   "exch2:6004", "exch2.contoso.com:6004"]
    assert "exch2:6001" in summary


def test_valid_ports_without_the_fqdn_entries_and_without_the_value(sample):
    short_only = sample("reg_validports.txt").replace(";exch1.contoso.com:6001-6002;EXCH1.contoso.com:6004", "")
    outcome, evidence, _ = answer("valid_ports", short_only, server="exch1.contoso.com", ports=[6001, 6004])
    assert (outcome, evidence["missing"]) == ("incomplete", ["exch1.contoso.com:6001", "exch1.contoso.com:6004"])
    gone = ("C:\\>reg query HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy /v ValidPorts\n"
            "ERROR: The system was unable to find the specified registry key or value.\n")
    assert answer("valid_ports", gone, server="exch1.contoso.com")[0] == "absent"
    assert answer("valid_ports", sample("reg_validports.txt"))[0] == "error"  # no server= to look for


def test_ntds_port_judged_on_the_dynamic_range(sample):
    outcome, evidence, summary = answer("ntds_port", sample("reg_ntds_port.txt"))
    assert (outcome, evidence["fixed_port"], evidence["dynamic_range"]) == ("in-range", 50000, "49152-65535")
    assert evidence["listening"] is None and "netstat" in summary
    outcome, evidence, _ = answer("ntds_port", sample("reg_ntds_port.txt"), dynamic_range="5000-6000")
    assert (outcome, evidence["range_from"]) == ("outside-range", "given")
    low = sample("reg_ntds_port.txt").replace("0xc350", "0x1b58")  # 7000
    assert answer("ntds_port", low)[0] == "outside-range"


def test_ntds_port_with_a_pasted_netsh_range_and_none_set(sample):
    text = sample("reg_ntds_port.txt") + "\n" + sample("netsh_dynamicport.txt").replace("49152", "10000")
    outcome, evidence, _ = answer("ntds_port", text, dynamic_range="60000-65535")
    # the netsh output pasted with the value beats the node's range: 50000 lies above 10000-26383
    assert (outcome, evidence["dynamic_range"], evidence["range_from"]) == ("outside-range", "10000-26383",
                                                                            "netsh dynamicport (pasted)")
    none = ("C:\\>reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters /v \"TCP/IP Port\"\n"
            "ERROR: The system was unable to find the specified registry key or value.\n")
    outcome, evidence, _ = answer("ntds_port", none)
    assert (outcome, evidence["fixed_port"]) == ("none", None)


def test_rpc_services_defaults_from_sc_qc_and_sc_query(sample):
    outcome, evidence, summary = answer("rpc_services", sample("sc_rpcss.txt"))
    assert outcome == "defaults" and evidence["differ"] == []
    assert evidence["services"] == {"RpcSs": {"state": "running", "start_type": "automatic"}}
    assert "RpcSs" in summary


def test_rpc_services_differ_and_absent(sample):
    outcome, evidence, summary = answer("rpc_services", sample("sc_ntds_stopped.txt"))
    assert outcome == "differ" and evidence["read_on"] == "CONTOSO-DC2"
    assert evidence["services"]["NTDS"] == {"state": "stopped", "start_type": "disabled"}
    assert evidence["differ"] == ["Active Directory Domain Services (NTDS) is stopped, disabled"]
    outcome, evidence, _ = answer("rpc_services", sample("sc_no_ntds.txt"))
    assert outcome == "absent" and evidence["services"]["NTDS"]["state"] == "no such service"
    manual = sample("sc_rpcss.txt").replace("2   AUTO_START", "3   DEMAND_START")
    assert answer("rpc_services", manual)[2].startswith("On the computer sc ran on: Remote Procedure Call (RpcSs)")


def test_rpc_services_a_service_outside_the_table_does_not_answer():
    text = ("SERVICE_NAME: Spooler\n        TYPE               : 110  WIN32_OWN_PROCESS\n"
            "        STATE              : 4  RUNNING\n")
    assert answer("rpc_services", text) is None


def test_epm_transports_tcp_np_only_and_not_registered(sample):
    outcome, evidence, _ = answer("epm_transports", sample("portqry_e135.txt"))
    assert outcome == "tcp" and evidence["protocols"] == ["ncacn_http", "ncacn_ip_tcp", "ncacn_np"]
    assert (evidence["tcp_ports"], evidence["endpoint_port"]) == ([49668], 49668)
    outcome, evidence, summary = answer("epm_transports", sample("rpcdump_windows.txt"))
    assert (outcome, evidence["protocols"]) == ("np-only", ["ncacn_np"]) and "named pipes" in summary
    outcome, evidence, _ = answer("epm_transports", sample("rpcdump_scheduler_np_only.txt"), interface="scheduler")
    assert (outcome, evidence["interface"], evidence["protocols"]) == ("np-only", SCHEDULER, ["ncacn_np", "ncalrpc"])
    assert evidence["bindings"] == ["ncacn_np:CONTOSO-APP1[\\PIPE\\atsvc]", "ncalrpc:[LRPC-7f1a6f2c8b0e4d1a9f]"]
    outcome, evidence, _ = answer("epm_transports", sample("rpcdump_scheduler_np_only.txt"), interface="wmi")
    assert (outcome, evidence["protocols"]) == ("not-registered", [])
    assert answer("epm_transports", sample("rpcdump_scheduler_np_only.txt"), interface="eventlog")[0] == "tcp"


def test_epm_transports_135_blocked_and_cut_off(sample):
    assert answer("epm_transports", sample("portqry_135_filtered.txt"))[0] == "filtered"
    text = sample("portqry_e135.txt")
    assert answer("epm_transports", text[: text.index("UUID: e3514235")])[0] == "error"


def test_epm_map_takes_an_interface_alias(sample):
    assert answer("epm_map", sample("rpcdump_impacket.txt"), interface="netlogon")[1]["endpoint_port"] == 49674


@pytest.mark.parametrize("text", [
    "sc qc " * 60_000,  # command lines without a service
    "[SC] OpenService" + "x" * 200_000 + " FAILED 1060",  # a word that never reaches FAILED
    "SERVICE_NAME: RpcSs\n        STATE              : " + "9" * 200_000 + "  RUNNING\n",  # a number too long for int
])
def test_sc_parser_stays_linear_and_never_raises(text):
    import time

    start = time.thread_time()  # CPU time of this thread: what the parser costs, however busy the machine
    assert answer("rpc_services", text * 3) is None
    assert time.thread_time() - start < 3  # linear: well under a second; a quadratic reader takes minutes


def test_source_guid_from_the_source_dcs_own_showrepl(sample):
    own = "b6dc8589-7e00-4a5d-b688-045aef63ec01"  # the DSA object GUID repadmin /showrepl CONTOSO-DC1 prints
    outcome, evidence, summary = answer("source_guid", sample("repadmin_showrepl_1753.txt"), guid=own.upper())
    assert (outcome, evidence["ntds_guid"]) == ("same", own) and "wrong in DNS" in summary
    other = "11111111-2222-3333-4444-555555555555"
    assert answer("source_guid", sample("repadmin_showrepl_1753.txt"), guid=other)[0] == "different"
    assert answer("source_guid", sample("repadmin_showrepl_1753.txt")) is None  # no GUID to compare with
    assert answer("source_guid", sample("repadmin_showrepl_1753.txt"), guid=own, target="contoso-dc2") is None
    assert answer("source_guid", sample("repadmin_showrepl_1753.txt"), guid=own, target="CONTOSO-DC1")[0] == "same"


def test_a_pasted_repadmin_showattr_answers_ntds_lookup():
    """`repadmin /showattr <dest> "<NTDS Settings DN>" /atts:objectGUID` as the ntds_lookup node asks for it:
    the reader of objectGUID lines is offered this paste (it once was not: its words were showobjmeta's only)."""
    dn = "CN=NTDS Settings,CN=DC2,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,DC=lab,DC=example"
    guid = "0b7a4c2e-1111-2222-3333-444455556666"
    pasted = f'C:\\>repadmin /showattr dc1.lab.example "{dn}" /atts:objectGUID\n\nDN: {dn}\n    1> objectGUID: {guid}\n'
    answer = answer_from_paste("ntds_lookup", pasted, {"target": "dc2.lab.example", "dest": "dc1.lab.example"})
    assert answer is not None and (answer[0], answer[1]["guid"]) == ("found", guid)
