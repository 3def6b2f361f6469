"""Every lab capture (tests/traces/captures/, recorded by scripts/record_captures.py: real clients under real
faults): `trace` names the call, the port and the state of the call to DC2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.traces import read_trace
from wizard.traces.answers import choose_call

CAPTURES = Path(__file__).parent / "captures"
DRS = "e3514235-4b06-11d1-ab04-00c04fc2dcd2"
DC1, MEMBER1, DC2 = "198.51.100.10", "198.51.100.20", "198.51.100.30"

# fault -> (the address dc2.lab.example led to, what failed, the port that matters, its state)
EXPECTED = {
    "healthy": (DC2, None, 49153, "answered"),
    "epm-blocked": (DC2, "epm-connect", 135, "retransmitted"),
    "epm-refused": (DC2, "epm-connect", 135, "reset"),
    "dynamic-blocked": (DC2, "connect", 49153, "retransmitted"),
    "ds-stopped": (DC2, "epm", 135, "not-registered"),
    "stale-a-record": (MEMBER1, "epm", 135, "not-registered"),
    "a-record-other-dc": (DC1, None, 49153, "answered"),
    "no-dns-record": (None, "dns", None, "NXDOMAIN"),
}
# On DC1's eth0 its own DNS questions and its calls to itself (over loopback) are not seen
NOT_ON_ETH0 = ("a-record-other-dc", "no-dns-record")
FILES = sorted(p.name for p in CAPTURES.glob("*.pcap*"))


def fault_of(name: str) -> str:
    return next(f for f in sorted(EXPECTED, key=len, reverse=True) if name.startswith(f + "-"))


def test_every_fault_was_recorded_three_ways():
    for fault in EXPECTED:
        assert {f"{fault}-dc1-eth0.pcap", f"{fault}-dc1-any.pcapng", f"{fault}-client-impacket.pcap"} <= set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_the_call_to_dc2(name):
    fault = fault_of(name)
    server, failure, port, state = EXPECTED[fault]
    result = read_trace(CAPTURES / name)
    assert result.skipped == []
    eth0 = name.endswith("-eth0.pcap")
    if eth0 and fault in NOT_ON_ETH0:
        assert not [c for c in result.calls if c.client == DC1 and c.server in (DC1, None)]
        return
    index, why = choose_call(result, server if eth0 else "dc2.lab.example")  # eth0 shows no DNS: by address
    call = result.calls[index]
    assert "the one to the target" in why
    assert call.server == server and call.failure == failure
    if not eth0:
        assert call.name == "dc2.lab.example"
    if failure == "dns":
        assert call.dns and all(d.rcode == state for d in call.dns)
        return
    assert call.interface_uuid in (DRS, None)
    if port == 135 and failure == "epm-connect":
        assert call.epm.connect.outcome == state
        assert call.epm.connect.attempts >= (3 if state == "retransmitted" else 1)
    elif failure == "epm":
        assert call.epm.outcome == state and call.epm.status == "EPT_S_NOT_REGISTERED 0x16c9a0d6"
    else:
        assert call.epm.outcome == "mapped" and call.epm.port == port
        assert call.connect.port == port and call.connect.outcome == state
        if state == "retransmitted":
            assert call.connect.attempts >= 3
        else:
            assert call.bind.outcome == "bind_ack"


def test_link_types_and_formats():
    assert read_trace(CAPTURES / "healthy-dc1-eth0.pcap").link_types == ["Ethernet"]
    any_ = read_trace(CAPTURES / "healthy-dc1-any.pcapng")
    assert any_.format == "pcapng" and any_.link_types == ["Linux cooked v2"]


def run_cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wizard", "trace", *argv], capture_output=True, text=True,
                          timeout=120)


def test_json_fields_are_the_contract():
    proc = run_cli(str(CAPTURES / "dynamic-blocked-dc1-any.pcapng"), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"calls", "findings"}
    call = next(c for c in data["calls"] if c["name"] == "dc2.lab.example")
    assert set(call) >= {"client", "server", "interface", "dns", "epm", "connect", "bind", "kerberos", "first_seen",
                         "last_seen"}
    assert set(call["epm"]) >= {"outcome", "port", "status"} and set(call["connect"]) >= {"port", "outcome",
                                                                                          "attempts"}
    assert call["interface"]["uuid"] == DRS and "DRS" in call["interface"]["name"]
    assert call["epm"]["outcome"] == "mapped" and call["connect"]["outcome"] == "retransmitted"
    assert any("49153" in f and "dynamic-ports-blocked" in f for f in data["findings"])


def test_text_and_markdown_and_exit_codes():
    healthy = run_cli(str(CAPTURES / "healthy-dc1-any.pcapng"))
    assert healthy.returncode == 0 and "healthy: EPM handed out TCP 49153" in healthy.stdout
    blocked = run_cli(str(CAPTURES / "epm-blocked-dc1-eth0.pcap"), "--format", "markdown")
    assert blocked.returncode == 1 and "### Call 1" in blocked.stdout and "SYN to TCP 135" in blocked.stdout
    ds = run_cli(str(CAPTURES / "ds-stopped-client-impacket.pcap"))
    assert "EPT_S_NOT_REGISTERED 0x16c9a0d6" in ds.stdout
