"""Outputs as people really post them (forums, blogs, write-ups, articles): the names and codes they carry.

Each sample's first line says where it was posted; it is dropped before parsing, so that nothing in it is
read as output.
"""

import time

import pytest

from wizard.parsers import context_from, parse_text


@pytest.fixture
def posted(sample):
    def read(name: str):
        first, _, rest = sample(name).partition("\n")
        assert first.startswith("# "), f"{name} must say where it was posted"
        return parse_text(rest)
    return read


# --- repadmin /replsummary ---------------------------------------------------------------------------------

def test_replsum_with_a_blank_line_after_rows(posted):
    p = posted("posted_replsum_1722_blank_lines.txt")
    r = p.facts["repadmin-replsum"]
    assert [row["dsa"] for row in r["source"]] == ["XE-S-APC0666", "XE-S-EUR0002", "KZ-S-EUR0222", "XP-S-ABB0031",
                                                    "XF-S-AME0777", "XF-S-EUR0210"]
    assert [row["dsa"] for row in r["destination"]] == ["PL-S-EUR0217", "XF-S-EUR0004", "XE-S-ABB0011",
                                                         "US-S-AME0180"]
    failing = [(row["dsa"], row["fails"], row["total"], row["error"]) for row in r["destination"] if row["fails"]]
    assert failing == [("XF-S-EUR0004", 9, 43, 1722)]
    assert r["operational_errors"] == [{"error": 58, "server": "KZ-S-EUR0222.europe.example.com"}]
    assert (p.errors, p.symptoms[0]) == ([1722, 58], "rpc-unavailable-1722")
    assert context_from(p) == {"target": "KZ-S-EUR0222", "dest": "XF-S-EUR0004"}


def test_replsum_quoted_line_by_line_by_ansible(posted):
    p = posted("posted_replsum_8524_ansible.txt")
    r = p.facts["repadmin-replsum"]
    assert [(row["dsa"], row["fails"]) for row in r["source"]] == [("wld01", 0), ("rsc01", 1)]
    assert [(row["dsa"], row["error"]) for row in r["destination"]] == [("wld01", 8524), ("rsc01", None)]
    assert p.errors == [8524]
    assert context_from(p) == {"target": "rsc01", "dest": "wld01"}


def test_replsum_with_collapsed_and_glued_columns(posted):
    p = posted("posted_replsum_collapsed.txt")
    r = p.facts["repadmin-replsum"]
    src, dst = r["source"][0], r["destination"][0]
    assert (src["dsa"], src["largest_delta"], src["fails"], src["total"], src["error"]) == (
        "SEA-DC-01", "01h:18m", 5, 5, 1722)
    assert (dst["dsa"], dst["largest_delta"], dst["percent"], dst["error"]) == ("BNE-DC-01", "01h:18m:00s", 100, 1722)
    assert context_from(p) == {"target": "SEA-DC-01", "dest": "BNE-DC-01"}


@pytest.mark.parametrize(("row", "dsa", "delta"), [
    ("DC01 15m:04s 5 / 5 100 (1753) There are no more endpoints available from the endpoint mapper.",
     "DC01", "15m:04s"),
    ("DC0115m:04s 5 / 5 100 (1753) There are no more endpoints available", "DC01", "15m:04s"),
    ("CONTOSO-DC204d.02h:11m:40s    5 /   5  100  (1753) There are no more", "CONTOSO-DC2", "04d.02h:11m:40s"),
    ("XF-S-AME0777:51s    1 /  23    4  (1753) There are no more", "XF-S-AME0777", ":51s"),
    ("XP-S-EUR0555 >60 days 5 / 55 9 (1753) There are no more", "XP-S-EUR0555", ">60 days"),
])
def test_replsum_row_spacing(row, dsa, delta):
    p = parse_text("Source DSA largest delta fails/total %% error\n" + row + "\n")
    got = p.facts["repadmin-replsum"]["source"][0]
    assert (got["dsa"], got["largest_delta"], got["error"]) == (dsa, delta, 1753)
    assert context_from(p)["target"] == dsa


