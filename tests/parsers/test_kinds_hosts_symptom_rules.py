"""The kinds of PowerShell, nltest, netdom and RPC over HTTP output, the host classes, the symptom rules and
their explanation.

The lines are taken from the posted samples (tests/parsers/samples/posted_*, sources in their first line) or
from the documents the symptom rules come from; a rule's test changes one thing at a time.
"""

from __future__ import annotations

import pytest

from wizard.cli import main
from wizard.parsers import context_from, parse_text
from wizard.parsers.hostnames import hosts_in
from wizard.parsers.symptoms import explain

PROXY_LINE = "2013-03-21 23:06:14 10.0.0.1 RPC_OUT_DATA /rpc/rpcproxy.dll cas.contoso.com:6001 443 CONTOSO\\user " \
             "10.0.0.10 MSRPC 503 3 0 15"


@pytest.mark.parametrize(("line", "host"), [
    ("Unable to connect to the NETLOGON share! (\\DC2\\netlogon)", "DC2"),  # a forum ate one backslash
    ("Warning: DsGetDcName returned information for \\dc1.domain.local, when", "dc1.domain.local"),
    ("Trusted DC Name \\\\dc10.domain.example", "dc10.domain.example"),
    ("net use \\\\192.168.1.11 /user:litware\\administrator", "192.168.1.11"),
    (PROXY_LINE, "cas.contoso.com"),
    ("Attempting to ping the MAPI Mail Store endpoint with identity: mbx01.contoso.com:6001.", "mbx01.contoso.com"),
    ("Get-WmiObject -Class Win32_BIOS -ComputerName server1 -Credential $creds.Remote", "server1"),
    ("    + CategoryInfo          : OperationStopped: (EXT-FOOBAR8:String) [Restart-Computer], "
     "InvalidOperationException", "EXT-FOOBAR8"),
    ("New-PSSession : [db01.internal.local] Connecting to remote server db01.internal.local failed with the",
     "db01.internal.local"),
    ("nltest /server:dc02.contoso.com /sc_query:contoso.com", "dc02.contoso.com"),
    ("netdom resetpwd /server:DC01 /userd:CONTOSO\\admin /passwordd:*", "DC01"),
    ("netdom verify WKS042 /domain:contoso.com", "WKS042"),
    ("rpcping -t ncacn_http -s mbx01 -o RpcProxy=mail.contoso.com -P \"user,contoso,*\"", "mbx01"),
    ("rpcping -t ncacn_http -s mbx01 -o RpcProxy=mail.contoso.com -P \"user,contoso,*\"", "mail.contoso.com"),
    ("-  Testing RPC over HTTP connectivity to server srv.company.local", "srv.company.local"),
    ("The Kerberos client received a KRB_AP_ERR_MODIFIED error from the server FS01$. The target", "FS01"),
    ("DCOM was unable to communicate with the computer 8.8.8.8 using any o", "8.8.8.8"),
])
def test_host_classes(line, host):
    assert host in hosts_in(line)


@pytest.mark.parametrize("line", [
    "C:\\Windows\\system32>dcdiag /q",  # a path, not a computer
    "Logged on user: SOLO\\Han.",  # DOMAIN\\user
    "%SystemRoot%\\debug\\netsetup.log",
    "EXCHANGE14:\\Current\\Release\\Shared\\Datacenter\\Setup",
])
def test_paths_and_accounts_are_no_hosts(line):
    assert hosts_in(line) == []


def test_rpc_proxy_rpc_error_6ba_is_exchange_1722():
    # the proxy answers "RPC Error: 6ba" when the mailbox server's port does not answer (RPC_S_SERVER_UNAVAILABLE)
    p = parse_text(PROXY_LINE + "\nHTTP/1.1 503 RPC Error: 6ba\n")
    assert (p.kind, p.errors, p.symptoms[0]) == ("rpcproxy-log", [1722], "exchange-rpc-http-1722")
    assert p.facts["rpcproxy-log"]["requests"][0] == {"method": "RPC_OUT_DATA", "target": "cas.contoso.com",
                                                       "port": 6001, "status": 503}
    assert context_from(p) == {"target": "cas.contoso.com"}


