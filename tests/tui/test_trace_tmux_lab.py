"""The real wizard in tmux on the healthy lab: every check from here passes, the no-fault result offers a
trace first, and the trace of the failing computer (a lab capture under dynamic-blocked) names the cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.test_wizard_tmux_lab import on_result, terminal  # noqa: F401 - the fixture
from wizard.engine.loader import load_flows

pytestmark = pytest.mark.lab

CAPTURE = Path(__file__).parent.parent / "traces" / "captures" / "dynamic-blocked-dc1-any.pcapng"
FLOW = load_flows().flow("rpc-unavailable-1722")


def test_a_no_fault_result_then_the_trace_names_the_cause(lab, terminal):  # noqa: F811
    terminal.start("tui", "--symptom", "rpc-unavailable-1722", "--target", lab.hosts["DC2"].fqdn,
                   "--dns-server", lab.dns_servers[0], "--timeout", "2")
    terminal.wait_text("Run all")
    terminal.keys("a")
    terminal.wait(on_result(FLOW.causes["no-fault-found-rpc"].title), "the no-fault result", seconds=60)
    terminal.wait_text("Press l to load a network trace", "Load a trace")
    terminal.keys("l")
    terminal.wait_text("Load a trace taken on the failing computer")
    terminal.type(str(CAPTURE))
    terminal.keys("Enter")
    terminal.wait_text("49153: retransmitted", "broke here", seconds=30)
    terminal.keys("u")
    terminal.wait(on_result(FLOW.causes["dynamic-ports-blocked"].title), "the cause from the trace", seconds=60)
    terminal.keys("C-q")
    assert terminal.exit_code() == 1