# --- netsetup.log ------------------------------------------------------------------------------------------

def test_netsetup_of_windows_2000_without_a_year_in_its_stamps(posted):
    p = posted("posted_netsetup_win2000_0x5.log")
    n = p.facts["netsetup-log"]
    assert p.kind == "netsetup-log"  # missed before: "03/30 16:19:28" has no year
    assert (n["machine"], n["domain"], n["dc"], n["final_status"]) == (
        "THINKPAD", "office.example.ch", "durin.office.example.ch", "0x5")
    assert n["failing_function"] == "NetUseAdd"  # "returned 5": Windows 2000 prints this one in decimal
    assert p.errors == [5]  # the DNS name that is no NetBIOS name (0x7b) is no failure
    assert context_from(p) == {"target": "durin.office.example.ch", "dest": "THINKPAD", "forest": "office.example.ch"}


def test_netsetup_of_windows_2012_r2_that_recovered_from_0x6ba(posted):
    p = posted("posted_netsetup_2012r2_0x6ba.log")
    n = p.facts["netsetup-log"]
    assert (n["final_status"], n["machine"], n["domain"]) == ("0x0", "myserver", "mydomain.local")
    assert {f["status"] for f in n["failures"]} == {"0x6ba"}
    # NetpLoadParameters' 0x2, the locator's 0x525 and "restart to finish" 0xa99 come with healthy joins too
    assert (p.errors, p.symptoms) == ([1722], ["rpc-unavailable-1722"])
    assert context_from(p) == {"target": "localdc02.mydomain.local", "dest": "myserver", "forest": "mydomain.local"}


def test_netsetup_of_windows_10_that_found_no_dc(posted):
    p = posted("posted_netsetup_win10_0x54b.log")
    n = p.facts["netsetup-log"]
    assert (n["machine"], n["domain"], n["dc"], n["final_status"]) == ("win10-vbox", "mydomain", "", "0x54b")
    assert n["failing_function"] == "NetpDsGetDcName"  # its 0x54b is followed by ", last error is 0x0"
    assert p.errors == [1355]
    # a NetBIOS domain name is no forest name
    assert context_from(p) == {"dest": "win10-vbox"}


def test_netsetup_excerpt_of_windows_7_names_from_the_validation_lines(posted):
    p = posted("posted_netsetup_win7_0x54b.log")
    n = p.facts["netsetup-log"]
    assert (n["machine"], n["domain"], n["failing_function"]) == ("CLIENT-NAME", "domain.com",
                                                                  "NetpCheckDomainNameIsValid")
    assert [f["status"] for f in n["failures"]] == ["0x54b", "0x54b"]
    assert context_from(p) == {"dest": "CLIENT-NAME", "forest": "domain.com"}


def test_netsetup_quoted_without_stamps(posted):
    p = posted("posted_netsetup_0x6ba_msdocs.log")
    n = p.facts["netsetup-log"]
    assert (n["dc"], n["failing_function"], n["final_status"]) == ("DCNAME", "NetpGetComputerObjectDn", "0x6ba")
    assert (p.errors, p.symptoms) == ([1722], ["rpc-unavailable-1722"])
    assert context_from(p) == {"target": "DCNAME"}


def test_netsetup_thread_ids_and_placeholder_stamps():
    text = ("03/01/2017 10:22:40:281 [00000470] NetpGetLsaPrimaryDomain: status: 0x0\n"
            "mm/dd/yyyy hh:mm:ss:ms NetpGetComputerObjectDn: Unable to bind to DS on \\\\dc1: 0x6d9\n"
            "mm/dd/yyyy hh:mm:ss:ms NetpJoinDomain: status: 0x6d9\n")
    p = parse_text(text)
    n = p.facts["netsetup-log"]
    assert (n["dc"], n["failing_function"]) == ("dc1", "NetpGetComputerObjectDn")
    assert (p.errors, p.symptoms) == ([1753], ["domain-join-0x6d9"])


