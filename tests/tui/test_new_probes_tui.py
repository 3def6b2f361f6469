"""The registry, service and transport checks in the wizard: the check screen with each of them (a scripted
runner, no network), their evidence tables, where they put a failure in the RPC workflow picture, and the
targets form's interface and proxy fields."""

from __future__ import annotations

import io
from dataclasses import replace
from types import SimpleNamespace

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from tests.tui.conftest import FLOWS, SIZE, TARGET, ScriptedRunner, answer_myself, make_app, until
from wizard.engine.catalog import DRS_UUID
from wizard.engine.interfaces import INTERFACES
from wizard.engine.walk import Step
from wizard.tui.screens.check import PLACEHOLDERS, CheckScreen
from wizard.tui.screens.targets import TargetsScreen
from wizard.tui.screens.walk import WalkScreen
from wizard.tui.widgets.evidence import OUTCOME_STYLE, render_evidence
from wizard.tui.widgets.rpc_workflow import broken_step, failures, reached_step

WMI = INTERFACES["wmi"].uuid
DC = "10.0.0.20"

# probe -> (the parameters typed, what the runner gets, the scripted result, lines the evidence must show)
CHECKS = {
    "rpc_services": (
        {"expected": "dc2.contoso.com"}, {"expected": "dc2.contoso.com"},
        ("differ", "On dc2.contoso.com: Active Directory Domain Services (NTDS) is stopped, disabled.",
         {"read_on": "dc2.contoso.com", "services": {
             "NTDS": {"state": "stopped", "start_type": "disabled"},
             "RpcSs": {"state": "running", "start_type": "automatic"},
             "RpcLocator": {"state": "stopped", "start_type": "manual"}},
          "differ": ["Active Directory Domain Services (NTDS) is stopped, disabled"]}, {}),
        ["Services on dc2.contoso.com", "service", "state", "start type", "default?",
         "NTDS (Active Directory Domain Services)", "stopped", "disabled", "no: default running, automatic",
         "RpcSs (Remote Procedure Call)", "running", "automatic", "yes",
         "RpcLocator (Remote Procedure Call Locator)", "stopped", "manual", "yes"]),
    "client_protocols": (
        {"address": DC, "expected": "ws7.contoso.com"}, {"address": DC, "expected": "ws7.contoso.com"},
        ("incomplete", "On ws7.contoso.com: ClientProtocols: ncacn_ip_tcp is missing.",
         {"read_on": "ws7.contoso.com", "key": "present", "missing": ["ncacn_ip_tcp"],
          "values": {"ncacn_np": "rpcrt4.dll", "ncacn_http": "rpcrt4.dll", "ncacn_nb_tcp": "rpcrt4.dll",
                     "ncacn_ip_udp": "rpcrt4.dll", "ncadg_ip_udp": "rpcrt4.dll"}}, {}),
        ["Rpc\\ClientProtocols on ws7.contoso.com", "value", "data", "ok?",
         "ncacn_http", "rpcrt4.dll", "yes", "ncacn_ip_tcp", "missing", "no", "ncadg_ip_udp", "rpcrt4.dll", "–"]),
    "valid_ports": (
        {"server": "exch1.contoso.com", "expected": "cas1.contoso.com"},
        {"server": "exch1.contoso.com", "expected": "cas1.contoso.com"},
        ("incomplete", "On cas1.contoso.com: ValidPorts does not allow exch1.contoso.com:6001, ...",
         {"read_on": "cas1.contoso.com", "key": "present", "server": "exch1.contoso.com", "ports": [6001, 6002, 6004],
          "values": {"ValidPorts": "EXCH1:6001-6002;EXCH1:6004"},
          "missing": ["exch1.contoso.com:6001", "exch1.contoso.com:6002", "exch1.contoso.com:6004"]}, {}),
        ["RpcProxy ValidPorts on cas1.contoso.com for exch1.contoso.com", "name:port", "allowed?",
         "exch1:6001", "yes", "exch1.contoso.com:6001", "no", "exch1:6004", "yes", "exch1.contoso.com:6004", "no",
         "ValidPorts entries", "EXCH1:6001-6002", "EXCH1:6004"]),
    "ntds_port": (
        {"address": DC, "dynamic_range": "49152-65535"}, {"address": DC, "dynamic_range": "49152-65535"},
        ("in-use", "The fixed port 50000 is set and something answers on it, but the endpoint mapper gives DRS "
                   "port 49668: another process holds the port.",
         {"read_on": TARGET, "fixed_port": 50000, "listening": True, "drs_port": 49668,
          "dynamic_range": "49152-65535", "range_from": "given"}, {"fixed_port": 50000}),
        [f'NTDS "TCP/IP Port" on {TARGET}', "fixed port", "50000", "listening", "yes: something answers on it",
         "DRS port (endpoint mapper)", "49668", "dynamic range", "49152-65535 (given)"]),
    "epm_transports": (
        {"address": DC, "interface": "wmi"}, {"address": DC, "interface": WMI},
        ("np-only", f"{INTERFACES['wmi'].name} is registered at {DC} on named pipes but not on ncacn_ip_tcp.",
         {"address": DC, "interface": WMI, "protocols": ["ncacn_np"], "tcp_ports": [],
          "bindings": ["ncacn_np:\\\\DC2[\\pipe\\epmapper]"]}, {}),
        [f"{WMI} (wmi: {INTERFACES['wmi'].name}) at {DC}", "protocol", "binding",
         "ncacn_np", "ncacn_np:\\\\DC2[\\pipe\\epmapper]", "ncacn_ip_tcp", "not listed: no TCP endpoint"]),
}


