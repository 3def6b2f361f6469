"""The pure rules behind the registry and service checks (document 000's ClientProtocols and services
table, document 004's ValidPorts, KB 224196's fixed port) and the interface aliases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard import WizardError
from wizard.engine.interfaces import INTERFACES, resolve_interface
from wizard.verdicts.registry_rules import (
    CLIENT_PROTOCOLS,
    dynamic_range,
    judge_client_protocols,
    judge_fixed_port,
    judge_valid_ports,
    valid_ports_entries,
)

EXCH_2007 = "EXCH1:6001-6002;exch1.lab.example:6001-6002;EXCH1:6004;exch1.lab.example:6004"


def test_client_protocols_five_defaults():
    values = {name: "rpcrt4.dll" for name in CLIENT_PROTOCOLS}
    assert judge_client_protocols(values)[0] == "complete"
    assert judge_client_protocols({k.upper(): v.upper() for k, v in values.items()})[0] == "complete"
    outcome, why, missing = judge_client_protocols({k: v for k, v in values.items() if k != "ncacn_ip_tcp"})
    assert (outcome, missing) == ("incomplete", ["ncacn_ip_tcp"]) and "ncacn_ip_tcp is missing" in why
    assert judge_client_protocols({**values, "ncacn_np": "evil.dll"})[2] == ["ncacn_np"]
    assert judge_client_protocols(None)[0] == "absent"


def test_valid_ports_needs_both_names_for_each_port():
    assert judge_valid_ports(EXCH_2007, "exch1.lab.example")[0] == "complete"
    outcome, _, missing = judge_valid_ports("EXCH1:6001-6002;EXCH1:6004", "exch1.lab.example")
    assert outcome == "incomplete"
    assert missing == ["exch1.lab.example:6001", "exch1.lab.example:6002", "exch1.lab.example:6004"]
    assert judge_valid_ports(EXCH_2007.replace(";EXCH1:6004", ""), "exch1.lab.example")[2] == ["exch1:6004"]
    assert judge_valid_ports(None, "exch1.lab.example")[0] == "absent"
    assert judge_valid_ports("", "exch1.lab.example")[0] == "incomplete"


def test_valid_ports_wildcards_and_ranges():
    assert judge_valid_ports("*:6001-6004", "mbx.contoso.com")[0] == "complete"
    assert judge_valid_ports("mbx*:6001-6004", "mbx.contoso.com")[0] == "complete"
    assert judge_valid_ports("*.contoso.com:6001-6004", "mbx.contoso.com")[2] == ["mbx:6001", "mbx:6002", "mbx:6004"]
    assert valid_ports_entries(" a : 1 - 2 ;junk;b:3") == [("a", 1, 2), ("b", 3, 3)]


def test_valid_ports_refuses_an_empty_port_list():
    with pytest.raises(ValueError):
        judge_valid_ports(EXCH_2007, "exch1.lab.example", [])


@given(st.text(max_size=300), st.sampled_from(["exch1.lab.example", "mbx", "a.b.c"]))
def test_valid_ports_never_raises_on_garbage(text, server):
    outcome, _, missing = judge_valid_ports(text, server)
    assert outcome in ("complete", "incomplete") and (outcome == "complete") == (missing == [])


def test_fixed_port_rules():
    assert judge_fixed_port(None, False, None, 49152, 65535, "default")[0] == "none"
    assert judge_fixed_port(50100, True, None, 49152, 65535, "default")[0] == "in-use"  # DRS not on TCP
    assert judge_fixed_port(50100, True, 49153, 49152, 65535, "default")[0] == "in-use"  # DRS elsewhere
    assert judge_fixed_port(50100, True, 50100, 49152, 65535, "default")[0] == "in-range"  # DRS holds it
    assert judge_fixed_port(3000, True, 3000, 49152, 65535, "default")[0] == "outside-range"
    assert judge_fixed_port(70000, False, None, 49152, 65535, "default")[0] == "outside-range"


@given(st.integers(1, 65535), st.integers(1, 65535), st.integers(1, 65535))
def test_fixed_port_range_is_inclusive(port, a, b):
    low, high = sorted((a, b))
    outcome = judge_fixed_port(port, False, None, low, high, "given")[0]
    assert outcome == ("in-range" if low <= port <= high else "outside-range")


def test_dynamic_range_sources():
    assert dynamic_range(None) == (49152, 65535, "the default of Windows Server 2008 and later")
    assert dynamic_range(["5000-6000"]) == (5000, 6000, "Rpc\\Internet Ports")
    assert dynamic_range(["5000-6000"], "1025-5000") == (1025, 5000, "given")
    assert dynamic_range(None, "70000-80000")[2] != "given"  # not a range of ports: ignored


def test_interface_aliases_carry_impacket_names():
    from impacket.dcerpc.v5.epm import KNOWN_PROTOCOLS, KNOWN_UUIDS
    from impacket.uuid import bin_to_string

    providers = {bin_to_string(k)[:36].lower(): v for k, v in KNOWN_UUIDS.items()}
    for alias, iface in INTERFACES.items():
        assert iface.name in (KNOWN_PROTOCOLS.get(iface.uuid.upper()), providers.get(iface.uuid)), alias


def test_resolve_interface():
    assert resolve_interface("WMI") == INTERFACES["wmi"].uuid
    assert resolve_interface("E3514235-4B06-11D1-AB04-00C04FC2DCD2") == "e3514235-4b06-11d1-ab04-00c04fc2dcd2"
    with pytest.raises(WizardError, match="drs, netlogon"):
        resolve_interface("nonsense")


def _services(**seen):
    from wizard.probes.registry import Target
    from wizard.probes.services import _verdict

    return _verdict(Target("192.0.2.1", "dc1.contoso.com"), {"NTDS": None, "RpcSs": None, "RpcLocator": None, **seen})


def test_services_against_document_000s_table():
    running_auto = {"state": "running", "start_type": "automatic"}
    stopped_manual = {"state": "stopped", "start_type": "manual"}
    assert _services(NTDS=running_auto, RpcSs=running_auto, RpcLocator=stopped_manual).outcome == "defaults"
    locator_auto = _services(RpcSs=running_auto, RpcLocator={"state": "running", "start_type": "automatic"})
    assert locator_auto.outcome == "differ"
    assert locator_auto.evidence["differ"] == ["Remote Procedure Call Locator (RpcLocator) is running, automatic"]
    assert _services(NTDS={"state": "stopped", "start_type": "disabled"}).outcome == "differ"
    assert _services().outcome == "absent"  # Samba: none of the three


def test_misconfigured_services_end_on_their_cited_cause(capsys):
    """Samba has none of the services, so the lab cannot show this cause; the tree reaches it from the
    answer a person gives after running sc qc by hand."""
    import json

    from wizard.cli import main

    code = main(["diagnose", "--symptom", "rpc-port-config-87", "--target", "dc1.contoso.com", "--format", "json",
                 "--answer", "host=resolved", "--answer", "identity=match", "--answer", "port-config=default",
                 "--answer", "services=differ"])
    report = json.loads(capsys.readouterr().out)
    assert (code, report["root_cause"]["id"]) == (1, "rpc-service-misconfigured")
    quotes = [c["quote"] for c in report["root_cause"]["citations"]]
    assert any("startup value and service status for RPC service and RPC Locator" in q for q in quotes)
