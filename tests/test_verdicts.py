"""The verdicts' rules (wizard/verdicts), property-tested: one rule whatever gathered the observation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wizard.engine.catalog import CATALOG, DRS_UUID
from wizard.engine.results import COMMON_OUTCOMES
from wizard.verdicts import dns, endpoints, guids, identity, ports, services
from wizard.verdicts.declared import DECLARED

STATUSES = ("ok", "nxdomain", "nodata", "timeout", "error")
ADDRESSES = st.sampled_from(["198.51.100.20", "198.51.100.30", "2001:db8::30"])
SERVERS = st.lists(st.sampled_from(["198.51.100.10", "198.51.100.11", dns.SYSTEM]), min_size=1, max_size=3,
                   unique=True)


def allowed(probe: str, outcome: str) -> bool:
    return outcome in CATALOG[probe].outcomes + COMMON_OUTCOMES


# --- port states --------------------------------------------------------------------------------------

@given(st.lists(st.sampled_from(ports.STATES), min_size=1, max_size=8))
def test_the_worst_port_decides_whatever_the_order(states):
    seen = ports.PortStates("198.51.100.30", {1000 + i: ports.PortState(s) for i, s in enumerate(states)})
    outcome = ports.tcp_ports(seen).outcome
    assert allowed("tcp_ports", outcome)
    assert outcome == ports.worst(list(reversed(states)))
    assert (outcome == "listening") == all(s == ports.LISTENING for s in states)
    if ports.UNREACHABLE in states:
        assert outcome == "unreachable"
    # Test-NetConnection's "False" never claims a refusal: a refusal would prove the host is up
    if set(states) == {ports.EITHER}:
        assert outcome == "filtered"


@given(st.sampled_from(ports.STATES))
def test_135_decides_the_endpoint_mapper_checks_only_when_it_is_not_listening(state):
    dead = ports.port_135("198.51.100.30", state)
    assert (dead is None) == (state == ports.LISTENING)
    if dead:
        assert all(allowed(p, dead.outcome) for p in ("epm_map", "epm_lookup", "epm_transports"))
        assert ports.EPM_WORD[dead.outcome] == (ports.FILTERED if state == ports.EITHER else state)


# --- DNS ----------------------------------------------------------------------------------------------

def replies():
    return st.builds(lambda status, answers: dns.DnsReply(status, tuple(answers) if status == "ok" else ()),
                     st.sampled_from(STATUSES), st.lists(ADDRESSES, min_size=1, max_size=2))


@given(SERVERS.flatmap(lambda servers: st.fixed_dictionaries(
    {s: st.fixed_dictionaries({"A": replies(), "AAAA": replies()}) for s in servers})))
def test_dns_host_not_found_only_when_every_deciding_server_says_so(per_server):
    servers = list(per_server)
    deciding = dns.deciding(servers)
    found = dns.dns_host(dns.HostLookup("dc2.lab.example", per_server, deciding))
    assert allowed("dns_host", found.outcome)
    any_address = any(r.answers for types in per_server.values() for r in types.values())
    assert (found.outcome == "resolved") == any_address
    if found.outcome == "not-found":
        for server in deciding:
            statuses = {r.status for r in per_server[server].values()}
            assert "nxdomain" in statuses or statuses <= {"nxdomain", "nodata"}
    # the servers' order changes which address is named, never the outcome
    backwards = dict(reversed(list(per_server.items())))
    assert dns.dns_host(dns.HostLookup("dc2.lab.example", backwards, deciding)).outcome == found.outcome


@given(st.lists(st.sampled_from(["nxdomain", "nodata", "timeout"]), min_size=1, max_size=3))
def test_a_pasted_nslookup_is_judged_like_a_live_one(statuses):
    """The issue's disagreement: a paste said not-found on any single nxdomain. Now every server pasted must."""
    servers = [f"192.0.2.{10 + i}" for i in range(len(statuses))]
    pasted = {s: {"A+AAAA": dns.DnsReply(st_)} for s, st_ in zip(servers, statuses, strict=True)}
    live = {s: {"A": dns.DnsReply(st_), "AAAA": dns.DnsReply("nodata" if st_ != "timeout" else "timeout")}
            for s, st_ in zip(servers, statuses, strict=True)}
    one = dns.dns_host(dns.HostLookup("dc9.lab.example", pasted, tuple(servers))).outcome
    other = dns.dns_host(dns.HostLookup("dc9.lab.example", live, dns.deciding(servers))).outcome
    assert one == other == ("error" if "timeout" in statuses else "not-found")


