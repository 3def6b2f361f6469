"""Each kind of output parses into the facts issue 4 lists."""

from wizard.parsers import context_from, parse_text

DRS = "e3514235-4b06-11d1-ab04-00c04fc2dcd2"
DC2_GUID = "74fbe06c-932c-46b5-831b-af9e31f496b2"


def test_dcdiag(sample):
    p = parse_text(sample("dcdiag_1753.txt"))
    assert (p.kind, p.errors, p.symptoms) == ("dcdiag", [1753], ["ad-replication-1753"])
    d = p.facts["dcdiag"]
    assert {t["test"] for t in d["failed_tests"]} == {"Replications", "KnowsOfRoleHolders"}
    assert d["bind_errors"] == [{"server": "CONTOSO-DC2", "error": 1753}]
    ext = d["extended_error"]
    assert (ext["msdcs"], ext["guid"], ext["forest"], ext["port"], ext["protocol"]) == (
        f"{DC2_GUID}._msdcs.contoso.com", DC2_GUID, "contoso.com", 1025, "ncacn_ip_tcp")
    failure = d["replication_failures"][0]
    got = (failure["source"], failure["destination"], failure["consecutive_failures"])
    assert got == ("CONTOSO-DC2", "CONTOSO-DC1", 97)
    assert failure["naming_context"] == "CN=Configuration,DC=contoso,DC=com"
    assert context_from(p) == {"target": "CONTOSO-DC2", "dest": "CONTOSO-DC1", "forest": "contoso.com",
                               "guid": DC2_GUID}


def test_dcdiag_sample_of_document_000_with_placeholders(sample):
    text = """Testing server: <site><DC Name>
Starting test: Connectivity
[<DC Name>] DsBindWithSpnEx() failed with error 1753,
There are no more endpoints available from the endpoint mapper..
Printing RPC Extended Error Info:
Error Record 1, ProcessID is <process ID> (DcDiag)
Status is 1753: There are no more endpoints available from the endpoint mapper. Detection location is 500
Unicode string: ncacn_ip_tcp
Unicode string: <source DC object GUID>._msdcs.contoso.com
Long val: -481213899
Error Record 2, ProcessID is 700 (DcDiag)
Unicode string: 1025
"""
    p = parse_text(text)
    assert (p.kind, p.errors, p.hosts) == ("dcdiag", [1753], [])  # placeholders are not hosts
    assert p.facts["dcdiag"]["extended_error"]["port"] == 1025
    assert context_from(p) == {"forest": "contoso.com"}


def test_showrepl(sample):
    p = parse_text(sample("repadmin_showrepl_1753.txt"))
    assert (p.kind, p.errors) == ("repadmin-showrepl", [1753])
    r = p.facts["repadmin-showrepl"]
    assert (r["server"], r["dsa_guid"]) == ("CONTOSO-DC1", "b6dc8589-7e00-4a5d-b688-045aef63ec01")
    failing = [n for n in r["neighbors"] if n["result"]]
    assert len(r["neighbors"]) == 2 and len(failing) == 1
    n = failing[0]
    assert (n["source"], n["naming_context"], n["result"], n["consecutive_failures"], n["dsa_guid"]) == (
        "CONTOSO-DC2", "CN=Configuration,DC=contoso,DC=com", 1753, 97, DC2_GUID)
    assert context_from(p)["target"] == "CONTOSO-DC2" and context_from(p)["guid"] == DC2_GUID


def test_showreps_as_document_000_prints_it_without_backslashes():
    text = """Default-First-Site-NameCONTOSO-DC1
DSA Options: IS_GC
DSA object GUID: b6dc8589-7e00-4a5d-b688-045aef63ec01
==== INBOUND NEIGHBORS ======================================
DC=contoso,DC=com
Default-First-Site-NameCONTOSO-DC2 via RPC
DSA object GUID: 74fbe06c-932c-46b5-831b-af9e31f496b2
Last attempt @ <date> <time> failed, result 1753 (0x6d9):
There are no more endpoints available from the endpoint mapper.
<#> consecutive failure(s).
Last success @ <date> <time>.
"""
    p = parse_text(text)
    assert context_from(p) == {"target": "CONTOSO-DC2", "dest": "CONTOSO-DC1", "guid": DC2_GUID}