def shown(widget: Static) -> str:
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def rows(text: str) -> list[list[str]]:
    """Each line of a table as its cells (columns are two or more spaces apart)."""
    return [[c.strip() for c in line.split("  ") if c.strip()] for line in text.splitlines() if line.strip()]


def cells(text: str) -> list[str]:
    return [c for row in rows(text) for c in row]


async def open_check(pilot, probe: str) -> CheckScreen:
    app = pilot.app
    await until(pilot, lambda: app._flows is not None, "the flows")
    app.push_screen(CheckScreen(probe))
    await until(pilot, lambda: isinstance(app.screen, CheckScreen) and app.screen.query(Input), "the check screen")
    return app.screen


# --- the check screen ---------------------------------------------------------------------------------

@pytest.mark.parametrize("probe", list(CHECKS))
async def test_each_new_check_runs_and_shows_its_evidence_table(probe):
    typed, expected, result, lines = CHECKS[probe]
    runner = ScriptedRunner({probe: result})
    app = make_app(runner)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_check(pilot, probe)
        for name, value in typed.items():
            screen.query_one(f"#param-{name}", Input).value = value
        for name in set(screen.spec.params) - set(typed):
            screen.query_one(f"#param-{name}", Input).value = ""  # nothing pre-filled reaches the probe
        await pilot.press("ctrl+r")
        await until(pilot, lambda: result[0] in shown(screen.query_one("#check-result")), "the result")
        assert runner.calls == [(probe, expected)]
        text = shown(screen.query_one("#check-result"))
    found = cells(text)
    assert [line for line in lines if line not in found] == []
    assert [result[0], "·", "0.02 s"] in rows(text)  # the outcome and time head the evidence


async def test_the_check_screen_explains_each_new_parameter():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_check(pilot, "valid_ports")
        placeholders = {i.id.removeprefix("param-"): i.placeholder for i in screen.query(Input)}
        assert placeholders["server"] == PLACEHOLDERS["server"] == "the mailbox server (FQDN) ValidPorts must allow"
        assert "whose registry is read" in placeholders["expected"]
        await app.pop_screen()
        screen = await open_check(pilot, "ntds_port")
        assert screen.query_one("#param-dynamic_range", Input).placeholder.startswith("low-high, e.g. 49152-65535")
        await app.pop_screen()
        screen = await open_check(pilot, "epm_transports")
        assert "wmi, sql" in screen.query_one("#param-interface", Input).placeholder


