"""Bad input to `diagnose` and `check`, in process: exit 3 with one line on stderr, never a traceback.

Nothing here reaches the network: inputs are refused before any probe runs, every node of the
offline diagnosis is answered with --answer, and the one live check connects to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import socket
import sys

import pytest

from wizard.cli import COMMANDS, main
from wizard.diagnose import live_runner as LIVE_RUNNER

PASSWORD = "Pw-9f3a7c1e-never-print-me"
TARGET = ["--target", "dc2.lab.example", "--dest", "dc1.lab.example"]
# every node of a path through ad-replication-1753 that ends on stale-dns-record
STALE_DNS_ANSWERS = ["dest-guid=found", "cname=matches-target", "host=resolved", "identity=mismatch",
                     "impostor-drs=not-registered", "mapping-source=dns"]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No terminal (so nothing prompts), a password in the environment to watch for, no ccache,
    and any probe that would run anyway fails the test instead of touching the network."""
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    monkeypatch.setenv("RPC_WIZARD_PASSWORD", PASSWORD)
    monkeypatch.delenv("KRB5CCNAME", raising=False)

    def no_probe(name, params, session):
        raise AssertionError(f"probe {name} ran in an offline test")

    monkeypatch.setattr("wizard.diagnose.live_runner", lambda: no_probe)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert PASSWORD not in out and PASSWORD not in err
    return code, out, err


def assert_usage_error(code: int, out: str, err: str) -> str:
    assert code == 3
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("rpc-wizard: error: ")
    assert "Traceback" not in err
    return lines[0]


def diagnose(*extra: str) -> list[str]:
    return ["diagnose", "--symptom", "ad-replication-1753", *TARGET, *extra]


# --- diagnose -----------------------------------------------------------------------------------

@pytest.mark.parametrize("argv,needle", [
    (["diagnose", "--symptom", "ad-replication-1753", "--target", "dc2..lab"], "'dc2..lab'"),
    (["diagnose", "--symptom", "ad-replication-1753", "--target", "dc2&calc"], "--target"),
    (["diagnose", "--symptom", "ad-replication-1753", "--target", "dc2\nlab"], "--target"),
    (["diagnose", "--symptom", "ad-replication-1753", "--target", "dc2.lab", "--dest", "dc1 lab"], "--dest"),
    (["diagnose", "--symptom", "ad-replication-1753", "--target", "dc2.lab", "--forest", "lab..example"], "--forest"),
    (diagnose("--dns-server", "198.51.100.256"), "--dns-server"),
    (diagnose("--dns-server", "127.0.0.1", "--dns-server", "dns1.lab.example"), "'dns1.lab.example'"),
    (diagnose("--guid", "not-a-guid"), "GUID"),
    (diagnose("--guid", "5c4e6e1a-9b7f-4a51-8f5b-2d3c4e5f6a7b&calc"), "GUID"),
    (["diagnose", "--symptom", "no-such-symptom", *TARGET], "unknown symptom"),
    (["diagnose", "--symptom", "1722", *TARGET], "several symptoms, choose one id: exchange-rpc-http-1722, rpc"),
    (["diagnose", "--symptom", "rpc-unavailable-1722", "--interface", "wmx", *TARGET], "--interface"),
    (["diagnose", *TARGET], "--symptom is required"),
    (["diagnose", "--symptom", "ad-replication-1753"], "--target is required"),
    (diagnose("--answer", "no-such-node=found"), "no node 'no-such-node'"),
    (diagnose("--answer", "cname=maybe"), "no outcome 'maybe'"),
    (diagnose("--answer", "cname"), "NODE=VALUE"),
    (diagnose("--answer", "=found"), "NODE=VALUE"),
    (diagnose("--timeout", "0"), "--timeout"),
    (diagnose("--timeout", "-1"), "--timeout"),
    (diagnose("--timeout", "nan"), "--timeout"),
    (diagnose("--timeout", "1000"), "--timeout"),
    (diagnose("--hosts-file", "/nonexistent/rpc-wizard/hosts"), "--hosts-file"),
])
def test_diagnose_bad_input(capsys, argv, needle):
    line = assert_usage_error(*run(capsys, *argv))
    assert needle in line


