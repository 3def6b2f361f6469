"""`rpc-wizard lab` outside its platform: one clear line, exit 3. No lab needed."""

from __future__ import annotations

import pytest

from wizard.cli import main


@pytest.mark.parametrize("action", [["up"], ["down"], ["status"], ["heal"], ["fault", "dc-down"],
                                    ["exec", "--", "true"]])
def test_not_root_is_one_line_and_exit_3(monkeypatch, capsys, action):
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert main(["lab", *action]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "root" in err


def test_not_linux_is_one_line_and_exit_3(monkeypatch, capsys):
    monkeypatch.setattr("sys.platform", "darwin")
    assert main(["lab", "up"]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Linux" in err


def test_faults_lists_without_root(monkeypatch, capsys):
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert main(["lab", "faults"]) == 0
    assert "ds-stopped" in capsys.readouterr().out


def test_unknown_fault_is_a_usage_error(monkeypatch, capsys):
    # the name is checked before anything touches the system, so pretend to be root on Linux
    monkeypatch.setattr("os.geteuid", lambda: 0)
    monkeypatch.setattr("sys.platform", "linux")
    assert main(["lab", "fault", "no-such-fault"]) == 3
    assert "unknown fault" in capsys.readouterr().err