async def test_known_values_prefill_the_checks_the_interface_by_its_alias():
    context = {"target": "exch1.contoso.com", "proxy": "cas1.contoso.com", "interface": WMI}
    app = make_app(context=context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_check(pilot, "valid_ports")
        assert screen.query_one("#param-server", Input).value == "exch1.contoso.com"
        assert screen.query_one("#param-expected", Input).value == "cas1.contoso.com"  # the proxy's registry
        await app.pop_screen()
        screen = await open_check(pilot, "epm_transports")
        assert screen.query_one("#param-interface", Input).value == "wmi"
        await app.pop_screen()
        screen = await open_check(pilot, "client_protocols")
        assert screen.query_one("#param-expected", Input).value == "exch1.contoso.com"


@pytest.mark.parametrize("probe, name, value, needle", [
    ("epm_transports", "interface", "nonsense", "interface 'nonsense' is neither an interface UUID nor one of: drs"),
    ("ntds_port", "dynamic_range", "49152", "dynamic_range='49152': give the range as low-high"),
    ("valid_ports", "server", "exch1&calc", "server 'exch1&calc' is not a valid host name"),
])
async def test_a_bad_new_parameter_is_said_and_nothing_runs(probe, name, value, needle):
    runner = ScriptedRunner({})
    app = make_app(runner, context={"target": TARGET})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_check(pilot, probe)
        if "address" in screen.spec.params:
            screen.query_one("#param-address", Input).value = DC
        screen.query_one(f"#param-{name}", Input).value = value
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert needle in " ".join(shown(screen.query_one("#check-result")).split())
        assert runner.calls == []


# --- evidence tables from pastes and odd shapes ---------------------------------------------------------

def text_of(step: Step) -> str:
    console = Console(record=True, width=120, file=io.StringIO())
    console.print(render_evidence(step))
    return console.export_text()


def test_pasted_fixed_port_and_services_say_what_the_paste_did_not_show():
    port = text_of(Step("fixed-port", "ntds_port", "none", "none", {
        "read_on": "the computer reg query ran on", "fixed_port": None, "listening": None, "drs_port": None,
        "dynamic_range": "49152-65535", "range_from": "the default of Windows Server 2008 and later"}, source="paste"))
    assert ["fixed port", "none set"] in rows(port) and ["listening", "not checked (from a paste)"] in rows(port)
    services = text_of(Step("services", "rpc_services", "absent", "absent", {
        "read_on": "dc9", "services": {"NTDS": {"state": "no such service", "start_type": ""},
                                       "RpcSs": {"state": "running", "start_type": ""}}}))
    assert ["NTDS (Active Directory Domain Services)", "no such service", "–", "–"] in rows(services)
    assert ["RpcSs (Remote Procedure Call)", "running", "–", "yes"] in rows(services)


def test_valid_ports_not_set_and_tcp_transports():
    proxy = text_of(Step("validports", "valid_ports", "absent", "absent", {
        "read_on": "cas1", "key": "not found", "values": {}, "missing": [], "server": "exch1", "ports": [6001]}))
    assert ["exch1:6001", "yes"] in rows(proxy) and ["not set"] in rows(proxy)
    tcp = text_of(Step("transports", "epm_transports", "tcp", "tcp", {
        "address": DC, "interface": DRS_UUID, "protocols": ["ncacn_ip_tcp", "ncacn_np"], "tcp_ports": [49668],
        "bindings": [f"ncacn_ip_tcp:{DC}[49668]", "ncacn_np:\\\\DC2[\\pipe\\lsass]"]}))
    assert ["ncacn_ip_tcp", f"ncacn_ip_tcp:{DC}[49668]"] in rows(tcp) and "not listed" not in tcp
    assert "MS NT Directory DRS Interface" in tcp


def test_every_new_outcome_has_a_colour():
    assert {OUTCOME_STYLE[o] for o in ("tcp", "complete", "defaults", "in-range", "same")} == {"green"}
    bad = ("np-only", "incomplete", "absent", "differ", "in-use", "outside-range", "different")
    assert {OUTCOME_STYLE[o] for o in bad} == {"red"}


# --- the RPC workflow picture -------------------------------------------------------------------------

def walk_of(*steps: tuple[str, str]) -> SimpleNamespace:
    """What the picture reads of a walk: its steps, context and cause (no flow needed)."""
    return SimpleNamespace(steps=[Step(probe, probe, outcome, "") for probe, outcome in steps],
                           context={"target": TARGET}, cause=None, inconclusive=False)


@pytest.mark.parametrize("probe, outcome, step, marker", [
    ("rpc_services", "differ", 1, "services"),
    ("ntds_port", "in-use", 1, "fixed port"),
    ("ntds_port", "outside-range", 1, "fixed port"),
    ("client_protocols", "incomplete", 2, "client protocols"),
    ("client_protocols", "absent", 2, "client protocols"),
    ("valid_ports", "incomplete", 3, "ValidPorts"),
    ("valid_ports", "absent", 3, "ValidPorts"),
    ("epm_transports", "np-only", 4, "pipes only"),
    ("epm_transports", "not-registered", 4, "not listed"),
    ("epm_transports", "filtered", 3, "135 filtered"),
])
def test_a_failing_new_check_lights_its_workflow_step(probe, outcome, step, marker):
    walk = walk_of((probe, outcome))
    (failure,) = failures(walk)
    assert (failure.step, failure.marker, broken_step(walk)) == (step, marker, step)
    assert f"(step {step})" in failure.caption


@pytest.mark.parametrize("probe, outcome", [
    ("rpc_services", "defaults"), ("rpc_services", "absent"), ("ntds_port", "none"), ("ntds_port", "in-range"),
    ("client_protocols", "complete"), ("valid_ports", "complete"), ("epm_transports", "tcp"),
])
def test_a_passing_new_check_lights_nothing(probe, outcome):
    walk = walk_of((probe, outcome))
    assert failures(walk) == [] and broken_step(walk) is None


def test_transports_confirm_the_path_like_epm_map():
    assert reached_step(walk_of(("epm_transports", "tcp"))) == 4
    assert reached_step(walk_of(("epm_transports", "np-only"))) == 3
    # a TCP endpoint at a computer that is not the one meant: the wrong DC answers (step 5)
    (failure,) = failures(walk_of(("identity", "mismatch"), ("epm_transports", "tcp")))[1:]
    assert (failure.step, failure.marker) == (5, "wrong DC")
    # the port the mapper handed out, checked after it, is step 5 too
    (port,) = failures(walk_of(("epm_transports", "tcp"), ("tcp_ports", "filtered")))
    assert (port.step, port.marker) == (5, "port filtered")


# --- the targets form ---------------------------------------------------------------------------------

def with_context(**context: str):
    """ad-replication-1753's symptom whose context also names `context`: the form shows a field for each."""
    symptom = FLOWS.symptom("ad-replication-1753")
    return replace(symptom, context={**symptom.context, **context})


async def open_form(pilot, symptom) -> TargetsScreen:
    app = pilot.app
    await until(pilot, lambda: app._flows is not None, "the flows")
    app.push_screen(TargetsScreen(symptom, app.inputs))
    await until(pilot, lambda: isinstance(app.screen, TargetsScreen) and app.screen.query("#target"),
                "the targets form")
    return app.screen


async def test_the_interface_field_is_checked_as_typed_and_started_as_its_uuid():
    app = make_app(context={"target": TARGET, "dest": "dc1.contoso.com"})
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, with_context(interface="the interface the client uses"))
        field = form.query_one("#interface", Input)
        assert "drs, wmi, sql" in field.placeholder and not form.query("#proxy")
        assert shown(form.query_one("#interface-help", Static)).strip() == "the interface the client uses"
        field.focus()
        await pilot.press(*"nonsense")
        await pilot.pause()
        help_text = " ".join(shown(form.query_one("#interface-help", Static)).split())
        assert help_text == ("interface 'nonsense' is neither an interface UUID nor one of: "
                             + ", ".join(INTERFACES))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TargetsScreen)
        assert "interface 'nonsense'" in shown(form.query_one("#form-error", Static))
        field.value = "WMI"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, WalkScreen), "the step screen")
        assert app.diagnosis.walk.context["interface"] == WMI