def test_a_hosts_line_beats_dns_and_is_named():
    line = dns.HostsLine(r"C:\Windows\System32\drivers\etc\lmhosts", 7, "198.51.100.20 DC2 #PRE", ("198.51.100.20",))
    found = dns.dns_host(dns.HostLookup("dc2.lab.example", {"198.51.100.10": {"A": dns.DnsReply(
        "ok", ("198.51.100.30",))}}, ("198.51.100.10",), (line,)))
    assert (found.outcome, found.facts["resolved_from"], found.facts["address"]) == ("resolved", "hosts-file",
                                                                                    "198.51.100.20")
    assert (found.facts["hosts_file_name"], found.facts["hosts_line"]) == ("lmhosts", 7)
    assert "198.51.100.30" in found.summary  # DNS's own answer is still said


def test_a_record_in_dns_names_its_zone_and_the_named_server_that_holds_it():
    per_server = {"198.51.100.10": {"A": dns.DnsReply("nxdomain")},
                  "198.51.100.11": {"A": dns.DnsReply("ok", ("198.51.100.20",))},
                  dns.SYSTEM: {"A": dns.DnsReply("ok", ("198.51.100.20",))}}
    found = dns.dns_host(dns.HostLookup("DC2.Lab.Example.", per_server, dns.deciding(list(per_server))))
    assert {k: found.facts[k] for k in ("dns_record", "dns_zone", "dns_record_type", "dns_record_server")} == {
        "dns_record": "dc2", "dns_zone": "lab.example", "dns_record_type": "A", "dns_record_server": "198.51.100.11"}
    only_here = dns.dns_host(dns.HostLookup("dc2.lab.example", {dns.SYSTEM: per_server[dns.SYSTEM]}, (dns.SYSTEM,)))
    assert "dns_record_server" not in only_here.facts  # dnscmd needs a server's name: none is made up


HOSTS = st.sampled_from(["dc2", "DC2", "dc2.lab.example", "DC2.LAB.EXAMPLE.", "dc2.child.lab.example", "dc1",
                         "dc1.lab.example"])


@given(HOSTS, HOSTS)
def test_same_host_exact_for_fqdns_and_by_first_label_for_a_short_name(a, b):
    assert dns.same_host(a, b) == dns.same_host(b, a)
    if "." in a.rstrip(".") and "." in b.rstrip("."):
        assert dns.same_host(a, b) == (a.lower().rstrip(".") == b.lower().rstrip("."))
    else:
        assert dns.same_host(a, b) == (a.split(".")[0].lower() == b.split(".")[0].lower())


@given(st.lists(HOSTS.filter(lambda h: "." in h.rstrip(".")), max_size=3), HOSTS,
       st.sampled_from(["nxdomain", "nodata", "timeout"]))
def test_dns_cname_other_host_when_any_alias_leads_elsewhere(targets, target, failure):
    servers = {f"192.0.2.{10 + i}": dns.DnsReply("ok", (t,)) for i, t in enumerate(targets)}
    servers["192.0.2.99"] = dns.DnsReply(failure)
    found = dns.dns_cname(dns.AliasLookup("g._msdcs.lab.example", target, servers, tuple(servers)))
    assert allowed("dns_cname", found.outcome)
    if not targets:
        assert found.outcome == ("error" if failure == "timeout" else "missing")
    else:
        assert (found.outcome == "matches-target") == all(dns.same_host(t, target) for t in targets)