def test_netsetup_statuses_of_zero_and_workgroup_names_are_not_read_as_failures_or_computers():
    text = ("06/25/2021 11:10:11:950 NetpDoDomainJoin\n"
            "06/25/2021 11:10:11:950 NetpValidateName: checking to see if 'WORKGROUP' is valid as type 2 name\n"
            "06/25/2021 11:10:11:982 NetpJoinWorkgroup: status:  0x0\n"
            "06/25/2021 11:10:11:982 NetpDoDomainJoin: status: 0x0\n")
    p = parse_text(text)
    assert (p.errors, p.facts["netsetup-log"]["failures"], p.facts["netsetup-log"]["machine"]) == ([], [], "")


# --- rpcdump -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "target", "named"), [
    ("posted_rpcdump_impacket_remote.txt", "10.10.10.180", "REMOTE"),
    ("posted_rpcdump_impacket_cmdline.txt", "10.10.56.115", "HAVEN-DC"),
    ("posted_rpcdump_impacket_debug.txt", "10.129.25.235", "FOREST"),
])
def test_impacket_rpcdump_target(posted, name, target, named):
    p = posted(name)
    assert (p.kind, p.facts["rpcdump"]["target"]) == ("rpcdump", target)
    assert p.hosts[:2] == [target, named]
    assert context_from(p) == {"target": target}


def test_windows_rpcdump_target_from_its_command_line(sample):
    p = parse_text(sample("rpcdump_windows.txt"))
    assert p.facts["rpcdump"]["target"] == "contoso-dc2"
    assert context_from(p) == {"target": "contoso-dc2"}


def test_samrdump_says_retrieving_endpoint_list_too_but_is_no_endpoint_dump(posted):
    p = posted("posted_samrdump_not_rpcdump.txt")
    assert (p.kinds, context_from(p)) == ([], {})


def test_portqry_target_fills_the_context_only_when_no_report_names_one(sample):
    alone = parse_text(sample("portqry_e135.txt"))
    assert context_from(alone) == {"target": "contoso-dc2.contoso.com"}
    with_report = parse_text(sample("dcdiag_1753.txt") + "\n\n" + sample("portqry_e135.txt"))
    assert context_from(with_report)["target"] == "CONTOSO-DC2"


# --- event text --------------------------------------------------------------------------------------------

def test_wevtutil_text_computer(posted):
    p = posted("posted_event_wevtutil_text.txt")
    events = p.facts["event"]["events"]
    assert [(e["id"], e["computer"], e["level"]) for e in events] == [
        (16384, "WIN-1O0UJBNP9G7", "Information"), (16394, "WIN-1O0UJBNP9G7", "Information")]
    assert context_from(p) == {}  # information events say nothing of a failure


def test_get_eventlog_format_list(posted):
    p = posted("posted_event_get_eventlog.txt")
    e = p.facts["event"]["events"][0]  # missed before: EventID and EntryType are Get-EventLog's names
    assert (e["id"], e["computer"], e["level"], e["source"]) == (
        4634, "DC01.WidgetLLC.Internal", "SuccessAudit", "Microsoft-Windows-Security-Auditing")
    assert "An account was logged off." in e["description"]
    assert context_from(p) == {}


def test_failure_event_computer_is_the_destination(posted):
    p = posted("posted_event_5722_kb810977.txt")
    e = p.facts["event"]["events"][0]
    assert (e["id"], e["source"], e["level"], e["computer"]) == (5722, "NETLOGON", "Error", "DC01")
    assert context_from(p) == {"dest": "DC01"}


def test_netlogon_5820_computer_is_the_server_to_examine(sample):
    p = parse_text(sample("event_5820.txt"))
    assert context_from(p) == {"target": "CONTOSO-DC3.contoso.com"}