def test_showrepl_csv():
    text = ('showrepl_COLUMNS,Destination DSA Site,Destination DSA,Naming Context,Source DSA Site,Source DSA,'
            'Source DSA Transport Type,Number of Failures,Last Failure Time,Last Success Time,Last Failure Status\n'
            'showrepl_INFO,Default-First-Site-Name,CONTOSO-DC1,"DC=contoso,DC=com",Default-First-Site-Name,'
            'CONTOSO-DC2,RPC,12,2024-05-14 09:02:17,2024-05-10 06:50:37,1753\n')
    p = parse_text(text)
    assert p.errors == [1753]
    assert context_from(p)["target"] == "CONTOSO-DC2" and context_from(p)["dest"] == "CONTOSO-DC1"


def test_replsum(sample):
    p = parse_text(sample("repadmin_replsum.txt"))
    assert (p.kind, p.errors) == ("repadmin-replsum", [1753, 58])
    s = p.facts["repadmin-replsum"]
    assert [(r["dsa"], r["fails"], r["total"], r["error"]) for r in s["source"]] == [
        ("CONTOSO-DC1", 0, 10, None), ("CONTOSO-DC2", 5, 5, 1753)]
    assert s["operational_errors"] == [{"error": 58, "server": "contoso-dc4.contoso.com"}]
    assert context_from(p) == {"target": "CONTOSO-DC2", "dest": "CONTOSO-DC1"}


def test_syncall_names_partners_by_their_msdcs_cname(sample):
    parsed = parse_text(sample("repadmin_syncall_1753.txt"))
    assert parsed.kind == "repadmin-syncall" and parsed.symptoms[0] == "ad-replication-1753"
    failures = parsed.facts["repadmin-syncall"]["failures"]
    assert failures[0] == {"naming_context": "DC=contoso,DC=com", "result": 1753, "why": "network error",
                           "destination": "", "source": "", "guid": "74fbe06c-932c-46b5-831b-af9e31f496b2",
                           "forest": "contoso.com"}
    assert failures[1]["destination"].startswith("b6dc8589-")
    # the successful ForestDnsZones sync is not a failure; the fatal 8440 is recorded on its own
    assert len(failures) == 2 and parsed.facts["repadmin-syncall"]["fatal"] == 8440
    assert context_from(parsed) == {"dest": "CONTOSO-DC1", "guid": "74fbe06c-932c-46b5-831b-af9e31f496b2",
                                    "forest": "contoso.com"}


def test_netsetup(sample):
    p = parse_text(sample("netsetup_0x6d9.log"))
    assert (p.kind, p.errors, p.symptoms) == ("netsetup-log", [1753, 2224], ["domain-join-0x6d9"])
    n = p.facts["netsetup-log"]
    got = (n["dc"], n["final_status"], n["failing_function"])
    assert got == ("DC1.CONTOSO.COM", "0x6d9", "NetpGetComputerObjectDn")
    assert "Unable to bind to DS" in n["failing_step"]
    assert not any("0xc0000034" in f["status"] for f in n["failures"])
    # the joining computer wrote the log (dest); the domain it joins stands for the forest
    assert context_from(p) == {"target": "DC1.CONTOSO.COM", "dest": "APP_SRV", "forest": "contoso.com"}


def test_netsetup_cut_before_the_final_status():
    p = parse_text("NetpGetComputerObjectDn: Unable to bind to DS on '\\\\DC1.CONTOSO.COM': 0x6d9\n"
                   "NetpSetDnsHostNameAndSpn: NetpGetComputerObjectDn failed: 0x6d9\n")
    n = p.facts["netsetup-log"]
    assert (n["final_status"], n["dc"], n["failing_function"]) == (None, "DC1.CONTOSO.COM", "NetpGetComputerObjectDn")


def test_event_1925(sample):
    p = parse_text(sample("event_1925.txt"))
    e = p.facts["event"]["events"][0]
    assert (e["id"], e["source"], e["error"], e["computer"]) == (
        1925, "Microsoft-Windows-ActiveDirectory_DomainService", 1753, "CONTOSO-DC1.contoso.com")
    assert p.symptoms == ["ad-replication-1753"]
    assert context_from(p) == {"target": "CONTOSO-DC2", "dest": "CONTOSO-DC1.contoso.com", "guid": DC2_GUID,
                               "forest": "contoso.com"}


