"""The registry, service and transport checks and the --interface / --proxy inputs on the command line.

No lab and no network: a recording runner stands in for the probes, so what is checked is what the command
line makes of its input (the parameters a probe would get, the help, exit 3 on bad input).
"""

from __future__ import annotations

import argparse
import json
import sys

import pytest

from wizard.cli import main
from wizard.cli.inputs import add_inputs, given_inputs
from wizard.diagnose import checked_context
from wizard.engine.catalog import CATALOG
from wizard.engine.results import ProbeResult
from wizard.engine.rpc_interfaces import INTERFACES

WMI = INTERFACES["wmi"].uuid
SERVER = "exch1.contoso.com"


@pytest.fixture
def calls(monkeypatch) -> list[tuple[str, dict]]:
    """Each probe the command runs, with its parameters; the probe answers `complete` at once."""
    seen: list[tuple[str, dict]] = []

    def record(probe, params, session):
        seen.append((probe, dict(params)))
        return ProbeResult(probe, CATALOG[probe].outcomes[0], "recorded", {}, command=f"({probe})")

    monkeypatch.setattr("wizard.diagnose.live_runner", lambda: record)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    return seen


def one_line_error(capsys, argv: list[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (3, ""), err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rpc-wizard: error: ") and "Traceback" not in err
    return lines[0]


# --- check: the new probes' parameters ---------------------------------------------------------------

@pytest.mark.parametrize("argv, probe, params", [
    (["epm_transports", "address=192.0.2.41", "interface=wmi"], "epm_transports",
     {"address": "192.0.2.41", "interface": WMI}),
    (["epm-transports", "address=192.0.2.41", f"interface={{{WMI.upper()}}}"], "epm_transports",
     {"address": "192.0.2.41", "interface": WMI}),
    (["valid_ports", f"server={SERVER.upper()}"], "valid_ports", {"server": SERVER}),
    (["valid_ports", "server=exch1.contoso.com", "expected=cas1.contoso.com", "ports=6001,6004"], "valid_ports",
     {"server": SERVER, "expected": "cas1.contoso.com", "ports": [6001, 6004]}),
    (["client_protocols", "expected=ws7.contoso.com", "dns_servers=192.0.2.10"], "client_protocols",
     {"expected": "ws7.contoso.com", "dns_servers": ["192.0.2.10"]}),
    (["ntds_port", "address=192.0.2.12", "dynamic_range=49152-65535"], "ntds_port",
     {"address": "192.0.2.12", "dynamic_range": "49152-65535"}),
    (["rpc_services", "expected=dc2.contoso.com"], "rpc_services", {"expected": "dc2.contoso.com"}),
    (["rpc_port_config", "expected=dc2.contoso.com", "dns_servers=192.0.2.10"], "rpc_port_config",
     {"expected": "dc2.contoso.com", "dns_servers": ["192.0.2.10"]}),
    (["source_guid", "target=dc2.contoso.com", "guid=6F1C2D3E-1111-2222-3333-444455556666"], "source_guid",
     {"target": "dc2.contoso.com", "guid": "6f1c2d3e-1111-2222-3333-444455556666"}),
])
def test_check_hands_the_probe_checked_parameters(capsys, calls, argv, probe, params):
    code = main(["check", *argv, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert calls == [(probe, params)]
    assert json.loads(out)["probe"] == probe


@pytest.mark.parametrize("argv, needle", [
    (["epm_transports", "address=192.0.2.41", "interface=nonsense"], "interface 'nonsense' is neither"),
    (["epm_transports", "interface=wmi"], "epm_transports needs address=..."),
    (["valid_ports"], "valid_ports needs server=..."),
    (["valid_ports", "server=exch1&calc"], "server 'exch1&calc'"),
    (["valid_ports", "server=exch1.contoso.com", "ports=6001,x"], "ports="),
    (["valid_ports", "server=exch1.contoso.com", "interface=wmi"], "valid_ports takes"),
    (["ntds_port", "address=192.0.2.12", "dynamic_range=49152"], "dynamic_range='49152'"),
    (["ntds_port", "address=192.0.2.12", "dynamic_range=60000-70000"], "low-high"),
    (["rpc_services", "expected=dc2..contoso"], "expected 'dc2..contoso'"),
    (["client_protocols", "dns_servers=dns1.contoso.com", "expected=ws7"], "dns_servers"),
    (["source_guid", "target=dc2.contoso.com", "guid=not-a-guid"], "guid 'not-a-guid'"),
])
def test_check_bad_input_is_one_line_and_exit_3(capsys, calls, argv, needle):
    assert needle in one_line_error(capsys, ["check", *argv])
    assert calls == []


def test_a_bad_interface_names_every_alias(capsys, calls):
    line = one_line_error(capsys, ["check", "epm_transports", "address=192.0.2.41", "interface=nonsense"])
    assert line.endswith("one of: " + ", ".join(INTERFACES))


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows no computer named means this computer")
@pytest.mark.parametrize("probe", ["client_protocols", "ntds_port", "rpc_services", "rpc_port_config"])
def test_a_registry_check_without_a_computer_is_bad_input(capsys, calls, probe):
    assert f"{probe} needs address=... or expected=..." in one_line_error(capsys, ["check", probe])


def test_check_help_lists_the_new_probes_and_the_aliases(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and line.split()}
    assert lines["epm_transports"].split()[1:] == ["address=...", "[interface=...]"]
    assert lines["valid_ports"].split()[1:6] == ["[address=...]", "[expected=...]", "server=...", "[ports=...]",
                                                 "[dns_servers=...]"]
    assert "(the proxy: address= or expected=, else server=)" in lines["valid_ports"]
    assert lines["ntds_port"].split()[1:5] == ["[address=...]", "[expected=...]", "[dynamic_range=...]",
                                               "[dns_servers=...]"]
    for probe in ("client_protocols", "ntds_port", "rpc_services", "rpc_port_config"):
        assert lines[probe].endswith("(address= or expected=)")
    assert lines["source_guid"].split()[1:] == ["target=...", "guid=...", "[dns_servers=...]"]
    assert "interface=: one of " + ", ".join(INTERFACES) + " or an interface UUID" in " ".join(out.split())


# --- diagnose / tui inputs: --interface and --proxy ---------------------------------------------------

def inputs(*argv: str) -> tuple[str | None, dict[str, object]]:
    """The symptom and the context a diagnosis starts from, as `diagnose` checks it (names qualified,
    the interface as its UUID, the proxy as a host name)."""
    parser = argparse.ArgumentParser()
    add_inputs(parser)
    symptom, given = given_inputs(parser.parse_args(list(argv)))
    context, _ = checked_context(given, flag="--")
    return symptom, {k: v for k, v in context.items() if v is not None and k != "forest"}


def test_interface_and_proxy_reach_the_context_checked():
    symptom, context = inputs("--symptom", "1722", "--target", "app1.contoso.com", "--interface", "WMI",
                              "--proxy", "CAS1.contoso.com.")
    assert symptom == "1722"
    assert context == {"target": "app1.contoso.com", "interface": WMI, "proxy": "cas1.contoso.com"}


def test_an_interface_uuid_is_kept_as_its_lower_case_form():
    _, context = inputs("--target", "dc2", "--interface", "{E3514235-4B06-11D1-AB04-00C04FC2DCD2}")
    assert context["interface"] == INTERFACES["drs"].uuid


def test_no_interface_or_proxy_leaves_the_context_alone():
    _, context = inputs("--target", "dc2.contoso.com")
    assert "interface" not in context and "proxy" not in context


@pytest.mark.parametrize("flag, value, needle", [
    ("--interface", "nonsense", "--interface 'nonsense' is neither an interface UUID nor one of: drs, netlogon"),
    ("--interface", "", "--interface ''"),
    ("--proxy", "cas1&calc", "--proxy 'cas1&calc' is not a valid host name"),
    ("--proxy", "cas1..contoso.com", "--proxy"),
])
def test_diagnose_refuses_a_bad_interface_or_proxy(capsys, calls, flag, value, needle):
    line = one_line_error(capsys, ["diagnose", "--symptom", "ad-replication-1753", "--target", "dc2.contoso.com",
                                   flag, value])
    assert needle in line
    assert calls == []


def test_diagnose_help_lists_the_aliases(capsys):
    with pytest.raises(SystemExit):
        main(["diagnose", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--interface ALIAS|UUID" in out and "--proxy HOST" in out
    assert ", ".join(INTERFACES) in out
