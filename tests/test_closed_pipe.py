"""Output into a closed pipe (`rpc-wizard parse big.txt | head -1`) ends quietly, with
the status of a Unix tool stopped by SIGPIPE, for every command: no BrokenPipeError traceback."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.engine.results import ProbeResult

SAMPLES = Path(__file__).parent / "parsers" / "samples"
PIPE_CLOSED = 141  # 128 + SIGPIPE: what the shell reports for `git log | head -1` and the like


class ClosedPipe(io.TextIOBase):
    """A stdout whose reader has gone away: every write fails as a pipe with no reader does."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor here")


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    monkeypatch.setattr("wizard.diagnose.live_runner",
                        lambda: lambda name, params, session: ProbeResult(name, "listening", "scripted"))


# (--help needs nothing: argparse already drops a failed write of the help text)
@pytest.mark.parametrize("argv", [
    ["parse", str(SAMPLES / "dcdiag_1753.txt")],
    ["parse", str(SAMPLES / "dcdiag_1753.txt"), "--format", "json"],
    ["diagnose", "--symptom", "domain-join-0x6d9", "--target", "dc1.contoso.com", "--answer", "host=not-found"],
    ["check", "tcp_ports", "address=127.0.0.1", "ports=135"],
    ["flows", "list"],
    ["flows", "show", "ad-replication-1753", "--details"],
    ["lab", "faults"],
])
def test_every_command_ends_quietly_on_a_closed_pipe(offline, capsys, monkeypatch, argv):
    monkeypatch.setattr(sys, "stdout", ClosedPipe())  # here: pytest sets its own stdout again before the test
    assert main(argv) == PIPE_CLOSED
    assert capsys.readouterr().err == ""


def test_parse_into_head_in_a_real_pipe(tmp_path):
    big = tmp_path / "big.txt"
    # every failing step is listed in the JSON facts: far more output than a pipe's buffer holds
    big.write_text("".join(f"NetpStep{i}: status: 0x5\n" for i in range(20000)))
    proc = subprocess.Popen([sys.executable, "-m", "wizard", "parse", str(big), "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"{"
    proc.stdout.close()  # what `head -1` does once it has its line
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err.decode()) == (PIPE_CLOSED, "")