async def test_the_proxy_field_and_an_interface_given_on_the_command_line():
    app = make_app(context={"target": TARGET, "interface": WMI})
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, with_context(proxy="the RPC proxy", interface="the interface"))
        assert form.query_one("#interface", Input).value == "wmi"  # the UUID given, shown by its alias
        proxy = form.query_one("#proxy", Input)
        proxy.value = "cas1&calc"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "proxy 'cas1&calc' is not a valid host name" in shown(form.query_one("#form-error", Static))
        proxy.value = "CAS1.contoso.com"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, WalkScreen), "the step screen")
        context = app.diagnosis.walk.context
        assert (context["proxy"], context["interface"]) == ("cas1.contoso.com", WMI)


async def test_a_symptom_that_does_not_name_them_has_neither_field_and_keeps_what_was_given():
    # a pasted netsh gave the dynamic range, the command line an interface: no field, but the walk gets them
    app = make_app(context={"target": TARGET, "dynamic_range": "10000-20000", "interface": WMI})
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, FLOWS.symptom("domain-join-0x6d9"))
        assert not form.query("#interface") and not form.query("#proxy")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, WalkScreen), "the step screen")
        context = app.diagnosis.walk.context
        assert (context["target"], context["dynamic_range"], context["interface"]) == (TARGET, "10000-20000", WMI)