def test_get_winevent_machinename_of_a_failure():
    text = ("TimeCreated  : 1/15/2024 10:22:31 AM\nProviderName : NETLOGON\nId           : 5719\n"
            "LevelDisplayName : Error\nMachineName  : WKS042.contoso.com\n"
            "Message      : This computer was not able to set up a secure session with a domain controller in "
            "domain CONTOSO due to the following:\n               The RPC server is unavailable.\n")
    p = parse_text(text)
    assert (p.facts["event"]["events"][0]["computer"], p.errors) == ("WKS042.contoso.com", [1722])
    assert p.symptoms[0] == "rpc-unavailable-1722"
    assert context_from(p) == {"dest": "WKS042.contoso.com"}


# --- dcdiag LDAP calls -------------------------------------------------------------------------------------

def test_dcdiag_advertising_ldap_search_failure(posted):
    p = posted("posted_dcdiag_advertising_81.txt")
    d = p.facts["dcdiag"]
    assert d["ldap_errors"] == [{"server": "RODC01", "error": 81, "call": "search"}]
    assert d["failed_tests"] == [{"server": "RODC01", "result": "failed", "test": "Advertising"}]
    assert p.errors == []  # 81 is an LDAP result (LDAP_SERVER_DOWN), not the Win32 code 81
    assert context_from(p) == {"target": "RODC01"}


def test_dcdiag_ldap_bind_failure_alone(posted):
    p = posted("posted_dcdiag_ldap_bind_31.txt")  # missed before: no dcdiag test line around it
    assert (p.kind, p.facts["dcdiag"]["ldap_errors"], p.errors) == (
        "dcdiag", [{"server": "DC1", "error": 31, "call": "bind"}], [31])
    assert context_from(p) == {"target": "DC1"}


def test_dcdiag_ldap_bind_1722_and_wrong_principal():
    text = ("      Starting test: Connectivity\n"
            "         [DC1] LDAP bind failed with error 1722,\n"
            "         The RPC server is unavailable..\n"
            "         [DC2] DsBindWithSpnEx() failed with error -2146893022,\n"
            "         The target principal name is incorrect..\n")
    p = parse_text(text)
    d = p.facts["dcdiag"]
    assert d["ldap_errors"] == [{"server": "DC1", "error": 1722, "call": "bind"}]
    assert d["bind_errors"] == [{"server": "DC2", "error": -2146893022}]
    assert set(p.errors) == {1722, -2146893022} and set(p.hosts) == {"DC1", "DC2"}


# --- the symptom each code picks first ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "symptom"), [
    ("Last attempt @ 2024-05-14 09:02:17 failed, result 1722 (0x6ba):\nThe RPC server is unavailable.",
     "rpc-unavailable-1722"),
    ("NetpGetComputerObjectDn: Unable to bind to DS on '\\\\DC1': 0x6ba\nNetpDoDomainJoin: status: 0x6ba",
     "rpc-unavailable-1722"),
    ("RPCPing failed with error 1722: The RPC server is unavailable. (Outlook Anywhere)", "exchange-rpc-http-1722"),
    ("RpcServerUseProtseqEp failed with error 1720: The endpoint cannot be created.", "endpoint-create-1720"),
    ("The RPC server could not listen: status 0x6b8", "endpoint-create-1720"),
    ("RPC runtime: error 87 reading HKLM\\Software\\Microsoft\\Rpc\\Internet", "rpc-port-config-87"),
    ("The RPC endpoint could not be registered: error 0x57", "rpc-port-config-87"),
    ("Log Name: System\nSource: NETLOGON\nEvent ID: 5820\nLevel: Error\nComputer: DC3.contoso.com\nDescription:\n"
     "The Netlogon service could not add the AuthZ RPC interface. The service was terminated. The following error "
     "occurred: 'The parameter is incorrect.'", "rpc-port-config-87"),
    ("[DC2] DsBindWithSpnEx() failed with error -2146893022,\nThe target principal name is incorrect..",
     "target-principal-2146893022"),
    ("Last attempt @ 2024-05-14 09:02:17 failed, result -2146893022 (0x80090322):",
     "target-principal-2146893022"),
    ("The bind failed with status 0x80090322", "target-principal-2146893022"),
    ("The replication request failed with status 2148074274", "target-principal-2146893022"),
    ("NetpDoDomainJoin: status: 0x6d9", "domain-join-0x6d9"),
])
def test_each_code_picks_its_symptom_first(text, symptom):
    assert parse_text(text).symptoms[0] == symptom


