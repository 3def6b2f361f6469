"""The probe contract: names, parameters, outcomes and exported facts.

Pure data, so that flow validation (wizard/engine) can check a flow without importing any I/O.
Every probe may also give the common outcomes `error` and `skipped` (wizard/engine/results.py).
"""

from __future__ import annotations

from dataclasses import dataclass

DRS_UUID = "e3514235-4b06-11d1-ab04-00c04fc2dcd2"
# AD DC well-known ports (document 000's table; they are not registered with the endpoint mapper)
AD_WELL_KNOWN = (53, 88, 135, 389, 445, 636, 3268, 3269)
AD_PORTS = "ad"  # in a ports list: the AD well-known ports
ADVERTISED = "advertised"  # in a ports list: every ncacn_ip_tcp endpoint the endpoint mapper lists
_NTDS_SETTINGS_DN = "\"CN=NTDS Settings,CN=[source DC],CN=Servers,CN=[site],CN=Sites,CN=Configuration,[forest DN]\""


@dataclass(frozen=True)
class ProbeSpec:
    name: str
    description: str
    params: tuple[str, ...]  # parameters a flow node may pass (templated from the context)
    outcomes: tuple[str, ...]  # the probe's own outcomes
    facts: tuple[str, ...] = ()  # context keys the probe sets for later nodes
    command: str = ""  # the Windows equivalent: a template over the params, rendered by the engine's quoting
    # the params `check` refuses to run without: at least those without a default in the probe's function;
    # in a flow a missing value arrives as None and the probe says what it could not do
    required: tuple[str, ...] = ()
    by_person: bool = False  # a question for the person, not a check anyone can run