@pytest.mark.skipif("rpc-unavailable-1722" not in FLOWS.symptoms, reason="the 1722 flows are not written yet")
async def test_the_1722_symptoms_ask_for_their_interface_or_proxy():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, FLOWS.symptom("rpc-unavailable-1722"))
        assert form.query("#interface") and not form.query("#proxy")
        await app.pop_screen()
        form = await open_form(pilot, FLOWS.symptom("exchange-rpc-http-1722"))
        assert form.query("#proxy") and not form.query("#interface")


# --- a question for the person (the Exchange 2007 IPv6 note) ---------------------------------------

EXCHANGE_6004 = {
    "dns_host": ("resolved", "mbx.contoso.com -> 10.0.0.40 from DNS.", {}, {"address": "10.0.0.40"}),
    "identity": ("match", "10.0.0.40 is MBX.", {}, {"answered_by": "MBX"}),
    "tcp_ports": ("listening", "6001, 6002 LISTENING.", {"ports": {"6001": {"state": "LISTENING"}}}, {}),
    "ask": ("skipped", "Only you can answer this.", {}, {}),
}


async def test_the_ipv6_question_waits_for_the_person():
    from wizard.tui.screens.result import ResultScreen

    script = dict(EXCHANGE_6004)
    runner = ScriptedRunner(script)
    app = make_app(runner, symptom="exchange-rpc-http-1722", context={"target": "mbx.contoso.com"})
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the first step")
        for node in ("host", "identity", "ports-6001-6002", "port-6004"):
            if node == "port-6004":
                script["tcp_ports"] = ("not-listening", "6004 NOT LISTENING.",
                                       {"ports": {"6004": {"state": "NOT LISTENING"}}}, {})
            count = len(app.diagnosis.walk.steps)
            await pilot.press("r")
            await until(pilot, lambda n=count: len(app.diagnosis.walk.steps) > n, f"the check of {node}")
        await pilot.pause()
        assert app.diagnosis.walk.node.id == "exchange-2007-ipv6"
        assert "A question for you: m answers it" in str(app.screen.query_one("#status", Static).render())
        await answer_myself(pilot, "yes")
        await until(pilot, ResultScreen, "the result")
        assert app.diagnosis.walk.cause.id == "exchange-2007-ipv6-dsproxy"
        assert "ask" not in runner.probes  # the question was answered, not run