def test_ambiguous_error_code_lists_both_symptoms(capsys):
    line = assert_usage_error(*run(capsys, "diagnose", "--symptom", "0x6d9", *TARGET))
    assert "ad-replication-1753" in line and "domain-join-0x6d9" in line


def test_ambiguous_error_code_is_chosen_at_a_prompt_in_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": "2")
    code, out, err = run(capsys, "diagnose", "--symptom", "1753", *TARGET, "--format", "json",
                         "--answer", "host=not-found")
    assert code == 1
    assert json.loads(out)["symptom"] == "domain-join-0x6d9"
    assert "1. ad-replication-1753" in err and "2. domain-join-0x6d9" in err


def test_no_choice_at_the_prompt_is_a_usage_error(capsys, monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": "3")
    code, out, err = run(capsys, "diagnose", "--symptom", "0x6d9", *TARGET)
    assert code == 3 and out == "" and err.splitlines()[-1].startswith("rpc-wizard: error: no symptom chosen")


def test_user_without_a_password_and_no_terminal(capsys, monkeypatch):
    monkeypatch.delenv("RPC_WIZARD_PASSWORD")
    line = assert_usage_error(*run(capsys, *diagnose("--user", "LAB\\admin")))
    assert "RPC_WIZARD_PASSWORD" in line


def test_user_must_name_a_domain(capsys):
    line = assert_usage_error(*run(capsys, *diagnose("--user", "admin")))
    assert "DOMAIN\\user" in line


def test_a_password_on_the_command_line_is_not_an_option(capsys):
    with pytest.raises(SystemExit) as info:  # argparse's own errors: usage line, then the error, exit 3
        main(diagnose("--password", "x"))
    err = capsys.readouterr().err
    assert info.value.code == 3 and "unrecognized arguments: --password" in err and "Traceback" not in err


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_offline_diagnosis_from_answers_reaches_stale_dns_record(capsys, fmt):
    answers = [arg for answer in STALE_DNS_ANSWERS for arg in ("--answer", answer)]
    code, out, err = run(capsys, *diagnose("--user", "LAB\\admin", "--format", fmt, "--dns-server", "127.0.0.1",
                                           *answers))
    assert code == 1, err
    assert err == ""
    if fmt == "json":
        data = json.loads(out)
        assert data["root_cause"]["id"] == "stale-dns-record"
        assert data["target"] == "dc2.lab.example"
        assert [s["node"] + "=" + s["outcome"] for s in data["steps"]] == STALE_DNS_ANSWERS
        assert all(s["summary"].startswith("answered by person") for s in data["steps"])
        assert "nslookup dc2.lab.example 127.0.0.1" in data["commands"]
        assert data["inconclusive"] is None
    else:
        assert "stale-dns-record" in out


def test_offline_no_fault_found_exits_0(capsys):
    answers = ["host=resolved", "identity=match", "epm=registered", "dynamic-port=listening",
               "port-config=default", "client-protocols=complete"]
    code, out, _ = run(capsys, "diagnose", "--symptom", "domain-join-0x6d9", *TARGET, "--format", "json",
                       *[a for answer in answers for a in ("--answer", answer)])
    assert code == 0 and json.loads(out)["root_cause"]["id"] == "no-fault-found"


def test_an_unmapped_outcome_cannot_be_answered(capsys):
    # `error` is something a probe reports, not an answer; the choices listed are the node's own
    line = assert_usage_error(*run(capsys, "diagnose", "--symptom", "domain-join-0x6d9", *TARGET,
                                   "--answer", "host=error"))
    assert "resolved, not-found" in line


def test_the_password_never_appears_in_any_output(capsys, monkeypatch):
    """Every format, and the error paths, with credentials in the environment."""
    answers = [a for answer in STALE_DNS_ANSWERS for a in ("--answer", answer)]
    for fmt in ("json", "text", "markdown"):
        run(capsys, *diagnose("--user", "LAB\\admin", "--format", fmt, *answers))
    run(capsys, *diagnose("--user", "LAB\\admin", "--answer", "cname=nope"))
    # run() asserts the password is absent each time; the credentials were really read:
    from wizard.cli.credentials import credentials_for

    creds = credentials_for("LAB\\admin")
    assert creds.password == PASSWORD and PASSWORD not in repr(creds)


# --- check --------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv,needle", [
    (["check", "no_such_probe"], "no check named 'no_such_probe'"),
    (["check", "tcp_ports", "address=not-an-ip", "ports=135"], "address"),
    (["check", "tcp_ports", "address=127.0.0.1", "ports=abc"], "ports="),
    (["check", "tcp_ports", "address=127.0.0.1", "ports=0"], "ports="),
    (["check", "tcp_ports", "address=127.0.0.1", "ports=70000"], "ports="),
    (["check", "tcp_ports", "address=127.0.0.1", "port=135"], "tcp_ports takes"),
    (["check", "tcp_ports", "127.0.0.1"], "tcp_ports takes"),
    (["check", "dns_host", "host=dc2..lab"], "host"),
    (["check", "dns_host", "host=dc2.lab", "dns_servers=127.0.0.1,nope"], "dns_servers"),
    (["check", "dns_cname", "guid=xyz"], "guid 'xyz'"),
    (["check", "identity", "address=127.0.0.1", "expected=dc2&calc"], "expected"),
    (["check", "tcp_ports", "address=127.0.0.1", "ports=135", "--timeout", "0"], "--timeout"),
    (["check", "ntds_guid", "address=127.0.0.1", "target=dc2.lab", f"guid={'1' * 8}-2222-3333-4444-{'5' * 12}",
      "--user", "admin"], "--user"),
    # issue 11, case 8: a missing parameter, a list item or an interface that is not usable is bad input
    (["check", "epm_map"], "epm_map needs address=..."),
    (["check", "identity", "address=127.0.0.1"], "identity needs expected=..."),
    (["check", "ntds_guid", "address=127.0.0.1", f"guid={'1' * 8}-2222-3333-4444-{'5' * 12}"],
     "ntds_guid needs target=..."),
    (["check", "identity", "address=127.0.0.1", "expected=dc2", "addresses=a&b"], "addresses 'a&b'"),
    (["check", "identity", "address=127.0.0.1", "expected=dc2", "addresses=127.0.0.2,a&b"], "addresses 'a&b'"),
    (["check", "epm_map", "address=127.0.0.1", "interface=not-a-uuid"], "interface 'not-a-uuid'"),
])
def test_check_bad_input(capsys, argv, needle):
    line = assert_usage_error(*run(capsys, *argv))
    assert needle in line


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_check_runs_a_live_probe_on_loopback(capsys, monkeypatch):
    monkeypatch.setattr("wizard.diagnose.live_runner", LIVE_RUNNER)  # this one may touch loopback
    port = _closed_port()
    code, out, err = run(capsys, "check", "tcp-ports", "address=127.0.0.1", f"ports={port}", "--format", "json")
    data = json.loads(out)
    assert code == 1, err  # as portqry: 1 = NOT LISTENING
    assert data["outcome"] == "not-listening"
    assert data["evidence"]["ports"][str(port)]["state"] == "NOT LISTENING"
    assert data["command"] == f"portqry -n 127.0.0.1 -o {port}"