# --- what the new patterns cost on hostile pastes ----------------------------------------------------------

@pytest.mark.parametrize("line", [
    "DC" + "0" * 200_000 + "1h:",  # a name that never reaches a delta
    '"' + ' "' * 100_000,  # quotes without end
    "Source DSA largest delta\n" + "A1" * 100_000 + " 0 / 1 0",
    "03/30 16:19:28 " * 30_000 + "NetpDoDomainJoin: status: 0x5",
    "Ldap search capabality attribute search failed on server " + "x" * 200_000,
    "rpcdump " * 60_000,  # a command line never reaching its /s
    "portqry " * 60_000,  # took minutes before its -n was looked for near the command only
], ids=["name-never-reaching-a-delta", "quotes", "one-long-row", "stamps", "ldap-search", "rpcdump-words",
        "portqry-words"])
def test_new_patterns_stay_linear(line):
    text = "Replication Summary Start Time: 2024\nSource DSA largest delta\n" + line + "\n"
    start = time.thread_time()  # CPU time of this thread: what the parser costs, however busy the machine
    parse_text(text * 3)
    assert time.thread_time() - start < 3  # linear: about a second; the quadratic readers took minutes


# --- netsh int ipv4 show dynamicport tcp: the dynamic range ------------------------------------------------

NETSH_IPV6_FIRST = """C:\\>netsh int ipv6 show dynamicport tcp

Protocol tcp Dynamic Port Range
---------------------------------
Start Port      : 1025
Number of Ports : 64510

C:\\>netsh int ipv4 show dynamicport tcp

Protocol tcp Dynamic Port Range
---------------------------------
Start Port      : 10000
Number of Ports : 1000
"""


def test_netsh_dynamicport_fills_the_dynamic_range(sample):
    assert context_from(parse_text(sample("netsh_dynamicport.txt"))) == {"dynamic_range": "49152-65535"}


def test_netsh_dynamicport_prefers_ipv4_tcp():
    assert context_from(parse_text(NETSH_IPV6_FIRST))["dynamic_range"] == "10000-10999"
    ipv6_only = NETSH_IPV6_FIRST.split("C:\\>netsh int ipv4")[0]
    assert context_from(parse_text(ipv6_only))["dynamic_range"] == "1025-65534"
    # a range pasted without its command line is taken too (Windows Server 2003 and later print the same)
    bare = NETSH_IPV6_FIRST.split("C:\\>netsh int ipv4 show dynamicport tcp\n")[1]
    assert context_from(parse_text(bare))["dynamic_range"] == "10000-10999"


def test_netsh_dynamicport_udp_or_an_impossible_range_fills_nothing():
    udp = NETSH_IPV6_FIRST.replace("tcp", "udp")
    assert "dynamic_range" not in context_from(parse_text(udp))
    ipv4_only = "C:\\>netsh int ipv4" + NETSH_IPV6_FIRST.split("C:\\>netsh int ipv4")[1]
    beyond = ipv4_only.replace("Number of Ports : 1000", "Number of Ports : 64000")  # would end at 73999
    assert context_from(parse_text(ipv4_only))["dynamic_range"] == "10000-10999"
    assert "dynamic_range" not in context_from(parse_text(beyond))
