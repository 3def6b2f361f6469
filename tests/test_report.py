"""Ticket output (wizard/report): the JSON contract, Markdown and text, over walks of the real flows.

The walks are fed synthetic probe results, so nothing here touches the network.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard import report
from wizard.engine import NO_FAULT_FOUND, Walk, load_flows
from wizard.engine.names import is_valid_address
from wizard.engine.results import ProbeResult
from wizard.exitcodes import EXIT_OK, EXIT_UNSURE

FLOWS = load_flows()
REPL, JOIN = "ad-replication-1753", "domain-join-0x6d9"
GUID = "5c4e6e1a-9b7f-4a51-8f5b-2d3c4e5f6a7b"
CTX = {"target": "dc2.lab.example", "dest": "dc1.lab.example", "forest": "lab.example",
       "dns_servers": ["198.51.100.1", "198.51.100.2"]}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")

# (node, outcome, facts, evidence, command given by the probe or "" to let the walk render the node's)
STALE_DNS = [
    ("dest-guid", "found", {"guid": GUID}, {"guid": GUID, "from": "given"}, ""),
    ("cname", "matches-target", {"cname_target": "dc2.lab.example"}, {"cname_targets": ["dc2.lab.example"]}, ""),
    ("host", "resolved", {"address": "198.51.100.30", "resolved_from": "dns"},
     {"host": "dc2.lab.example", "hosts_files": {}}, "nslookup dc2.lab.example 198.51.100.1"),
    ("identity", "mismatch", {"answered_by": "MEMBER1"}, {"netbios": ["MEMBER1"]}, "nbtstat -A 198.51.100.30"),
    ("impostor-drs", "not-registered", {}, {"status": "EPT_S_NOT_REGISTERED"}, ""),
    ("mapping-source", "dns", {}, {"resolved_from": "dns"}, ""),
]
HEALTHY_JOIN = [
    ("host", "resolved", {"address": "198.51.100.20", "resolved_from": "dns"}, {}, ""),
    ("identity", "match", {"answered_by": "DC2"}, {}, ""),
    ("epm", "registered", {"endpoint_port": 49667}, {"port": 49667}, ""),
    ("dynamic-port", "listening", {}, {"ports": {"49667": {"state": "LISTENING"}}}, ""),
    ("port-config", "default", {}, {}, ""),
    ("client-protocols", "complete", {}, {"missing": []}, ""),
]
INCONCLUSIVE_JOIN = [("host", "error", {}, {"error": "timeout"}, "")]


def walk_of(symptom: str, path, context: dict | None = None) -> Walk:
    walk = Walk(FLOWS.flow(symptom), dict(CTX if context is None else context))
    for i, (node, outcome, facts, evidence, command) in enumerate(path):
        assert walk.node is not None and walk.node.id == node
        walk.record(ProbeResult(walk.node.probe, outcome, f"{node} saw {outcome}", evidence, facts, command,
                                elapsed_s=0.1234 + i))
    assert walk.done
    return walk


def as_json(walk: Walk) -> dict:
    return json.loads(report.to_json(walk, FLOWS))


# --- JSON --------------------------------------------------------------------------------------

CONTRACT = {"symptom", "target", "root_cause", "steps", "commands", "inconclusive"}
ROOT_CONTRACT = {"id", "title", "citations", "fixes"}
CITATION_CONTRACT = {"source", "section", "quote"}
STEP_CONTRACT = {"node", "probe", "outcome", "evidence", "command", "elapsed_s"}


def test_json_for_a_cause():
    walk = walk_of(REPL, STALE_DNS)
    data = as_json(walk)
    assert CONTRACT <= set(data)
    assert data["symptom"] == REPL
    assert data["target"] == "dc2.lab.example"
    assert data["inconclusive"] is None

    root = data["root_cause"]
    assert ROOT_CONTRACT <= set(root)
    assert root["id"] == "stale-dns-record"
    assert root["title"] == FLOWS.causes["stale-dns-record"].title
    cause = FLOWS.causes["stale-dns-record"]
    assert [{k: c[k] for k in CITATION_CONTRACT} for c in root["citations"]] == [
        {"source": FLOWS.sources[c.source].file, "section": c.section, "quote": c.quote} for c in cause.citations]
    assert root["citations"][0]["section"] == "Cause"
    assert root["citations"][0]["quote"].startswith("The RPC client (destination DC) contacted a different RPC server")
    assert root["citations"][0]["source"].startswith("000_")  # the file in the seeds directory
    assert root["fixes"][0] == "On the console of dc2.lab.example, run ipconfig and note the DC's real address(es)."
    assert len(root["fixes"]) == len(cause.fixes)

    assert [set(s) >= STEP_CONTRACT for s in data["steps"]] == [True] * len(STALE_DNS)
    assert [(s["node"], s["outcome"]) for s in data["steps"]] == [(n, o) for n, o, *_ in STALE_DNS]
    assert [s["probe"] for s in data["steps"]] == ["ntds_lookup", "dns_cname", "dns_host", "identity",
                                                    "epm_map", "resolution_source"]
    assert [s["evidence"] for s in data["steps"]] == [e for *_, e, _ in STALE_DNS]
    assert [s["elapsed_s"] for s in data["steps"]] == [round(0.1234 + i, 3) for i in range(len(STALE_DNS))]
    # a probe's own command is kept; otherwise the node's commands, filled in from the context
    assert data["steps"][2]["command"] == "nslookup dc2.lab.example 198.51.100.1"
    assert data["steps"][0]["command"] == "repadmin /showrepl dc1.lab.example"
    assert data["steps"][1]["command"] == f"ipconfig /all\nnslookup -type=cname {GUID}._msdcs.lab.example 198.51.100.1"
    assert data["steps"][4]["command"] == "portqry -n 198.51.100.30 -e 135"

    assert data["commands"] == walk.commands()
    assert "nbtstat -A 198.51.100.30" in data["commands"]
    assert "ipconfig /registerdns" in data["commands"]  # from the cause
    assert len(data["commands"]) == len(set(data["commands"]))
    assert report.exit_code(walk) == report.EXIT_CAUSE == 1


def test_json_for_no_fault_found():
    walk = walk_of(JOIN, HEALTHY_JOIN)
    data = as_json(walk)
    assert data["symptom"] == JOIN
    assert data["root_cause"]["id"] == NO_FAULT_FOUND
    assert data["root_cause"]["fixes"] == list(FLOWS.causes[NO_FAULT_FOUND].fixes)  # no placeholders in these
    assert data["inconclusive"] is None
    assert [s["node"] for s in data["steps"]] == [n for n, *_ in HEALTHY_JOIN]
    assert "portqry -n 198.51.100.20 -e 49667" in data["commands"]  # endpoint_port from the epm step
    assert report.exit_code(walk) == EXIT_OK == 0


def test_json_for_an_inconclusive_walk():
    walk = walk_of(JOIN, INCONCLUSIVE_JOIN)
    data = as_json(walk)
    assert data["root_cause"] is None
    assert isinstance(data["inconclusive"], str)
    assert "'host'" in data["inconclusive"] and "error" in data["inconclusive"]
    assert "nslookup dc2.lab.example" in data["inconclusive"]  # what to do by hand, filled in
    assert [s["outcome"] for s in data["steps"]] == ["error"]
    assert data["commands"] == ["nslookup dc2.lab.example 198.51.100.1",
                                r"findstr /i /l dc2.lab.example %SystemRoot%\System32\drivers\etc\hosts",
                                r"findstr /i /l dc2.lab.example %SystemRoot%\System32\drivers\etc\lmhosts"]
    assert report.exit_code(walk) == EXIT_UNSURE == 2


def test_json_is_stable_for_the_same_walk():
    assert report.to_json(walk_of(REPL, STALE_DNS), FLOWS) == report.to_json(walk_of(REPL, STALE_DNS), FLOWS)


# --- Markdown and text -------------------------------------------------------------------------

def _code_block(markdown: str) -> list[str]:
    match = re.search(r"^```bat\n(.*?)\n```$", markdown, re.DOTALL | re.MULTILINE)
    assert match, markdown
    return match.group(1).split("\n")


@pytest.mark.parametrize("symptom,path", [(REPL, STALE_DNS), (JOIN, HEALTHY_JOIN)])
def test_markdown_ticket(symptom, path):
    walk = walk_of(symptom, path)
    markdown = report.to_markdown(walk, FLOWS)
    cause = walk.cause
    assert f"`{cause.id}`" in markdown
    for citation in cause.citations:
        assert f"> {citation.quote}" in markdown
        assert f'section "{citation.section}"' in markdown
    fixes = re.findall(r"^(\d+)\. (.*)$", markdown, re.MULTILINE)
    assert fixes == [(str(i), fix) for i, fix in enumerate(walk.fixes(), 1)]
    assert _code_block(markdown) == walk.commands()
    assert not PLACEHOLDER.search(markdown), PLACEHOLDER.findall(markdown)
    assert markdown.count("\n| ") == len(path) + 1  # header row and one row per check


def test_markdown_for_an_inconclusive_walk():
    markdown = report.to_markdown(walk_of(JOIN, INCONCLUSIVE_JOIN), FLOWS)
    assert "### Inconclusive" in markdown and "### Root cause" not in markdown
    assert _code_block(markdown)[0] == "nslookup dc2.lab.example 198.51.100.1"
    assert not PLACEHOLDER.search(markdown)


def test_text_report():
    walk = walk_of(REPL, STALE_DNS)
    text = report.to_text(walk, FLOWS)
    assert "Root cause: " + walk.cause.title + " (stale-dns-record)" in text
    assert f'"{walk.cause.citations[0].quote}"' in text
    assert "  1. " + walk.fixes()[0] in text
    assert not PLACEHOLDER.search(text)
    assert "Inconclusive:" in report.to_text(walk_of(JOIN, INCONCLUSIVE_JOIN), FLOWS)


def test_a_pipe_in_a_summary_does_not_break_the_table():
    walk = Walk(FLOWS.flow(JOIN), dict(CTX))
    walk.record(ProbeResult("dns_host", "not-found", "a | b\nc", {}, {}))
    row = [line for line in report.to_markdown(walk, FLOWS).splitlines() if line.startswith("| 1 |")]
    assert row == ["| 1 | host (dns_host) | not-found | a \\| b c |"]


# --- hostile values in the context ------------------------------------------------------------

HOSTILE_TARGETS = ["dc2&calc", "dc2|calc", "dc2;calc", "dc2^&calc", "%COMSPEC%", "dc2\"&calc&\"", "$(calc)",
                   "dc2`calc", "dc2\n```bat\ncalc & del /q C:\\\n```", "<dc2>", "-dc2", "dc2 & calc"]


def _every_command(data: dict) -> list[str]:
    commands = list(data["commands"]) + [s["command"] for s in data["steps"]]
    if data["root_cause"]:
        commands += data["root_cause"]["commands"] + data["root_cause"]["fixes"]
    return commands


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
@pytest.mark.parametrize("symptom,path", [(REPL, STALE_DNS), (JOIN, INCONCLUSIVE_JOIN)])
def test_a_hostile_target_never_reaches_a_command(symptom, path, target):
    walk = walk_of(symptom, path, {**CTX, "target": target, "dest": target})
    data = as_json(walk)
    assert data["target"] == target  # the JSON says what was given (escaped by JSON itself)
    for command in _every_command(data):
        assert target not in command
    assert any("[invalid:target]" in c for c in data["commands"])

    markdown = report.to_markdown(walk, FLOWS)
    assert markdown.count("```") == 2  # the target cannot open a code block of its own
    for line in _code_block(markdown):
        assert target not in line and "calc" not in line
    assert "\ncalc" not in markdown and "\ncalc" not in report.to_text(walk, FLOWS)


@settings(max_examples=60)
@given(st.text(min_size=1, max_size=30).filter(lambda t: not is_valid_address(t)))  # an address skips the name checks
def test_any_target_text_gives_a_safe_ticket(target):
    walk = walk_of(REPL, STALE_DNS, {**CTX, "target": target})
    markdown = report.to_markdown(walk, FLOWS)
    assert markdown.count("```") == 2
    for line in _code_block(markdown):
        assert not set(line) & set("&|;^\"'$()<>`")
    header = markdown.split("### Checks")[0].splitlines()
    assert len(header) == 6  # title, blank, symptom, target, dest, blank: the target stays on its line
    assert header[3].startswith("- Target: `") and header[3].count("`") == 2