def test_check_tcp_ports_exits_as_portqry_and_takes_a_host_name(capsys, monkeypatch):
    monkeypatch.setattr("wizard.diagnose.live_runner", LIVE_RUNNER)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        open_port = server.getsockname()[1]
        code, out, err = run(capsys, "check", "tcp_ports", "address=localhost", f"ports={open_port}")
        assert code == 0, err
        assert "localhost resolved to 127.0.0.1" in out and f"TCP {open_port}: LISTENING" in out
        code, out, _ = run(capsys, "check", "tcp_ports", "address=localhost", f"ports={open_port},{_closed_port()}")
        assert code == 1 and "NOT LISTENING" in out


def test_check_a_name_that_does_not_resolve_is_bad_input(capsys, monkeypatch):
    monkeypatch.setattr("wizard.diagnose.live_runner", LIVE_RUNNER)
    code, out, err = run(capsys, "check", "epm_map", "address=no-such-host.invalid")
    assert code == 3 and "address=no-such-host.invalid" in err and "does not resolve" in err


# --- help ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_each_command(capsys, command):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    out, err = capsys.readouterr()
    assert info.value.code == 0
    assert out.startswith(f"usage: rpc-wizard {command}")
    assert err == ""


def test_top_level_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    assert all(command in out for command in COMMANDS)


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 3