def test_event_legacy_layout_with_wrong_principal(sample):
    p = parse_text(sample("event_1655_legacy.txt"))
    e = p.facts["event"]["events"][0]
    got = (e["id"], e["source"], e["error"], e["source_dc"])
    assert got == (1655, "NTDS General", -2146893022, "CONTOSO-DC2.contoso.com")
    assert p.symptoms == ["target-principal-2146893022", "ad-replication-1753"]


def test_event_5820_netlogon(sample):
    p = parse_text(sample("event_5820.txt"))
    assert (p.errors, p.symptoms) == ([87], ["rpc-port-config-87"])


def test_several_events_in_one_paste(sample):
    p = parse_text(sample("event_1925.txt") + "\n\n" + sample("event_5820.txt"))
    assert [e["id"] for e in p.facts["event"]["events"]] == [1925, 5820]
    assert p.symptoms == ["ad-replication-1753", "rpc-port-config-87"]


def test_portqry_endpoint_dump(sample):
    p = parse_text(sample("portqry_e135.txt"))
    q = p.facts["portqry"]
    assert (p.kind, q["target"], q["resolved"], q["total"], q["complete"]) == (
        "portqry", "contoso-dc2.contoso.com", "192.0.2.12", 7, True)
    drs = [e for e in q["endpoints"] if e["uuid"] == DRS]
    assert [(e["protocol"], e["port"], e["pipe"]) for e in drs] == [
        ("ncacn_np", None, "\\pipe\\lsass"), ("ncacn_ip_tcp", 49668, None), ("ncacn_http", 49669, None)]
    assert drs[0]["annotation"] == "MS NT Directory DRS Interface" and drs[0]["host"] == "contoso-dc2.contoso.com"
    assert q["ports"] == [{"protocol": "TCP", "port": 135, "service": "epmap", "state": "LISTENING"}]
    assert p.errors == []  # the return code and the ports are not failures


def test_rpcdump_layouts(sample):
    win = parse_text(sample("rpcdump_windows.txt")).facts["rpcdump"]
    assert win["total"] == 4 and win["tcp_ports"] == [49667, 49674]
    assert win["endpoints"][1] == {"uuid": DRS, "annotation": "MS NT Directory DRS Interface", "protocol": "ncacn_np",
                                   "host": "CONTOSO-DC2", "port": None, "pipe": "\\pipe\\lsass",
                                   "endpoint": "\\pipe\\lsass", "binding": "ncacn_np:CONTOSO-DC2[\\pipe\\lsass]"}
    imp = parse_text(sample("rpcdump_impacket.txt"))
    assert imp.kind == "rpcdump"
    assert [(e["uuid"], e["protocol"], e["port"]) for e in imp.facts["rpcdump"]["endpoints"]] == [
        (DRS, "ncacn_np", None), (DRS, "ncacn_ip_tcp", 49668), (DRS, "ncalrpc", None),
        ("12345678-1234-abcd-ef00-01234567cffb", "ncacn_ip_tcp", 49674)]


def test_nslookup(sample):
    queries = parse_text(sample("nslookup_cname.txt")).facts["nslookup"]["queries"]
    assert [(q["server_address"], q["status"], q["cname"], q["type"]) for q in queries] == [
        ("192.0.2.10", "ok", "contoso-dc2.contoso.com", "CNAME"), ("192.0.2.11", "nxdomain", "", "CNAME")]
    host = parse_text(sample("nslookup_host.txt")).facts["nslookup"]["queries"]
    assert [(q["server_address"], q["status"], q["addresses"]) for q in host] == [
        ("192.0.2.10", "ok", ["192.0.2.12", "192.0.2.99"]), ("192.0.2.11", "timeout", [])]


def test_nbtstat(sample):
    n = parse_text(sample("nbtstat_A.txt")).facts["nbtstat"]
    assert n["address"] == "192.0.2.12" and n["computer_names"] == ["APP-SRV7"]
    assert {"name": "CONTOSO", "suffix": "00", "type": "GROUP", "status": "Registered"} in n["names"]
    assert n["mac"] == "00-15-5D-42-2E-00" and not n["host_not_found"]
    assert parse_text("Ethernet0:\nNode IpAddress: [192.0.2.10] Scope Id: []\n\n    Host not found.\n"
                      ).facts["nbtstat"]["host_not_found"]