# --- identity, services, GUIDs, endpoints ---------------------------------------------------------

NAMES = st.sampled_from(["DC2", "dc2", "dc2.lab.example", "MEMBER1", "member1.lab.example"])


@given(st.dictionaries(st.sampled_from(identity.PROTOCOLS), NAMES, max_size=3), NAMES)
def test_identity_matches_only_when_every_protocol_names_the_host(claimed, expected):
    found = identity.identity(identity.Identity(expected, (identity.NamesHeard("198.51.100.30", claimed),)))
    assert allowed("identity", found.outcome)
    want = expected.split(".")[0].upper()
    if not claimed:
        assert found.outcome == "silent"
    elif all(n.split(".")[0].upper() == want for n in claimed.values()):
        assert found.outcome == "match" and found.facts["answered_by"] == want
    else:
        assert found.outcome == "mismatch" and found.facts["answered_by"] != want


WORDS = st.sampled_from(["", "running", "stopped", "automatic", "manual", "disabled"])


@given(st.dictionaries(st.sampled_from(list(services.DEFAULTS)),
                       st.one_of(st.none(), st.builds(services.ServiceConfig, WORDS, WORDS)), min_size=1))
def test_services_differ_only_for_a_word_seen_that_is_not_the_default(seen):
    found = services.rpc_services(services.ServiceConfigs("dc2", seen))
    assert allowed("rpc_services", found.outcome)
    present = {n: s for n, s in seen.items() if s is not None}
    wrong = [n for n, s in present.items() if (s.state and s.state not in services.DEFAULTS[n][1])
             or (s.start_type and s.start_type not in services.DEFAULTS[n][2])]
    expected = "absent" if not present else "differ" if wrong else "defaults"
    assert found.outcome == expected


@given(st.uuids(), st.uuids(), st.booleans())
def test_guid_comparison_ignores_case_and_braces(a, b, braces):
    given_ = f"{{{str(a).upper()}}}" if braces else str(a)
    same = guids.ntds_guid(guids.GuidComparison(given_, str(a), "dc2")).outcome
    other = guids.ntds_guid(guids.GuidComparison(given_, str(b), "dc2")).outcome
    assert same == "match" and other == ("match" if a == b else "mismatch")
    assert guids.source_guid(guids.GuidComparison(str(a), str(a).upper(), "dc2")).outcome == "same"


ENTRY = st.fixed_dictionaries({"uuid": st.sampled_from([DRS_UUID, "12345678-1234-abcd-ef00-01234567cffb"]),
                               "protocol": st.sampled_from(["ncacn_ip_tcp", "ncacn_np", "ncalrpc"]),
                               "port": st.sampled_from([None, 49668]), "annotation": st.just(""),
                               "binding": st.just("ncacn_ip_tcp:198.51.100.30[49668]")})


@given(st.lists(ENTRY, max_size=6), st.booleans())
def test_an_interface_missing_from_a_list_that_did_not_end_is_no_verdict(entries, complete):
    drs = DRS_UUID
    seen = endpoints.EndpointList("198.51.100.30", tuple(entries), complete)
    on_tcp = any(e["uuid"] == drs and e["protocol"] == "ncacn_ip_tcp" and e["port"] for e in entries)
    for verdict, probe in ((endpoints.epm_transports, "epm_transports"), (endpoints.epm_map_list, "epm_map")):
        outcome = verdict(seen, drs).outcome
        assert allowed(probe, outcome)
        if on_tcp:
            assert outcome in ("tcp", "registered")
        elif not complete:
            assert outcome == "error"
        else:
            assert outcome in ("np-only", "not-registered")


def test_every_declared_verdict_stays_in_its_probes_vocabulary():
    for name, declared in DECLARED.items():
        assert set(declared.good) | set(declared.bad) <= set(CATALOG[name].outcomes), name
        assert not set(declared.good) & set(declared.bad), name