CATALOG: dict[str, ProbeSpec] = {
    s.name: s
    for s in (
        ProbeSpec(
            "dns_cname",
            "Resolve <objectGUID>._msdcs.<forest> on each DNS server: does the CNAME lead to the intended DC?",
            ("guid", "forest", "target", "dns_servers"),
            ("matches-target", "other-host", "missing"),
            ("cname_target",),
            "nslookup -type=cname {guid}._msdcs.{forest} {dns_server}",
            required=("guid", "forest", "target"),
        ),
        ProbeSpec(
            "dns_host",
            "Resolve the host's A/AAAA on each DNS server, the system resolver and the hosts/LMHOSTS files.",
            ("host", "dns_servers", "hosts_file"),
            ("resolved", "not-found"),
            # what a fix names (wizard.verdicts.dns): the record, its zone and the DNS server that answered with it,
            # or the HOSTS/LMHOSTS line
            ("address", "resolved_from", "addresses", "dns_record", "dns_record_type", "dns_zone",
             "dns_record_server", "hosts_file_name", "hosts_line"),
            "nslookup {host} {dns_server}",
            required=("host",),
        ),
        ProbeSpec(
            "identity",
            "Who really answers at an address: NetBIOS node status, SMB/NTLM names, LDAP rootDSE.",
            ("address", "expected", "addresses"),
            ("match", "mismatch", "silent"),
            ("answered_by", "address"),
            "nbtstat -A {address}",
            required=("address", "expected"),
        ),
        ProbeSpec(
            "resolution_source",
            "Where the address came from: a hosts/LMHOSTS file or DNS (decided from earlier evidence).",
            ("resolved_from",),
            ("hosts-file", "dns"),
            (),
            "type %SystemRoot%\\System32\\drivers\\etc\\hosts",
            required=("resolved_from",),
        ),
        ProbeSpec(
            "epm_map",
            "Ask the endpoint mapper on TCP 135 for one interface's ncacn_ip_tcp endpoint (DRS by default).",
            ("address", "interface"),
            ("registered", "not-registered", "filtered", "refused", "unreachable"),
            ("endpoint_port",),
            "portqry -n {address} -e 135",
            required=("address",),
        ),
        ProbeSpec(
            "epm_lookup",
            "List everything registered with the endpoint mapper, with interface names.",
            ("address",),
            ("listed", "empty", "filtered", "refused", "unreachable"),
            ("endpoints",),
            "portqry -n {address} -e 135",
            required=("address",),
        ),
        ProbeSpec(
            "tcp_ports",
            "TCP connects in portqry's three states: LISTENING, NOT LISTENING, FILTERED.",
            ("address", "ports"),
            ("listening", "not-listening", "filtered", "unreachable"),
            (),
            "portqry -n {address} -o {ports}",
            required=("address", "ports"),
        ),
        ProbeSpec(
            "ntds_lookup",
            "Find the objectGUID of the source DC's NTDS Settings as the destination DC sees it (LDAP).",
            ("target", "dest", "guid", "dns_servers"),
            ("found",),
            ("guid",),
            "repadmin /showobjmeta {dest} " + _NTDS_SETTINGS_DN,
            required=("target", "dest"),
        ),
        ProbeSpec(
            "ntds_guid",
            "Compare that objectGUID with the one the source DC holds for itself (its rootDSE).",
            ("address", "target", "guid"),
            ("match", "mismatch"),
            ("ntds_guid",),
            "repadmin /showobjmeta {target} " + _NTDS_SETTINGS_DN,
            required=("address", "target", "guid"),
        ),
        ProbeSpec(
            "rpc_port_config",
            "Read HKLM\\Software\\Microsoft\\Rpc\\Internet (Ports, PortsInternetAvailable, UseInternetPorts).",
            ("address", "expected", "dns_servers"),
            ("default", "valid", "too-small", "invalid"),
            (),
            "reg query \\\\{address}\\HKLM\\Software\\Microsoft\\Rpc\\Internet",
        ),
        ProbeSpec(
            "epm_transports",
            "Which protocols the endpoint mapper lists an interface on: ncacn_ip_tcp, or named pipes only.",
            ("address", "interface"),
            ("tcp", "np-only", "not-registered", "filtered", "refused", "unreachable"),
            ("endpoint_port",),
            "portqry -n {address} -e 135",
            required=("address",),
        ),
        ProbeSpec(
            "client_protocols",
            "Read HKLM\\Software\\Microsoft\\Rpc\\ClientProtocols on the RPC client: its five default values.",
            ("address", "expected", "dns_servers"),
            ("complete", "incomplete", "absent"),
            (),
            "reg query \\\\{address}\\HKLM\\Software\\Microsoft\\Rpc\\ClientProtocols",
        ),
        ProbeSpec(
            "valid_ports",
            "Read the RPC proxy's HKLM\\Software\\Microsoft\\Rpc\\RpcProxy ValidPorts: the server's NetBIOS "
            "name and FQDN for each port.",
            ("address", "expected", "server", "ports", "dns_servers"),
            ("complete", "incomplete", "absent"),
            (),
            "reg query \\\\{address}\\HKLM\\Software\\Microsoft\\Rpc\\RpcProxy /v ValidPorts",
            required=("server",),
        ),
        ProbeSpec(
            "ntds_port",
            "Read the directory service's fixed port (NTDS Parameters \"TCP/IP Port\"): taken by another "
            "process, outside the dynamic range, or fine.",
            ("address", "expected", "dynamic_range", "dns_servers"),
            ("none", "in-use", "outside-range", "in-range"),
            ("fixed_port",),
            "reg query \\\\{address}\\HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters "
            "/v \"TCP/IP Port\"",
        ),
        ProbeSpec(
            "rpc_services",
            "State and start type of NTDS, RpcSs and RpcLocator (service control manager), against document "
            "000's defaults.",
            ("address", "expected", "dns_servers"),
            ("defaults", "differ", "absent"),
            (),
            "sc \\\\{address} qc RpcSs",
        ),
        ProbeSpec(
            "source_guid",
            "Read the source DC's own NTDS Settings objectGUID (anonymous rootDSE) and compare it with the GUID "
            "the destination DC uses.",
            ("target", "guid", "dns_servers"),
            ("same", "different"),
            ("ntds_guid",),
            "repadmin /showrepl {target}",
            required=("target", "guid"),
        ),
        ProbeSpec(
            "ask",
            "A question only the person can answer (a version, a setting no probe can see): the node's `ask`.",
            ("question",),
            ("yes", "no"),
            (),
            "",
            by_person=True,
        ),
        ProbeSpec(
            "dc_locator",
            "Find the forest's DCs: the _ldap._tcp.dc._msdcs.<forest> SRV records on each DNS server.",
            ("forest", "dns_servers"),
            ("found", "none"),
            ("dcs",),
            "nslookup -type=srv _ldap._tcp.dc._msdcs.{forest} {dns_server}",
            required=("forest",),
        ),
        ProbeSpec(
            "dc_guid",
            "Read a DC's own NTDS Settings objectGUID from its rootDSE (anonymous).",
            ("host", "dns_servers"),
            ("found",),
            ("guid",),
            "repadmin /showrepl {host}",
            required=("host",),
        ),
        ProbeSpec(
            "ntds_list",
            "List every DC the directory knows (NTDS Settings objects with their objectGUIDs), signed in.",
            ("address", "forest"),
            ("found",),
            ("directory_dcs",),
            "repadmin /viewlist *",
            required=("address",),
        ),
        ProbeSpec(
            "repl_status",
            "Read a DC's inbound replication partners per naming context (repsFrom over LDAP, signed in).",
            ("host", "address"),
            ("healthy", "failing"),
            ("partners",),
            "repadmin /showrepl {host} /csv",
            required=("host",),
        ),
    )
}

# What `rpc-wizard check` and the palette offer: every probe but the questions for the person.
CHECKS: dict[str, ProbeSpec] = {name: spec for name, spec in CATALOG.items() if not spec.by_person}