def test_ipconfig(sample):
    p = parse_text(sample("ipconfig_all.txt"))
    i = p.facts["ipconfig"]
    assert i["host_name"] == "CONTOSO-DC1" and i["primary_dns_suffix"] == "contoso.com"
    assert i["adapters"][0]["dns_servers"] == ["192.0.2.11", "127.0.0.1"]
    assert i["adapters"][0]["ipv4"] == ["192.0.2.10"]
    assert context_from(p) == {"dns_servers": ["192.0.2.11", "192.0.2.10"]}  # 127.0.0.1 is the DC itself


def test_showobjmeta(sample):
    p = parse_text(sample("showobjmeta_ntds.txt"))
    m = p.facts["repadmin-showobjmeta"]
    got = (m["object_guid"], m["created"], m["server"], m["duplicate"])
    assert got == (DC2_GUID, "2022-03-02 14:22:13", "CONTOSO-DC2", False)


def test_netsh_dynamicport(sample):
    ranges = parse_text(sample("netsh_dynamicport.txt")).facts["netsh-dynamicport"]["ranges"]
    assert ranges == [
        {"ip_version": "ipv4", "protocol": "tcp", "start_port": 49152, "number_of_ports": 16384, "end_port": 65535},
        {"ip_version": "ipv4", "protocol": "udp", "start_port": 49152, "number_of_ports": 16384, "end_port": 65535}]


def test_reg_query(sample):
    keys = parse_text(sample("reg_rpc_internet.txt")).facts["reg-query"]["keys"]
    assert keys == [{"key": "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Rpc\\Internet", "values": [
        {"name": "Ports", "type": "REG_MULTI_SZ", "data": ["5000-5040", "5984"]},
        {"name": "PortsInternetAvailable", "type": "REG_SZ", "data": "Y"},
        {"name": "UseInternetPorts", "type": "REG_SZ", "data": "Y"}], "computer": "CONTOSO-DC3"}]
    assert parse_text(sample("reg_not_found.txt")).facts["reg-query"]["not_found"][0]["error"] == "not-found"


def test_exchange_rpcping(sample):
    assert parse_text(sample("exchange_rpcping.txt")).symptoms == ["exchange-rpc-http-1722", "rpc-unavailable-1722"]


def test_messages_without_numbers():
    replicate_now = "Replicate Now\nThe following error occurred: The target principal name is incorrect."
    assert parse_text(replicate_now).symptoms == ["target-principal-2146893022", "ad-replication-1753"]
    assert parse_text("the endpoint cannot be created").symptoms == ["endpoint-create-1720"]
    assert parse_text("The parameter is incorrect.").symptoms == []  # too common without an RPC setting


def test_several_outputs_in_one_markdown_paste(sample):
    paste = "Here is what I ran:\n\n```\n" + sample("ipconfig_all.txt") + "```\n\nand\n\n```text\n" + \
        sample("dcdiag_1753.txt") + "\n```\n\n> " + "\n> ".join(sample("nslookup_cname.txt").split("\n"))
    p = parse_text(paste)
    assert p.kind == "dcdiag" and set(p.kinds) == {"dcdiag", "ipconfig", "nslookup"}
    assert context_from(p)["dns_servers"] == ["192.0.2.11", "192.0.2.10"]
    assert context_from(p)["target"] == "CONTOSO-DC2"


def test_doubled_lines_crlf_and_indentation(sample):
    text = sample("repadmin_showrepl_1753.txt")
    mangled = "\r\n\r\n".join("    " + line + "   " for line in text.split("\n"))
    p = parse_text(mangled)
    assert p.facts["repadmin-showrepl"] == parse_text(text).facts["repadmin-showrepl"]


def test_utf16_redirect_round_trip(sample):
    from wizard.parsers import decode_paste

    data = sample("netsetup_0x6d9.log").replace("\n", "\r\n").encode("utf-16")
    assert parse_text(decode_paste(data)).facts["netsetup-log"]["final_status"] == "0x6d9"


def test_truncated_paste_still_gives_what_it_has(sample):
    text = sample("dcdiag_1753.txt")
    p = parse_text(text[: text.index("Unicode string: 1025")])
    assert p.errors == [1753] and "port" not in p.facts["dcdiag"]["extended_error"]


def test_unknown_text():
    p = parse_text("hello world\nnothing to see")
    assert p.to_dict() == {"kind": "unknown", "kinds": [], "errors": [], "hosts": [], "guids": [], "symptoms": [],
                           "why": {"symptom": None}, "facts": {}}
