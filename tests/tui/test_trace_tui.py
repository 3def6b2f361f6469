"""Load a trace in the wizard: from the start screen (it picks the symptom and the target), on a step (it
answers what it shows) and from a no-fault result (offered first; the diagnosis starts again with it).
The traces are the lab captures of tests/traces/captures/; the live checks are a scripted runner."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from tests.tui.conftest import SIZE, ScriptedRunner, make_app, until
from tests.tui.test_screens import shown
from tests.tui.test_snapshots import settled, start_screen
from wizard.engine.catalog import DRS_UUID
from wizard.tui.screens.result import ResultScreen
from wizard.tui.screens.targets import TargetsScreen
from wizard.tui.screens.trace import TraceScreen
from wizard.tui.screens.walk import WalkScreen

CAPTURES = Path(__file__).parent.parent / "traces" / "captures"
DYNAMIC_BLOCKED = CAPTURES / "dynamic-blocked-client-impacket.pcap"
TARGET, ADDRESS = "dc2.lab.example", "198.51.100.30"

# what the live checks from the helpdesk PC see: a healthy DC2 (every check passes)
HEALTHY_FROM_HERE = {
    "dns_host": ("resolved", f"{TARGET} -> {ADDRESS} from DNS.", {"host": TARGET},
                 {"address": ADDRESS, "resolved_from": "dns", "addresses": [ADDRESS]}),
    "identity": ("match", f"{ADDRESS} is DC2.", {"address": ADDRESS}, {"answered_by": "DC2"}),
    "epm_map": ("registered", "DRS is registered on TCP 49153.", {"address": ADDRESS, "interface": DRS_UUID,
                                                                  "port": 49153}, {"endpoint_port": 49153}),
    "tcp_ports": ("listening", f"{ADDRESS}: TCP 49153: LISTENING", {"address": ADDRESS}, {}),
    "rpc_port_config": ("skipped", "No account: the registry was not read.", {}, {}),
    "client_protocols": ("skipped", "No account: the registry was not read.", {}, {}),
    "rpc_services": ("skipped", "No account: the services were not read.", {}, {}),
}
RPC_1722 = {"symptom": "rpc-unavailable-1722", "context": {"target": TARGET, "dns_servers": ["198.51.100.10"]}}


async def load(pilot, path: Path) -> TraceScreen:
    await until(pilot, TraceScreen, "the trace screen")
    screen = pilot.app.screen
    screen.query_one("#trace-path", Input).value = str(path)
    await pilot.press("enter")
    await until(pilot, lambda: screen.loaded is not None, "the trace read")
    await pilot.pause()
    return screen


async def test_from_the_start_screen_the_trace_picks_symptom_and_target():
    app = make_app(ScriptedRunner(HEALTHY_FROM_HERE))
    async with app.run_test(size=SIZE) as pilot:
        await start_screen(pilot)
        await pilot.press("ctrl+t")
        screen = await load(pilot, DYNAMIC_BLOCKED)
        ladder = shown(screen.query_one("#trace-ladder", Static))
        assert "ept_map MS-DRSR -> port 49153" in ladder and "49153: retransmitted (SYN x7)" in ladder
        workflow = shown(screen.query_one("#trace-workflow", Static))
        assert "broke here" in workflow  # lit from the trace: the dynamic port
        calls = screen.query_one("#trace-calls", OptionList)
        assert calls.highlighted == 0 and calls.option_count == len(screen.loaded.result.calls)
        await pilot.press("u")
        await until(pilot, TargetsScreen, "the targets form")
        assert app.screen.query_one("#target", Input).value == TARGET
        assert app.inputs.symptom is None and app.screen.symptom.id == "ad-replication-1753"


async def test_a_bad_file_says_so_in_one_line(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not packets\n" * 20)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_screen(pilot)
        await pilot.press("ctrl+t")
        await until(pilot, TraceScreen, "the trace screen")
        app.screen.query_one("#trace-path", Input).value = str(bad)
        await pilot.press("enter")
        found = app.screen.query_one("#trace-found", Static)
        await until(pilot, lambda: "not a packet capture" in shown(found), "the error line")
        assert app.screen.loaded is None and isinstance(app.screen, TraceScreen)


async def test_no_fault_result_offers_the_trace_first_and_the_trace_wins():
    runner = ScriptedRunner(HEALTHY_FROM_HERE)
    app = make_app(runner, **RPC_1722)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        await pilot.press("a")
        await until(pilot, ResultScreen, "the result")
        assert app.diagnosis.walk.cause.id == "no-fault-found-rpc"
        assert "Press l to load a network trace" in shown(app.screen.query_one("#offer-trace", Static))
        footer_keys = [b.key for b in app.screen.BINDINGS]
        assert footer_keys[0] == "l"  # offered first
        await pilot.press("l")
        await load(pilot, DYNAMIC_BLOCKED)
        await pilot.press("u")
        await until(pilot, lambda: app.diagnosis.walk.done and isinstance(app.screen, ResultScreen), "the new result")
        walk = app.diagnosis.walk
        assert walk.cause.id == "dynamic-ports-blocked"
        steps = {s.node: s for s in walk.steps}
        assert steps["epm"].source == "trace" and steps["dynamic-port"].source == "trace"
        assert "A live check from here says listening" in steps["dynamic-port"].summary


async def test_on_a_step_the_trace_answers_what_it_shows():
    app = make_app(ScriptedRunner(HEALTHY_FROM_HERE), **RPC_1722)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        await pilot.press("l")
        await load(pilot, DYNAMIC_BLOCKED)
        await pilot.press("u")
        await until(pilot, lambda: app.diagnosis.walk.steps, "the step answered")
        step = app.diagnosis.walk.steps[0]
        assert (step.node, step.source, step.outcome) == ("host", "trace", "resolved")


class TestTraceSnapshots:
    def test_loaded_trace(self, snap_compare):
        async def run_before(pilot):
            await start_screen(pilot)
            await pilot.press("ctrl+t")
            screen = await load(pilot, DYNAMIC_BLOCKED)
            screen.query_one("#trace-path", Input).value = "dynamic-blocked-client-impacket.pcap"  # no local path
        assert snap_compare(make_app(), run_before=settled(run_before), terminal_size=SIZE)
