"""The pictures: RPC workflow, name chain and evidence tables, drawn from real walks with plain rich."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from wizard.engine import Walk, load_flows
from wizard.engine.catalog import CATALOG, DRS_UUID
from wizard.engine.results import ProbeResult
from wizard.engine.walk import Step
from wizard.tui.widgets import evidence as evidence_module
from wizard.tui.widgets.evidence import OUTCOME_STYLE, outcome_style, render_evidence
from wizard.tui.widgets.name_chain import Link, chain_links, render_chain
from wizard.tui.widgets.rpc_workflow import STEPS, broken_step, reached_step, render_workflow

FLOWS = load_flows()
REPL = "ad-replication-1753"
JOIN = "domain-join-0x6d9"
GUID = "6f1c2d3e-1111-2222-3333-444455556666"
CTX = {"target": "dc2.contoso.com", "dest": "dc1.contoso.com", "forest": "contoso.com",
       "dns_servers": ["10.0.0.1", "10.0.0.2"], "guid": GUID}
HOSTILE = "\x1b[2J\x9b31m[bold red]x[/]\x07"


def text_of(renderable, width: int = 100) -> str:
    console = Console(record=True, width=width, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def raw_terminal_output(renderable, width: int = 100) -> str:
    """What a colour terminal would receive, escape codes of the styles included."""
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=True, color_system="truecolor").print(renderable)
    return out.getvalue()


def box_of(picture: str, needle: str) -> int:
    """The number of the workflow box whose inside holds `needle`."""
    lines = picture.splitlines()
    for y, line in enumerate(lines):
        x = line.find(needle)
        if x < 0:
            continue
        top = y
        while top > 0 and not (x < len(lines[top]) and lines[top][x] in "┌─"):
            top -= 1
        left = lines[top].rfind("┌", 0, x + 1)
        return int(lines[top + 1][left + 1])
    raise AssertionError(f"{needle!r} is not in the picture:\n{picture}")


def walk_through(path: list[tuple[str, str, dict, dict]], symptom: str = REPL, context: dict | None = None) -> Walk:
    walk = Walk(FLOWS.flow(symptom), dict(CTX if context is None else context))
    for node, outcome, evidence, facts in path:
        assert walk.node is not None and walk.node.id == node
        walk.record(ProbeResult(walk.node.probe, outcome, f"{node}: {outcome}", evidence=evidence, facts=facts))
    return walk


CNAME_OK = ("cname", "matches-target",
            {"name": f"{GUID}._msdcs.contoso.com",
             "servers": {"10.0.0.1": {"status": "ok", "answers": ["dc2.contoso.com"]},
                         "system": {"status": "nxdomain", "answers": []}}},
            {"cname_target": "dc2.contoso.com"})
HOST_OK = ("host", "resolved",
           {"host": "dc2.contoso.com", "hosts_files": {},
            "servers": {"10.0.0.1": {"A": {"status": "ok", "answers": ["10.0.0.20"]},
                                     "AAAA": {"status": "nodata", "answers": []}},
                        "10.0.0.2": {"A": {"status": "timeout", "answers": []},
                                     "AAAA": {"status": "timeout", "answers": []}}}},
           {"address": "10.0.0.20", "resolved_from": "dns", "addresses": ["10.0.0.20"]})
HEAD = [("dest-guid", "found", {"guid": GUID, "from": "given"}, {"guid": GUID}), CNAME_OK, HOST_OK]
IDENTITY_OK = ("identity", "match",
               {"address": "10.0.0.20", "expected": "dc2.contoso.com",
                "claimed": {"netbios": "DC2", "smb": "DC2", "ldap": "DC2"},
                "sources": {"netbios": ["DC2"], "smb": {"name": "DC2", "domain": "CONTOSO"},
                            "ldap": {"dnsHostName": "dc2.contoso.com"}, "tcp_135": ["LISTENING", "connected"]}},
               {"answered_by": "DC2", "address": "10.0.0.20"})
EPM_OK = ("epm", "registered",
          {"address": "10.0.0.20", "interface": DRS_UUID, "port": 49153,
           "binding": "ncacn_ip_tcp:10.0.0.20[49153]"},
          {"endpoint_port": 49153})


def port(state: str, outcome: str) -> tuple[str, str, dict, dict]:
    return ("dynamic-port", outcome,
            {"address": "10.0.0.20", "ports": {"49153": {"state": state, "detail": "measured"}}}, {})


def ad_ds_not_running() -> Walk:
    return walk_through(HEAD + [IDENTITY_OK, ("epm", "not-registered",
                                              {"address": "10.0.0.20", "interface": DRS_UUID,
                                               "status": "0x16c9a0d6"}, {})])


def stale_dns_record() -> Walk:
    mismatch = ("identity", "mismatch",
                {"address": "10.0.0.20", "expected": "dc2.contoso.com",
                 "claimed": {"netbios": "MEMBER1", "smb": "MEMBER1"},
                 "sources": {"netbios": ["MEMBER1"], "smb": {"name": "MEMBER1"}, "ldap": {"error": "FILTERED"}}},
                {"answered_by": "MEMBER1", "address": "10.0.0.20"})
    return walk_through(HEAD + [mismatch, ("impostor-drs", "not-registered", {"address": "10.0.0.20"}, {}),
                                ("mapping-source", "dns", {"resolved_from": "dns"}, {})])


def healthy() -> Walk:
    return walk_through(HEAD + [IDENTITY_OK, EPM_OK, port("LISTENING", "listening"),
                                ("ntds-guid", "match", {"given_guid": GUID, "own_guid": GUID}, {}),
                                ("port-config", "default", {"key": "absent"}, {}),
                                ("client-protocols", "complete", {"missing": []}, {}),
                                ("services", "absent", {"services": {}}, {})])


def link(walk: Walk, label: str) -> Link:
    return next(x for x in chain_links(walk) if x.label == label)


def line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


# --- the RPC workflow --------------------------------------------------------------------------

def test_ad_ds_not_running_lights_the_cause_step_and_shows_1753_between_3_and_4():
    walk = ad_ds_not_running()
    assert walk.cause.id == "ad-ds-not-running"
    picture = text_of(render_workflow(walk))
    assert broken_step(walk) == walk.cause.rpc_step
    assert box_of(picture, "broke here") == walk.cause.rpc_step
    assert box_of(picture, "no DRS entry") == 3  # where 1753 showed itself
    assert "1753 = the endpoint mapper answered (step 3) but had no entry for the interface (step 4)" in \
        " ".join(picture.split())
    assert box_of(picture, "✓ ok") == 2  # the endpoint mapper answered, so the call was made


def test_without_a_cause_step_the_break_is_inferred_from_the_epm_answer():
    walk = ad_ds_not_running()
    walk.cause = replace(walk.cause, rpc_step=None)
    picture = text_of(render_workflow(walk))
    assert broken_step(walk) == 3
    assert box_of(picture, "broke here") == 3
    assert "the cause is at step" not in picture


def test_dynamic_port_filtered_breaks_at_step_5_after_4_confirmed():
    walk = walk_through(HEAD + [IDENTITY_OK, EPM_OK, port("FILTERED", "filtered")])
    picture = text_of(render_workflow(walk))
    assert (broken_step(walk), reached_step(walk)) == (5, 4)
    assert box_of(picture, "broke here") == 5
    assert box_of(picture, "port filtered") == 5
    assert "handed out TCP 49153 (step 4), but it is FILTERED (step 5)" in " ".join(picture.split())


def test_epm_filtered_breaks_at_step_3_with_portqry_words():
    walk = walk_through(HEAD + [IDENTITY_OK, ("epm", "filtered", {"address": "10.0.0.20", "port_135": "FILTERED"},
                                              {})])
    picture = text_of(render_workflow(walk))
    assert broken_step(walk) == 3
    assert box_of(picture, "135 filtered") == 3
    assert "TCP 135 FILTERED" in picture


def test_healthy_walk_has_no_broken_step():
    walk = healthy()
    picture = text_of(render_workflow(walk))
    assert walk.cause.id == "no-fault-found"
    assert broken_step(walk) is None
    assert reached_step(walk) == 5
    assert "broke here" not in picture and "✗" not in picture
    assert picture.count("✓ ok") == 5
    assert "Every check passed" in picture


def test_in_progress_walk_breaks_nowhere_until_something_fails():
    walk = walk_through(HEAD)
    assert walk.node.id == "identity"
    assert (broken_step(walk), reached_step(walk)) == (None, 2)
    assert "So far: steps up to 2 confirmed." in text_of(render_workflow(walk))


@pytest.mark.parametrize("width", [60, 80, 100])
def test_workflow_fits_the_width_and_numbers_every_step(width):
    picture = text_of(render_workflow(ad_ds_not_running()), width)
    assert max(len(line.rstrip()) for line in picture.splitlines()) <= width
    for number in range(1, len(STEPS) + 1):
        assert box_of(picture, f"{number} {STEPS[number - 1].split()[0]}") == number


def test_narrow_panels_list_the_steps_one_a_line():
    walk = ad_ds_not_running()
    text = text_of(render_workflow(walk), 55)
    assert "┌" not in text
    assert line_with(text, "broke here").startswith(f"✗ {walk.cause.rpc_step} ")
    assert line_with(text, "no DRS entry").startswith("✗ 3 Client asks the EPM")
    assert line_with(text, "2 Client makes").startswith("✓ 2")
    assert line_with(text, "6 Server").startswith("· 6")
    assert max(len(line.rstrip()) for line in text_of(render_workflow(walk), 40).splitlines()) <= 40


# --- the name chain ----------------------------------------------------------------------------

def test_chain_of_ad_ds_not_running_shows_the_endpoint_mapper_failing():
    walk = ad_ds_not_running()
    assert [x.state for x in chain_links(walk)] == ["ok", "ok", "ok", "ok", "bad", "pending"]
    text = text_of(render_chain(walk))
    assert "✗" in line_with(text, "endpoint mapper") and "DRS not registered (1753)" in text
    assert "10.0.0.20 (from DNS 10.0.0.1)" in line_with(text, "address")
    assert "DC2 (NetBIOS, SMB, rootDSE)" in line_with(text, "who answered")
    assert "…" in line_with(text, "DRS port") and "not checked" in line_with(text, "DRS port")


def test_chain_of_stale_dns_record_names_the_impostor():
    walk = stale_dns_record()
    assert walk.cause.id == "stale-dns-record"
    who = link(walk, "who answered")
    assert who == Link("who answered", "MEMBER1 (NetBIOS, SMB), not DC2", "bad")
    text = text_of(render_chain(walk))
    assert "✗" in line_with(text, "who answered") and "MEMBER1" in line_with(text, "who answered")
    assert "(on MEMBER1)" in line_with(text, "endpoint mapper")
    picture = text_of(render_workflow(walk))
    assert box_of(picture, "broke here") == 3 and box_of(picture, "wrong host") == 3
    assert "the name leads to MEMBER1, not dc2.contoso.com" in " ".join(picture.split())


def test_healthy_chain_is_all_ok():
    walk = healthy()
    assert all(x.state == "ok" for x in chain_links(walk))
    assert link(walk, "DRS port").value == "TCP 49153 LISTENING"
    assert link(walk, "endpoint mapper").value == "DRS registered, TCP 49153"
    assert "✗" not in text_of(render_chain(walk))


def test_domain_join_chain_starts_at_the_host_name_and_reads_hosts_files():
    host = ("host", "resolved", {"host": "dc2.contoso.com", "servers": {}, "hosts_files": {"/etc/hosts": ["10.9.9.9"]}},
            {"address": "10.9.9.9", "resolved_from": "hosts-file", "addresses": ["10.9.9.9"]})
    walk = walk_through([host], JOIN, {k: v for k, v in CTX.items() if k != "guid"})
    links = chain_links(walk)
    assert links[0].label == "host name"
    assert link(walk, "address") == Link("address", "10.9.9.9 (from HOSTS file)", "ok")
    assert [x.state for x in links[2:]] == ["pending"] * 3
    assert "not checked yet" in text_of(render_chain(walk))


def test_jumped_over_links_are_skipped_not_pending():
    walk = Walk(FLOWS.flow(REPL), dict(CTX))
    walk.jump("epm")
    states = {x.label: x.state for x in chain_links(walk)}
    assert states == {"_msdcs alias": "skipped", "host name": "ok", "address": "skipped",
                      "who answered": "skipped", "endpoint mapper": "pending", "DRS port": "pending"}
    assert "–" in line_with(text_of(render_chain(walk)), "who answered")


def test_cname_to_another_host_breaks_the_alias_link():
    other = ("cname", "other-host", {"name": f"{GUID}._msdcs.contoso.com"}, {"cname_target": "olddc.contoso.com"})
    compared = ("alias-guid", "different", {"destination_guid": GUID, "source_guid": "1" * 8 + GUID[8:]}, {})
    walk = walk_through(HEAD[:1] + [other, compared])
    assert walk.cause.id == "stale-ntds-settings"
    alias = link(walk, "_msdcs alias")
    # source_guid said the GUID the destination uses is not the source's own: the alias link says so too
    assert alias.state == "bad" and "→ olddc.contoso.com (stale GUID" in alias.value
    assert box_of(text_of(render_workflow(walk)), "wrong alias") == 3


# --- evidence tables ---------------------------------------------------------------------------

def step(probe: str, outcome: str, evidence: object, **kw) -> Step:
    return Step("node", probe, outcome, "summary", evidence, **kw)


def test_dns_host_table_has_a_row_per_server_and_type_plus_files_and_conflicts():
    evidence = {**HOST_OK[2], "hosts_files": {r"C:\Windows\System32\drivers\etc\hosts": ["10.9.9.9"]},
                "conflicts": ["DNS servers disagree: 10.0.0.1=10.0.0.20, 10.0.0.2=10.0.0.21"]}
    text = text_of(render_evidence(step("dns_host", "resolved", evidence, elapsed_s=0.25)))
    assert "0.25 s" in line_with(text, "resolved")
    assert line_with(text, "10.0.0.1 A ").split()[-2:] == ["ok", "10.0.0.20"]
    assert "timeout" in line_with(text, "10.0.0.2 AAAA")
    assert "10.9.9.9" in line_with(text, "etc\\hosts")
    assert "DNS servers disagree" in line_with(text, "conflict")


def test_identity_table_has_a_row_per_protocol_and_the_expected_name():
    text = text_of(render_evidence(step("identity", "mismatch", stale_dns_record().steps[3].evidence)))
    assert "MEMBER1" in line_with(text, "NetBIOS") and "MEMBER1" in line_with(text, "SMB")
    assert "no answer: FILTERED" in line_with(text, "LDAP rootDSE")
    assert line_with(text, "expected").split()[:2] == ["expected", "DC2"]


def test_pasted_identity_with_a_list_of_names_still_renders():
    pasted = {"address": "10.0.0.20", "claimed": {"netbios": ["MEMBER1"]}, "expected": "dc2",
              "names": [{"name": "MEMBER1", "suffix": "00", "type": "UNIQUE", "status": "Registered"}]}
    text = text_of(render_evidence(step("identity", "mismatch", pasted, source="answer-file")))
    assert "MEMBER1" in line_with(text, "NetBIOS ") and "MEMBER1<00>" in text
    assert "answered by answer-file" in text


def test_epm_map_names_the_drs_interface():
    text = text_of(render_evidence(step("epm_map", "registered", EPM_OK[2])))
    assert "MS NT Directory DRS Interface" in line_with(text, "interface")
    assert "49153" in line_with(text, "port ")


def test_tcp_ports_in_portqry_words_coloured():
    evidence = {"address": "10.0.0.20", "ports": {"135": {"state": "LISTENING", "detail": "connected"},
                                                  "49153": {"state": "FILTERED", "detail": "no answer"},
                                                  "445": {"state": "NOT LISTENING", "detail": "reset"}}}
    renderable = render_evidence(step("tcp_ports", "filtered", evidence))
    text = text_of(renderable)
    assert line_with(text, "49153").split()[:2] == ["49153", "FILTERED"]
    assert "NOT LISTENING" in line_with(text, "445")
    raw = raw_terminal_output(renderable)
    assert raw.count("\x1b[") > 3  # styled, not plain


def test_long_endpoint_lists_are_cut_with_a_count():
    endpoints = [{"uuid": f"00000000-0000-0000-0000-{i:012d}", "name": f"iface {i}", "protocol": "ncacn_ip_tcp",
                  "port": 49152 + i} for i in range(500)]
    endpoints[3]["uuid"] = DRS_UUID
    text = text_of(render_evidence(step("epm_lookup", "listed", {"address": "10.0.0.20", "endpoints": endpoints,
                                                                 "tcp_ports": [49152]})))
    assert "… 460 more" in text
    assert "iface 39" in text and "iface 40 " not in text
    assert "500 endpoints at 10.0.0.20" in text


def test_unknown_probe_and_missing_evidence_use_plain_tables():
    text = text_of(render_evidence(step("ntds_guid", "mismatch", {"given_guid": GUID, "own": {"a": [1, 2]}})))
    assert GUID in line_with(text, "given_guid") and "{a: [1, 2]}" in text
    assert "No evidence recorded" in text_of(render_evidence(step("identity", "silent", {})))


def test_outcome_styles():
    assert outcome_style("registered") == outcome_style("matches-target") == "green"
    assert outcome_style("not-registered") == outcome_style("hosts-file") == "red"
    assert (outcome_style("silent"), outcome_style("error")) == ("yellow", "magenta")
    assert outcome_style("no-such-outcome") == outcome_style(["unhashable"]) == ""
    every = {o for spec in CATALOG.values() for o in spec.outcomes}
    assert every <= set(OUTCOME_STYLE)


# --- hostile and random input ------------------------------------------------------------------

def test_hostile_text_reaches_the_terminal_as_plain_characters():
    evidence = {"address": HOSTILE, "claimed": {"netbios": HOSTILE}, "sources": {"smb": {"name": HOSTILE}},
                "expected": "dc2", HOSTILE: HOSTILE}
    walk = walk_through(HEAD + [("identity", "mismatch", evidence, {"answered_by": HOSTILE})])
    for renderable in (render_evidence(walk.steps[-1]), render_chain(walk), render_workflow(walk)):
        raw = raw_terminal_output(renderable)
        assert "\x1b[2J" not in raw and "\x9b" not in raw and "\x07" not in raw
        assert "[bold red]x[/]" in text_of(renderable).lower()  # host names are shown upper case


@st.composite
def probe_and_evidence(draw):
    leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    nested = st.recursive(leaves, lambda inner: st.lists(inner, max_size=6)
                          | st.dictionaries(st.text(max_size=10), inner, max_size=6), max_leaves=30)
    known = st.sampled_from(["servers", "hosts_files", "conflicts", "ptr", "claimed", "sources", "all_addresses",
                             "names", "endpoints", "ports", "address", "interface", "status", "dc_locator_srv"])
    evidence = draw(st.dictionaries(known | st.text(max_size=10), nested, max_size=8))
    return draw(st.sampled_from([*CATALOG, "no_such_probe"])), evidence


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(probe_and_evidence())
def test_random_evidence_never_raises(case):
    probe, evidence = case
    evidence_module._body(probe, evidence)  # the specific table itself copes, without the fallback
    text_of(render_evidence(step(probe, "error", evidence)), 60)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["address", "answered_by", "endpoint_port", "resolved_from", "addresses",
                                        "cname_target", "target", "guid"]),
                       st.none() | st.integers() | st.text(max_size=20) | st.lists(st.text(max_size=5), max_size=3)),
       probe_and_evidence())
def test_random_facts_and_evidence_never_break_the_pictures(facts, case):
    _, evidence = case
    walk = walk_through(HEAD + [("identity", "mismatch", evidence, facts),
                                ("impostor-drs", "registered", evidence, facts)])
    text_of(render_chain(walk), 60)
    text_of(render_workflow(walk), 60)


# --- the chain of the other trees -----------------------------------------------------------------

RESOLVED = ("host", "resolved", {}, {"address": "10.0.0.20", "resolved_from": "dns"})


def labels(walk: Walk) -> list[str]:
    return [x.label for x in chain_links(walk)]


def test_a_1720_chain_shows_an_interface_on_named_pipes_only():
    transports = ("transports", "np-only", {"interface": DRS_UUID, "protocols": ["ncacn_np"]}, {})
    walk = walk_through([RESOLVED, IDENTITY_OK, transports], "endpoint-create-1720", {"target": "dc2.contoso.com"})
    assert labels(walk) == ["host name", "address", "who answered", "endpoint mapper"]  # the shared path first
    epm = link(walk, "endpoint mapper")
    assert (epm.state, epm.value) == ("bad", "DRS on named pipes only: no TCP endpoint (1720)")


def test_a_1722_chain_names_the_interface_and_its_port():
    context = {"target": "srv.contoso.com", "interface": "12345678-1234-abcd-ef00-01234567cffb"}
    epm = ("epm", "registered", {"interface": "12345678-1234-abcd-ef00-01234567cffb", "port": 49670},
           {"endpoint_port": 49670})
    blocked = ("dynamic-port", "filtered", {"ports": {"49670": {"state": "FILTERED"}}}, {})
    walk = walk_through([RESOLVED, IDENTITY_OK, epm, blocked], "rpc-unavailable-1722", context)
    assert labels(walk) == ["host name", "address", "who answered", "endpoint mapper", "netlogon port"]
    assert link(walk, "endpoint mapper").value == "netlogon registered, TCP 49670"
    assert (link(walk, "netlogon port").state, link(walk, "netlogon port").value) == ("bad", "TCP 49670 FILTERED")


def test_the_exchange_chain_shows_each_fixed_port():
    first = ("ports-6001-6002", "listening", {"ports": {"6001": {"state": "LISTENING"},
                                                        "6002": {"state": "LISTENING"}}}, {})
    closed = ("port-6004", "not-listening", {"ports": {"6004": {"state": "NOT LISTENING"}}}, {})
    walk = walk_through([RESOLVED, IDENTITY_OK, first, closed], "exchange-rpc-http-1722",
                        {"target": "mbx.contoso.com"})
    assert labels(walk) == ["host name", "address", "who answered", "ports"]
    ports = link(walk, "ports")
    assert (ports.state, ports.value) == ("bad", "6001 LISTENING, 6002 LISTENING, 6004 NOT LISTENING")