def test_rpcping_exception():
    text = ("rpcping -t ncacn_http -s mbx01 -o RpcProxy=mail.contoso.com -P \"user,contoso,*\" -H 1 -u 10 -a connect\n"
            "RPCPing v6.0. Copyright (C) Microsoft Corporation, 2002-2006\n"
            "Exception 1722 (0x000006BA)\n")
    p = parse_text(text)
    assert (p.kind, p.errors, p.symptoms[:2]) == ("rpcping", [1722], ["exchange-rpc-http-1722", "rpc-unavailable-1722"])
    assert context_from(p) == {"target": "mbx01", "proxy": "mail.contoso.com"}
    assert p.why["second"]["symptom"] == "rpc-unavailable-1722"  # the close second is said


def test_hresult_wrapping_a_win32_code_is_that_code():
    assert parse_text("Get-WmiObject : The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)").errors \
        == [1722]
    assert parse_text("NetpJoinDomain: status: 0x800706D9").errors == [1753]


def test_kerberos_event_4_without_a_number_is_the_wrong_principal_family():
    p = parse_text("Event ID: 4\nSource: Kerberos\nLevel: Error\nComputer: WKS1\nDescription:\nThe Kerberos client "
                   "received a KRB_AP_ERR_MODIFIED error from the server DC2$. The target name used was "
                   "ldap/dc2.contoso.com.")
    assert (p.errors, p.symptoms) == ([], ["target-principal-2146893022"])
    assert "KRB_AP_ERR_MODIFIED" in p.why["line"] and {"DC2", "dc2.contoso.com"} <= set(p.hosts)


def test_a_code_outside_an_rpc_context_is_only_a_weak_choice():
    installer = parse_text("Error 1720.There is a problem with this Windows Installer package. A script required "
                           "for this install to complete could not be run.")
    assert (installer.errors, installer.symptoms) == ([1720], [])
    assert installer.why["weak"][0]["symptom"] == "endpoint-create-1720"
    # the same code in an RPC server's own words picks its symptom
    assert parse_text("RpcServerUseProtseqEp failed with error 1720: The endpoint cannot be created.").symptoms == [
        "endpoint-create-1720"]


def test_a_stopped_local_service_is_no_rpc_endpoint_fault():
    text = "nltest /sc_query:litware.com\nI_NetLogonControl failed: Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE\n"
    assert parse_text(text).symptoms == ["rpc-unavailable-1722"]
    stopped = parse_text(text + "System error 1792 has occurred.\nAn attempt was made to logon, but the network "
                                "logon service was not started.\n")
    assert stopped.symptoms == [] and "not started" in stopped.why["weak"][0]["why"]


def test_explanation_names_line_code_and_context(sample):
    p = parse_text(sample("dcdiag_1753.txt"))
    why = explain(p.why)
    assert why[0].startswith("ad-replication-1753 (code 1753), because: replication")
    assert why[1].startswith(f"  line {p.why['line_no']}: ") and "1753" in p.why["line"]
    assert explain({"symptom": None}) == ["no RPC symptom recognised"]


def test_parse_prints_why(tmp_path, capsys):
    path = tmp_path / "firewall.log"
    path.write_text("[03/05/2021 03:11:04.0213] [1] 0.  ErrorRecord: System.Runtime.InteropServices.COMException "
                    "(0x800706D9): There are no more endpoints available from the endpoint mapper.\n"
                    "   at Interop.NetFw.INetFwRules.Add(NetFwRule rule)\n")
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "why:       no RPC symptom recognised" in out and "weak choice: ad-replication-1753 (line 1)" in out
    assert main(["parse", str(path), "--format", "json"]) == 0
    assert '"weak": [' in capsys.readouterr().out
