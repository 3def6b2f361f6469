"""Segments (flows/segments/): the path to the server written once, composed into each tree that enters it.

The composition is checked on the shipped flows (links left out are passed over, roles become the tree's
words, exits lead where the tree wires them) and broken segment data is refused with one clear FlowError
naming the file and the node, link or exit.
"""

from __future__ import annotations

import pytest

from tests.test_flows import REPL, SEGMENT, _node, broken  # noqa: F401 (broken is a fixture)
from wizard.engine import load_flows
from wizard.engine.catalog import DRS_UUID
from wizard.engine.segments import ROLE

FLOWS = load_flows()
SEGMENT_NODES = ["dest-guid", "cname", "alias-guid", "missing-alias-guid", "host", "identity", "impostor-drs",
                 "mapping-source", "epm", "dynamic-port"]
EXCH = "symptoms/exchange-rpc-http-1722.yaml"
RPC = "symptoms/rpc-unavailable-1722.yaml"


def test_the_segment_is_written_once_and_its_node_ids_are_the_1753_trees():
    segment = FLOWS.segments["server-path"]
    assert list(segment.nodes) == SEGMENT_NODES
    assert list(segment.links) == ["guid", "host", "identity", "impostor", "epm", "dynamic-port"]
    for flow in FLOWS.flows.values():
        own = [n for n in flow.nodes.values() if n.segment is None]
        assert not {n.id for n in own} & set(SEGMENT_NODES), flow.symptom.id  # no tree copies a link


def test_composed_nodes_carry_the_trees_words_and_no_markers():
    for flow in FLOWS.flows.values():
        for node in flow.nodes.values():
            texts = [node.question, node.why, node.ask, *node.commands, node.unchecked or ""]
            assert not any(ROLE.search(t) for t in texts), (flow.symptom.id, node.id)
    assert FLOWS.flow("exchange-rpc-http-1722").nodes["host"].question == \
        "Does the mailbox server's name {target} resolve to an address?"
    assert FLOWS.flow("domain-join-0x6d9").nodes["host"].ask.startswith("On the joining client, run")
    assert FLOWS.flow("rpc-unavailable-1722").nodes["epm"].question == \
        "Does the server's endpoint mapper (TCP 135) offer the interface {interface}?"
    assert FLOWS.flow("ad-replication-1753").nodes["host"].why.startswith("The destination DC needs an address")


def test_links_left_out_are_passed_over_and_exits_lead_where_the_tree_says():
    exch = FLOWS.flow("exchange-rpc-http-1722")
    assert exch.nodes["identity"].outcomes["match"].next == "ports-6001-6002"  # epm and dynamic-port left out
    assert exch.nodes["identity"].outcomes["mismatch"].next == "mapping-source"  # no impostor check
    rpc = FLOWS.flow("rpc-unavailable-1722")
    assert rpc.nodes["epm"].outcomes["not-registered"].cause == "interface-not-registered"
    assert rpc.nodes["dynamic-port"].outcomes["listening"].next == "port-config"
    repl = FLOWS.flow("ad-replication-1753")
    assert repl.nodes["epm"].outcomes["not-registered"].cause == "ad-ds-not-running"
    assert repl.nodes["impostor-drs"].params["interface"] == DRS_UUID  # fixed by the tree
    assert rpc.nodes["impostor-drs"].params["interface"] == "{interface}"
    for flow in FLOWS.flows.values():
        assert all(to.exit is None for n in flow.nodes.values() for to in n.outcomes.values())


def test_only_trees_with_a_destination_dc_check_the_guid_links():
    with_guid = {sid for sid, f in FLOWS.flows.items() if "dest-guid" in f.nodes}
    assert with_guid == {"ad-replication-1753", "target-principal-2146893022"}
    assert FLOWS.flow("target-principal-2146893022").start.id == "dest-guid"


