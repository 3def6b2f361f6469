"""Probe parameters as a person types them for `rpc-wizard check`.

A parameter a probe cannot be called without is bad input (exit 3, naming it), not "the answer could
not be understood"; the command shown is one portqry can run.
"""

from __future__ import annotations

import inspect
import json
import socket
import sys

import pytest

from wizard import WizardError
from wizard.cli import main
from wizard.engine.catalog import CATALOG
from wizard.engine.params import check_addresses, check_params
from wizard.probes.run import probe_function


@pytest.mark.parametrize("probe", sorted(CATALOG))
def test_required_covers_what_the_probe_cannot_be_called_without(probe):
    signature = inspect.signature(probe_function(probe)).parameters.values()
    without_default = tuple(p.name for p in signature if p.default is p.empty and p.name != "session")
    assert set(without_default) <= set(CATALOG[probe].required) <= set(CATALOG[probe].params)


def test_list_items_are_each_an_address():
    params = check_params("identity", {"address": "127.0.0.1", "expected": "dc2",
                                       "addresses": " 127.0.0.2, ::1 ,"})
    assert params["addresses"] == ["127.0.0.2", "::1"]


@pytest.mark.parametrize("value", ["a&b", ["a&b"], "127.0.0.1,a&b", ("127.0.0.1", "a")])
def test_a_list_is_checked_item_by_item_never_char_by_char(value):
    with pytest.raises(WizardError, match="addresses 'a"):
        check_addresses(value, "addresses")


def test_an_interface_is_a_uuid():
    params = check_params("epm_map", {"address": "127.0.0.1", "interface": "{E3514235-4B06-11D1-AB04-00C04FC2DCD2}"})
    assert params["interface"] == "e3514235-4b06-11d1-ab04-00c04fc2dcd2"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def loopback_135_closed():
    """`advertised` asks the endpoint mapper on 127.0.0.1:135 first; the answer must be a quick refusal."""
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 135)) == 0:
            pytest.skip("something listens on 127.0.0.1:135 here")


def test_advertised_is_not_put_into_the_portqry_command(capsys, monkeypatch, loopback_135_closed):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    port = _closed_port()
    assert main(["check", "tcp_ports", "address=127.0.0.1", f"ports={port},advertised", "--format", "json"]) == 1
    command = json.loads(capsys.readouterr().out)["command"]
    assert command.splitlines() == [f"portqry -n 127.0.0.1 -o {port}", "portqry -n 127.0.0.1 -e 135"]

    assert main(["check", "tcp_ports", "address=127.0.0.1", f"ports={port},advertised"]) == 1
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert lines[1:3] == [f"Windows: portqry -n 127.0.0.1 -o {port}", "portqry -n 127.0.0.1 -e 135"]
    assert lines[3].startswith("(advertised: the TCP ports the endpoint mapper lists")


def test_only_advertised_gives_the_endpoint_mapper_listing(capsys, monkeypatch, loopback_135_closed):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    main(["check", "tcp_ports", "address=127.0.0.1", "ports=advertised", "--format", "json"])  # nothing listed
    assert json.loads(capsys.readouterr().out)["command"] == "portqry -n 127.0.0.1 -e 135"
