"""The trace reader is pure and light: `trace --help` loads none of dpkt, impacket, dnspython or Textual,
and wizard.traces imports without sockets or Textual."""

from __future__ import annotations

import subprocess
import sys

from tests.test_layers import HEAVY, PROBE, imports_without


def test_trace_help_loads_no_heavy_library():
    proc = subprocess.run([sys.executable, "-c", PROBE.format(argv=["trace", "--help"], heavy=HEAVY | {"dpkt"})],
                          capture_output=True, text=True, timeout=60)
    assert "LOADED=" in proc.stdout and proc.stdout.rsplit("LOADED=", 1)[-1].strip() == "", proc.stdout


def test_the_reader_is_pure():
    for module in ("wizard.traces", "wizard.traces.answers", "wizard.traces.reader", "wizard.traces.calls"):
        proc = imports_without(module, {"textual", "socket", "dpkt", "impacket", "dns"})
        assert proc.returncode == 0, proc.stderr
