"""Parity on the lab: for each check with a Windows command, the observation a live run makes and the one
read from that command's output, in the same lab state, get the same outcome from the same verdict.

The lab has no Windows, so each command's output is produced from what the lab really holds, in the
layout of the Windows outputs kept in tests/parsers/samples/ (named per producer below):
- nslookup: BIND's `host` asks the same DNS server from the client namespace (real output); its answers
  are written as Windows nslookup prints them (nslookup_host.txt, nslookup_cname.txt).
- nbtstat -A: Samba's `nmblookup -A` asks the address (real output); its name table is written in
  nbtstat's layout (nbtstat_A.txt).
- portqry's port lines: a bash /dev/tcp connect within 2 s (connected, refused, timed out: real), in
  portqry's three words (portqry_ports.txt, portqry_135_filtered.txt).
- portqry -e 135's endpoint list: no Linux tool prints Samba's list (impacket's rpcdump.py drops all of it
  when the lookup ends with ept_s_not_registered: README), so it is the list ept_lookup returned to the
  wizard's own epm_lookup, in portqry's layout (portqry_e135.txt). epm_map's live side asks ept_map
  instead, so that pair still compares two different readings.
- reg query: Samba's `net registry enumerate` on the computer itself (real output; a key it cannot open
  is reg's "unable to find"), in reg query's layout (reg_client_protocols.txt, reg_ntds_port.txt, ...).
- sc qc: Samba's `net rpc service status` on the DC, signed in with its machine account (real output:
  WERR_SERVICE_DOES_NOT_EXIST is sc's FAILED 1060), in sc's layout (sc_no_ntds.txt).
- repadmin /showrepl: `samba-tool drs showrepl` on the DC (real output, read as it is: the same lines).
- repadmin /showattr objectGUID: the DSA object GUID `samba-tool drs showrepl` on the destination prints for
  its neighbour (real), written in /showattr's layout (showobjmeta_ntds.txt).
"""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.probes.conftest import TIMEOUT
from wizard.engine.catalog import DRS_UUID
from wizard.lab.provision import smb_conf
from wizard.lab.runner import netns_argv
from wizard.lab.topology import DC1, DC2, EXCH1, HostSpec
from wizard.parsers.answer import READERS, answer_from_paste
from wizard.probes.run import run_probe
from wizard.probes.session import Credentials, Session
from wizard.verdicts.declared import DECLARED
from wizard.verdicts.ports import FILTERED, LISTENING, NOT_LISTENING

pytestmark = pytest.mark.lab

# the checks whose outcome a paste can give: a verdict, and a reader of its command's output
PARITY = {"dns_host", "dns_cname", "identity", "tcp_ports", "epm_map", "epm_lookup", "epm_transports",
          "rpc_port_config", "client_protocols", "valid_ports", "ntds_port", "rpc_services", "ntds_guid", "source_guid"}


def test_every_check_with_a_verdict_and_a_paste_reader_is_compared_here():
    assert PARITY == {p for p, d in DECLARED.items() if d.verdict is not None and p in READERS}


