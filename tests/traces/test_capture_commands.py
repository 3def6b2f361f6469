"""Where a cause says "take a trace", the capture commands come filled in for the failing computer: the
server's address and ports, and which file to hand back."""

from __future__ import annotations

from wizard.engine.loader import load_flows
from wizard.engine.walk import Answer, Walk

FLOWS = load_flows()


def walk_to(outcomes: dict[str, str], facts: dict[str, dict]) -> Walk:
    walk = Walk(FLOWS.flow("rpc-unavailable-1722"), {"target": "dc2.contoso.com", "interface": "drs"})
    while not walk.done:
        node = walk.node.id
        walk.apply(Answer(outcomes[node], facts=facts.get(node, {})))
    return walk


def test_no_fault_gives_pktmon_tcpdump_and_the_file_to_hand_back():
    walk = walk_to({"host": "resolved", "identity": "match", "epm": "registered", "dynamic-port": "listening",
                    "port-config": "default", "client-protocols": "complete", "services": "defaults"},
                   {"host": {"address": "10.0.0.20"}, "epm": {"endpoint_port": 49668}})
    assert walk.cause.id == "no-fault-found-rpc"
    commands = walk.commands()
    for line in ("pktmon filter add rpcw-epm -i 10.0.0.20 -t TCP -p 135",
                 "pktmon filter add rpcw-dyn -i 10.0.0.20 -t TCP -p 49668",
                 "pktmon start --capture --pkt-size 0 --file-name C:\\rpc-trace.etl",
                 "pktmon etl2pcap C:\\rpc-trace.etl --out C:\\rpc-trace.pcapng",
                 "tcpdump -i any -s 0 -w rpc-trace.pcap host 10.0.0.20 or port 53 or port 88"):
        assert line in commands
    assert any("hand back C:\\rpc-trace.pcapng" in fix and "diagnose --trace" in fix for fix in walk.fixes())


def test_epm_unreachable_filters_135_without_a_dynamic_port():
    walk = walk_to({"host": "resolved", "identity": "match", "epm": "filtered"}, {"host": {"address": "10.0.0.20"}})
    assert walk.cause.id == "epm-unreachable"
    commands = walk.commands()
    assert "pktmon filter add rpcw-epm -i 10.0.0.20 -t TCP -p 135" in commands
    assert not [c for c in commands if "rpcw-dyn" in c]