@pytest.mark.parametrize("file,change,where,what", [
    (REPL, lambda d: d["enter"].update(segment="nope"), "flows/symptoms/ad-replication-1753.yaml: enter",
     "unknown segment 'nope' (known: server-path)"),
    (REPL, lambda d: d["enter"].update(links=["guid", "dns"]), ("flows/symptoms/ad-replication-1753.yaml: enter "
                                                           "server-path"), "unknown link(s) dns"),
    (REPL, lambda d: d["enter"]["exits"].pop("reached"), "enter server-path", "exit 'reached' is not wired"),
    (EXCH, lambda d: d["enter"]["exits"].update({"not-registered": {"cause": "ad-ds-not-running"}}),
     "flows/symptoms/exchange-rpc-http-1722.yaml: enter server-path",
     "exit 'not-registered' cannot be reached with these links"),
    (REPL, lambda d: d["enter"]["exits"].update(arrived={"next": "ntds-guid"}), "enter server-path",
     "exit 'arrived' is not one of the segment's"),
    (REPL, lambda d: d["enter"]["roles"].pop("client"), "enter server-path",
     "no words for role ((client)) (node 'host' says it)"),
    (REPL, lambda d: d["enter"]["roles"].update(clinet="x"), "enter server-path", "unknown role 'clinet'"),
    (REPL, lambda d: d["enter"]["fixed"].update(port="135"), "enter server-path", "fixed 'port' is no parameter"),
    (REPL, lambda d: d["nodes"].update(host=_node(d, "services")),
     "flows/symptoms/ad-replication-1753.yaml: node 'host'", "the id is taken by segment 'server-path'"),
    (REPL, lambda d: d["enter"]["exits"].update(reached={"next": "host"}), "flows/symptoms/ad-replication-1753.yaml",
     "cycle"),  # the composed graph is checked as any flow
    (REPL, lambda d: d["enter"]["exits"].update(reached={"next": "nowhere"}), "node 'dynamic-port'",
     "missing node 'nowhere'"),
    (RPC, lambda d: d["enter"].update(links=["host", "impostor", "epm", "dynamic-port"]),  # impostor needs identity
     "flows/symptoms/rpc-unavailable-1722.yaml: enter server-path: node 'impostor-drs' outcome 'not-registered'",
     "leads into link 'identity', which is left out"),
    (REPL, lambda d: _node(d, "services").update(ask="Ask ((client))."), "node 'services'", "role marker ((client))"),
    (REPL, lambda d: d.pop("enter"), "flows/symptoms/ad-replication-1753.yaml: symptom 'ad-replication-1753'",
     "start node 'dest-guid' does not exist"),
])
def test_a_broken_entry_names_the_tree_and_what_is_wrong(broken, file, change, where, what):  # noqa: F811
    broken.edit(file, change)
    message = broken.load()
    assert where in message and what in message, message


@pytest.mark.parametrize("change,where,what", [
    (lambda d: d["segment"]["links"]["host"].update(nodes=["host", "nowhere"]), "",
     "link 'host' names missing node 'nowhere'"),
    (lambda d: d["segment"]["links"]["host"].update(nodes=["host", "identity"]), "",
     "node 'identity' is in two links ('host', 'identity')"),
    (lambda d: d["nodes"].update(spare=_node(d, "host")), "node 'spare'", "is in no link"),
    (lambda d: _node(d, "dynamic-port")["outcomes"].update(listening={"exit": "arrived"}),
     "node 'dynamic-port'",
     "outcome 'listening' leads to unknown exit 'arrived' (the segment's: reached, not-registered)"),
    (lambda d: d["segment"]["links"]["epm"].update(passes={"next": "nowhere"}), "",
     "link 'epm' passes leads to missing node 'nowhere'"),
    (lambda d: _node(d, "host").update(why="((Somebody)) needs it."), "node 'host'",
     "role ((somebody)) is not one of the segment's roles"),
    (lambda d: d["segment"].update(id="other"), "", "file name must be the segment id 'other'"),
    (lambda d: d["segment"].pop("exits"), "segment", "missing field(s) exits"),
    (lambda d: d["segment"]["links"]["host"].update(nodes=[]), "", "nodes must be a non-empty list"),
])
def test_broken_segment_data_names_the_segment_file(broken, change, where, what):  # noqa: F811
    broken.edit(SEGMENT, change)
    message = broken.load()
    assert f"flows/{SEGMENT}: {where}" in message and what in message, message


def test_a_link_left_out_whose_inner_node_is_needed_is_refused(broken):  # noqa: F811
    """Only a link's entry can be passed over; leading into its middle needs the link itself."""
    broken.edit(SEGMENT, lambda d: _node(d, "host")["outcomes"].update(resolved={"next": "mapping-source"}))
    broken.edit(RPC, lambda d: d["enter"].update(links=["host", "epm", "dynamic-port"]))
    message = broken.load()
    assert ("flows/symptoms/rpc-unavailable-1722.yaml: enter server-path: node 'host' outcome 'resolved' leads into "
            "link 'identity', which is left out: check 'identity' too") in message


def test_a_segment_no_tree_enters_is_refused(broken):  # noqa: F811
    (broken.dir / "segments" / "spare.yaml").write_text(
        (broken.dir / SEGMENT).read_text().replace("id: server-path", "id: spare"))
    assert "flows/segments/spare.yaml: no tree enters segment 'spare'" in broken.load()


def test_flows_show_prints_the_composed_tree(capsys):
    from wizard.cli import main

    assert main(["flows", "show", "rpc-unavailable-1722"]) == 0
    out = capsys.readouterr().out
    assert "enters server-path (flows/segments/server-path.yaml): links host, identity, impostor, epm" in out
    assert "exits reached -> [port-config]; not-registered -> CAUSE interface-not-registered" in out
    assert "[identity] Is the computer answering at that address really {target}?  (identity)  · server-path" in out
    assert "[port-config] " in out and "[port-config] Is the server's RPC port configuration" in out
    assert "CAUSE stale-dns-record" in out