def tool(argv: list[str], netns: str | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(netns_argv(netns, argv) if netns else argv, capture_output=True, text=True,
                          timeout=timeout)


def same(probe: str, session: Session, pasted: str, **params) -> tuple[str, str]:
    """(live outcome, pasted outcome) for one check in the lab's present state."""
    live = run_probe(probe, params, session)
    answer = answer_from_paste(probe, pasted, params)
    assert answer is not None, f"{probe}: the produced output was not read:\n{pasted}"
    assert live.outcome not in ("error", "skipped"), live.summary
    return live.outcome, answer[0]


# --- producers ----------------------------------------------------------------------------------------

def nslookup(name: str, server: str, rdtype: str | None = None) -> str:
    """BIND `host` asks `server` (A and AAAA, as nslookup does without -type); written as nslookup prints."""
    said = "".join(tool(["host", "-W", "2", "-t", t, name, server]).stdout for t in ([rdtype] if rdtype else
                                                                                   ["A", "AAAA"]))
    head = [f"C:\\>nslookup {'-type=' + rdtype.lower() + ' ' if rdtype else ''}{name} {server}"]
    if "timed out" in said or "no servers could be reached" in said:
        return "\n".join(head + ["DNS request timed out.", "    timeout was 2 seconds.", "Server:  UnKnown",
                                 f"Address:  {server}", "", "*** Request to UnKnown timed-out", ""])
    head += ["Server:  UnKnown", f"Address:  {server}", ""]
    alias = re.search(r" is an alias for (\S+?)\.?$", said, re.M)
    addresses = re.findall(r" has (?:IPv6 )?address (\S+)$", said, re.M)
    if alias:
        return "\n".join(head + [f"{name}\tcanonical name = {alias.group(1)}", ""])
    if addresses:
        lines = [f"Name:    {name}", f"Address{'es' if len(addresses) > 1 else ''}:  {addresses[0]}"]
        return "\n".join(head + lines + [f"          {a}" for a in addresses[1:]] + [""])
    why = "Non-existent domain" if "NXDOMAIN" in said else "No answer"
    return "\n".join(head + [f"*** UnKnown can't find {name}: {why}", ""])


def nbtstat(address: str, client: str) -> str:
    """Samba's nmblookup -A asks the address; its name table written as nbtstat -A prints it."""
    said = tool(["nmblookup", "-A", address]).stdout
    rows = re.findall(r"^\s+(\S+)\s+<([0-9a-f]{2})> -\s+(<GROUP>)?", said, re.M | re.I)
    head = [f"C:\\>nbtstat -A {address}", "", "Ethernet0:", f"Node IpAddress: [{client}] Scope Id: []", ""]
    if not rows:
        return "\n".join(head + ["    Host not found.", ""])
    table = [f"    {name:<14} <{suffix.upper()}>  {'GROUP' if group else 'UNIQUE':<11} Registered"
             for name, suffix, group in rows]
    return "\n".join(head + ["           NetBIOS Remote Machine Name Table", "",
                             "       Name               Type         Status",
                             "    ---------------------------------------------", *table, ""])


def port_word(address: str, port: int) -> str:
    """portqry's word for a real connect: connected, refused (a reset), or nothing within 2 s."""
    proc = tool(["timeout", "2", "bash", "-c", f"exec 3<>/dev/tcp/{address}/{port}"])
    if proc.returncode == 0:
        return LISTENING
    return NOT_LISTENING if "refused" in proc.stderr.lower() else FILTERED


def portqry_ports(address: str, ports: list[int]) -> str:
    lines = [f"C:\\PortQryV2>portqry -n {address} -o {','.join(map(str, ports))}", "",
             "Querying target system called:", "", f" {address}", "", "querying...", ""]
    for port in ports:
        lines += [f"TCP port {port} (unknown service): {port_word(address, port)}", ""]
    return "\n".join(lines)


def portqry_e135(address: str, session: Session) -> str:
    word = port_word(address, 135)
    lines = [f"C:\\PortQryV2>portqry -n {address} -e 135", "", "Querying target system called:", "",
             f" {address}", "", "querying...", "", f"TCP port 135 (epmap service): {word}", ""]
    if word != LISTENING:
        return "\n".join(lines)
    listed = run_probe("epm_lookup", {"address": address}, session).evidence["endpoints"]
    lines += ["Using ephemeral source port", "Querying Endpoint Mapper Database...", "Server's response:", ""]
    for entry in listed:
        lines += [f"UUID: {entry['uuid']} {entry['annotation']}".rstrip(), entry["binding"], ""]
    return "\n".join(lines + [f"Total endpoints found: {len(listed)}", "", "",
                              "==== End of RPC Endpoint Mapper query response ===="])


def reg_query(spec: HostSpec, key: str) -> str:
    """Samba's net registry enumerate on the computer; written as reg query \\\\host\\key prints it."""
    proc = tool(["net", "-s", str(smb_conf(spec)), "registry", "enumerate", key], spec.netns)
    head = [f"C:\\>reg query \\\\{spec.fqdn}\\{key}", ""]
    if proc.returncode != 0:
        return "\n".join(head + ["ERROR: The system was unable to find the specified registry key or value.", ""])
    lines = ["HKEY_LOCAL_MACHINE\\" + key.split("\\", 1)[1]]
    for block in proc.stdout.strip().split("\n\n"):
        named = re.search(r"^Valuename\s*=\s*(.*)$", block, re.M)
        if not named:
            continue  # a subkey's block (Keyname, Modtime), or an empty key
        name = named.group(1)
        kind = re.search(r"^Type\s*=\s*(\S+)", block, re.M).group(1)
        data = [v.strip('"') for v in re.findall(r"^Value(?:\[\d+\])?\s*=\s*(.*)$", block, re.M)]
        text = "\\0".join(data) if kind == "REG_MULTI_SZ" else hex(int(data[0])) if kind == "REG_DWORD" else data[0]
        lines.append(f"    {name}    {kind}    {text}")
    return "\n".join(head + lines + [""])


def sc_qc(spec: HostSpec, names: tuple[str, ...]) -> str:
    """Samba's net rpc service status per service (real); a service it cannot open is sc's FAILED 1060."""
    lines = []
    for name in names:
        said = tool(["net", "-s", str(smb_conf(spec)), "rpc", "service", "status", name, "-P", "-S", spec.fqdn],
                    spec.netns, timeout=60)
        lines += [f"C:\\>sc \\\\{spec.fqdn} qc {name}"]
        assert "WERR_SERVICE_DOES_NOT_EXIST" in said.stdout + said.stderr, said.stdout + said.stderr
        lines += ["[SC] OpenService FAILED 1060:", "", "The specified service does not exist as an installed service.",
                  ""]
    return "\n".join(lines)


# --- the checks ---------------------------------------------------------------------------------------

@pytest.fixture
def session(lab):
    return Session(timeout=TIMEOUT)


@pytest.fixture
def admin(lab):
    """Signed in; a longer wait than the probe tests' own: SMB sign-in on a busy 2-core machine shared by
    several labs has missed 2 s here, and parity is about outcomes, not time."""
    return Session(timeout=6.0, credentials=Credentials(lab.admin_user, lab.admin_password))


@pytest.mark.parametrize("fault_name", [None, "stale-a-record", "no-dns-record"])
def test_dns_host(lab, session, fault, fault_name, tmp_path):
    if fault_name:
        fault(fault_name)
    no_hosts = tmp_path / "hosts"  # the paste is DNS's answer alone; so is the live run
    no_hosts.write_text("")
    host = lab.hosts["DC2"].fqdn
    pasted = "\n".join(nslookup(host, server) for server in lab.dns_servers)
    live, paste = same("dns_host", session, pasted, host=host, dns_servers=lab.dns_servers, hosts_file=str(no_hosts))
    assert live == paste == {None: "resolved", "stale-a-record": "resolved", "no-dns-record": "not-found"}[fault_name]


@pytest.mark.parametrize(("fault_name", "guid_of", "expected"), [
    (None, "DC2", "matches-target"), (None, "DC1", "other-host"), ("stale-cname", "DC2", "missing")])
def test_dns_cname(lab, session, fault, fault_name, guid_of, expected):
    if fault_name:
        fault(fault_name)
    guid, target = lab.hosts[guid_of].ntds_guid, lab.hosts["DC2"].fqdn
    name = f"{guid}._msdcs.{lab.forest}"
    pasted = "\n".join(nslookup(name, server, "CNAME") for server in lab.dns_servers)
    live, paste = same("dns_cname", session, pasted, guid=guid, forest=lab.forest, target=target,
                       dns_servers=lab.dns_servers)
    assert live == paste == expected


@pytest.mark.parametrize(("at", "expected"), [("DC2", "match"), ("MEMBER1", "mismatch")])
def test_identity(lab, session, at, expected):
    address = lab.hosts[at].address
    live, paste = same("identity", session, nbtstat(address, lab.client_address), address=address,
                       expected=lab.hosts["DC2"].fqdn)
    assert live == paste == expected


@pytest.mark.parametrize(("fault_name", "expected"), [
    (None, "listening"), ("epm-refused", "not-listening"), ("epm-blocked", "filtered")])
def test_tcp_ports(lab, session, fault, fault_name, expected):
    if fault_name:
        fault(fault_name)
    address = lab.hosts["DC2"].address
    live, paste = same("tcp_ports", session, portqry_ports(address, [135, 389, 445]), address=address,
                       ports=[135, 389, 445])
    assert live == paste == expected


EPM = {  # fault, host -> epm_map, epm_transports, epm_lookup
    (None, "DC2"): ("registered", "tcp", "listed"),
    (None, "MEMBER1"): ("not-registered", "not-registered", "empty"),  # Samba without a directory lists nothing
    ("ds-stopped", "DC2"): ("not-registered", "not-registered", "listed"),
    ("epm-refused", "DC2"): ("refused", "refused", "refused"),
    ("epm-blocked", "DC2"): ("filtered", "filtered", "filtered"),
}


@pytest.mark.parametrize(("fault_name", "at"), list(EPM))
def test_endpoint_mapper_checks(lab, session, fault, fault_name, at):
    if fault_name:
        fault(fault_name)
    address = lab.hosts[at].address
    pasted = portqry_e135(address, Session(timeout=TIMEOUT))
    seen = [same(probe, Session(timeout=TIMEOUT), pasted, address=address, interface=DRS_UUID)
            for probe in ("epm_map", "epm_transports")]
    seen.append(same("epm_lookup", Session(timeout=TIMEOUT), pasted, address=address))
    assert [live for live, _ in seen] == [paste for _, paste in seen] == list(EPM[fault_name, at])


RPC_INTERNET = "HKLM\\Software\\Microsoft\\Rpc\\Internet"
CLIENT_PROTOCOLS = "HKLM\\Software\\Microsoft\\Rpc\\ClientProtocols"
RPC_PROXY = "HKLM\\Software\\Microsoft\\Rpc\\RpcProxy"
NTDS_PARAMETERS = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters"


@pytest.mark.parametrize(("fault_name", "expected"), [
    (None, ("default", "complete", "none")), ("port-range-small", ("too-small", "complete", "none")),
    ("client-protocols-missing", ("default", "incomplete", "none")),
    # fixed-port-conflict is left out: a paste cannot see who holds the port (the verdict says so; the
    # live check connects to it), so there the two rightly differ
    ("fixed-port-outside", ("default", "complete", "outside-range"))])
def test_registry_checks(lab, admin, fault, fault_name, expected):
    if fault_name:
        fault(fault_name)
    target = {"expected": DC2.fqdn, "dns_servers": lab.dns_servers}
    seen = [same("rpc_port_config", admin, reg_query(DC2, RPC_INTERNET), **target),
            same("client_protocols", admin, reg_query(DC2, CLIENT_PROTOCOLS), **target),
            same("ntds_port", admin, reg_query(DC2, NTDS_PARAMETERS), **target)]
    assert [live for live, _ in seen] == [paste for _, paste in seen] == list(expected)


@pytest.mark.parametrize(("fault_name", "expected"), [(None, "complete"), ("validports-missing", "absent")])
def test_valid_ports(lab, admin, fault, fault_name, expected):
    if fault_name:
        fault(fault_name)
    live, paste = same("valid_ports", admin, reg_query(EXCH1, RPC_PROXY), server=EXCH1.fqdn, expected=EXCH1.fqdn,
                       dns_servers=lab.dns_servers)
    assert live == paste == expected


def test_rpc_services(lab, admin):
    pasted = sc_qc(DC2, ("NTDS", "RpcSs", "RpcLocator"))
    live, paste = same("rpc_services", admin, pasted, expected=DC2.fqdn, dns_servers=lab.dns_servers)
    assert live == paste == "absent"  # Samba has none of them: document 000's table does not apply


@pytest.mark.parametrize(("guid_of", "expected"), [("DC2", "match"), ("DC1", "mismatch")])
def test_ntds_guid(lab, session, guid_of, expected):
    said = tool(["samba-tool", "drs", "showrepl", "-s", str(smb_conf(DC2)), "-P"], DC2.netns, timeout=60).stdout
    pasted = f"C:\\>repadmin /showrepl {DC2.fqdn}\n\n{said}"
    live, paste = same("ntds_guid", session, pasted, address=lab.hosts["DC2"].address, target=DC2.fqdn,
                       guid=lab.hosts[guid_of].ntds_guid)
    assert live == paste == expected


@pytest.mark.parametrize(("guid_of", "expected"), [("DC2", "same"), ("DC1", "different")])
def test_source_guid(lab, session, guid_of, expected):
    said = tool(["samba-tool", "drs", "showrepl", "-s", str(smb_conf(DC2)), "-P"], DC2.netns, timeout=60).stdout
    pasted = f"C:\\>repadmin /showrepl {DC2.fqdn}\n\n{said}"
    live, paste = same("source_guid", session, pasted, target=DC2.fqdn, guid=lab.hosts[guid_of].ntds_guid,
                       dns_servers=lab.dns_servers)
    assert live == paste == expected


def test_ntds_lookup_reads_the_same_guid(lab, admin):
    """The GUID DC1 holds for DC2's NTDS Settings: live over LDAP, and from `samba-tool drs showrepl` on DC1
    (its inbound neighbour DC2's DSA object GUID: real output) written as repadmin /showattr prints it."""
    said = tool(["samba-tool", "drs", "showrepl", "-s", str(smb_conf(DC1)), "-P"], DC1.netns, timeout=60).stdout
    neighbour = re.search(r"\\DC2 via RPC\s*\n\s*DSA object GUID: (\S+)", said)
    assert neighbour, said
    dn = "CN=NTDS Settings,CN=DC2,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,DC=lab,DC=example"
    pasted = (f"C:\\>repadmin /showattr {DC1.fqdn} \"{dn}\" /atts:objectGUID\n\nDN: {dn}\n"
              f"    1> objectGUID: {neighbour.group(1)}\n")
    assert run_probe("identity", {"address": lab.hosts["DC1"].address, "expected": DC1.fqdn}, admin).outcome == "match"
    live = run_probe("ntds_lookup", {"target": DC2.fqdn, "dest": DC1.fqdn, "dns_servers": lab.dns_servers}, admin)
    answer = answer_from_paste("ntds_lookup", pasted, {"target": DC2.fqdn, "dest": DC1.fqdn})
    assert (live.outcome, live.facts["guid"]) == (answer[0], answer[1]["guid"]) == ("found", lab.hosts["DC2"].ntds_guid)


# checks with a Windows command that no paste answers, and why (the declaration says the same)
NOT_COMPARED = {
    "resolution_source": "decided from dns_host's evidence: its own paste (nslookup) is compared above",
    "dc_locator": "a sweep runs it live only; no paste reader",
    "dc_guid": "a sweep runs it live only; no paste reader",
    "ntds_list": "a sweep runs it live only; no paste reader",
    "repl_status": "a pasted repadmin /showrepl * /csv fills the replication matrix, not a step: "
                   "tests/diagnose/test_replication_lab.py reads the same pairs live",
}


def test_every_check_with_a_windows_command_is_compared_or_says_why():
    from wizard.engine.catalog import CATALOG

    commanded = {name for name, spec in CATALOG.items() if spec.command}
    compared = PARITY | {"ntds_lookup"}
    assert commanded == compared | set(NOT_COMPARED)
    assert not compared & set(NOT_COMPARED)
    for name in NOT_COMPARED:
        assert DECLARED[name].paste is None and DECLARED[name].why_not.get("paste")
