"""Snapshots of every screen and state of the wizard at 120x40, one class per screen (as posting does).

Each test drives a fresh app (real flows, a scripted runner, a clock that stands still) to one state
with the helpers below, waiting on the app's own state (workers done, screens on top, steps recorded)
in bounded loops, never on fixed sleeps alone; cursors do not blink. Update with
`.venv/bin/python -m pytest -q tests/tui/test_snapshots.py --snapshot-update` and look at every
changed SVG before committing it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TextArea

from tests.tui.conftest import (
    AD_DS_NOT_RUNNING,
    ADDRESS,
    DNS_SILENT,
    REPLICATION,
    SIZE,
    STALE_A_RECORD,
    ScriptedRunner,
    make_app,
    until,
)
from wizard.tui.app import WizardApp
from wizard.tui.screens.answer import AnswerScreen, PasteScreen
from wizard.tui.screens.check import CheckScreen
from wizard.tui.screens.help import HelpScreen
from wizard.tui.screens.paste_log import PasteLogScreen
from wizard.tui.screens.result import ResultScreen
from wizard.tui.screens.targets import TargetsScreen
from wizard.tui.screens.walk import WalkScreen

SAMPLES = Path(__file__).parents[1] / "parsers" / "samples"
SYMPTOM = REPLICATION["symptom"]

# what `portqry -n 10.0.0.20 -o 135` shows when a firewall drops the endpoint mapper's port
TCP_PORTS = ("filtered", f"TCP port 135 at {ADDRESS} is FILTERED: nothing answered.",
             {"address": ADDRESS,
              "ports": {"135": {"state": "FILTERED", "detail": "no answer within the timeout", "elapsed_s": 2.0}}},
             {})
WITH_TCP_PORTS = {**STALE_A_RECORD, "tcp_ports": TCP_PORTS}

# a paste that is not the output of the first step's command (repadmin /showobjmeta)
WRONG_PASTE = (SAMPLES / "portqry_135_filtered.txt").read_text(encoding="utf-8")

Drive = Callable[[Pilot], object]


# --- driving the app to a state -------------------------------------------------------------------

def on_top(pilot: Pilot, screen_type: type) -> Callable[[], bool]:
    return lambda: isinstance(pilot.app.screen, screen_type)


def text_of(static: Static) -> str:
    return str(static.content)


def steady(app: WizardApp) -> None:
    """No blinking cursor in any screen (a blink in the middle of a snapshot would flip it)."""
    for screen in app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            widget.cursor_blink = False


def settled(run_before: Drive) -> Drive:
    """`run_before` for snap_compare: drive the app, then stop the cursors blinking."""
    async def run(pilot: Pilot) -> None:
        await run_before(pilot)
        await pilot.pause()
        steady(pilot.app)
    return run


async def start_screen(pilot: Pilot, typed: str = "") -> None:
    """The start screen with the flows loaded and the symptom list filled, then `typed` typed."""
    app = pilot.app
    await until(pilot, lambda: app._flows is not None
                and app.screen.query_one("#symptoms", OptionList).option_count > 0, "the symptom list")
    if typed:
        await pilot.press(*typed)
        await until(pilot, lambda: app.screen.query_one("#search", Input).value == typed, "the typed query")
    await pilot.pause()


async def targets_form(pilot: Pilot, target: str | None = None) -> None:
    """ad-replication-1753 chosen on the start screen; `target` typed into the (empty) Target field."""
    await start_screen(pilot, "1753")
    options = pilot.app.screen.query_one("#symptoms", OptionList)
    assert options.get_option_at_index(options.highlighted).id == SYMPTOM
    await pilot.press("enter")
    await until(pilot, on_top(pilot, TargetsScreen), "the targets form")
    if target is not None:
        field = pilot.app.screen.query_one("#target", Input)
        assert field.has_focus and not field.value
        await pilot.press(*target)
        await until(pilot, lambda: field.value == target, "the typed target")


async def step_screen(pilot: Pilot) -> WalkScreen:
    """make_app(**REPLICATION) opens straight on the first step."""
    await until(pilot, on_top(pilot, WalkScreen), "the step screen")
    await pilot.pause()
    return pilot.app.screen


async def run_steps(pilot: Pilot, count: int) -> WalkScreen:
    """Press r `count` times, each time waiting for the probe to be called and its result recorded."""
    screen = await step_screen(pilot)
    runner = pilot.app.runner
    for number in range(1, count + 1):
        await pilot.press("r")
        await until(pilot, lambda n=number: len(runner.calls) == n and len(screen.diagnosis.walk.steps) == n
                    and screen.running is None, f"step {number} recorded")
    await pilot.pause()
    return screen


async def run_all(pilot: Pilot) -> ResultScreen:
    await step_screen(pilot)
    await pilot.press("a")
    await until(pilot, on_top(pilot, ResultScreen), "the result screen")
    await pilot.pause()
    return pilot.app.screen


async def palette(pilot: Pilot, query: str = "") -> CommandPalette:
    """The command palette on the step screen, its search for `query` finished."""
    await step_screen(pilot)
    await pilot.press("ctrl+p")
    await until(pilot, on_top(pilot, CommandPalette), "the command palette")
    screen = pilot.app.screen
    if query:
        await pilot.press(*query)
    commands = screen.query_one(CommandList)
    await until(pilot, lambda: screen.query_one(Input).value == query and "-ready" in screen.classes
                and not any(w.is_running or w.state.name == "PENDING" for w in screen.workers)
                and commands.option_count > 0, f"the palette's commands for {query!r}")
    await pilot.pause()
    return screen


async def check_screen(pilot: Pilot, address: str = ADDRESS, ports: str = "135") -> CheckScreen:
    """'Run check tcp_ports' chosen in the palette, its parameters typed, Enter, its result shown."""
    found = await palette(pilot, "tcp_ports")
    commands = found.query_one(CommandList)
    assert str(commands.get_option_at_index(commands.highlighted).hit.text) == "Run check tcp_ports"
    await pilot.press("enter")
    await until(pilot, on_top(pilot, CheckScreen), "the check screen")
    screen = pilot.app.screen
    for name, value in (("address", address), ("ports", ports)):
        field = screen.query_one(f"#param-{name}", Input)
        field.focus()
        field.value = ""
        await pilot.press(*value)
        await until(pilot, lambda f=field, v=value: f.value == v, f"the typed {name}")
    await pilot.press("enter")
    result = screen.query_one("#check-result", Static)
    await until(pilot, lambda: len(pilot.app.runner.calls) == 1 and not isinstance(result.content, (str, Text))
                and not any(w.is_running for w in screen.workers), "the check's result")  # a Group of its evidence
    await pilot.pause()
    return screen


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Holds every probe call until set; always set afterwards, so no probe thread is left waiting."""
    event = threading.Event()
    yield event
    event.set()


def release_on_exit(app: WizardApp, gate: threading.Event) -> WizardApp:
    """Open the gate when snap_compare leaves the app (after its screenshot): the held probe ends
    before the app's shutdown waits for its thread."""
    leave = app.exit

    def exit_and_release(*args, **kwargs) -> None:
        gate.set()
        leave(*args, **kwargs)

    app.exit = exit_and_release  # type: ignore[method-assign]
    return app


# --- the snapshots ------------------------------------------------------------------------------

class TestStart:
    def test_symptoms(self, snap_compare):
        assert snap_compare(make_app(), run_before=settled(start_screen), terminal_size=SIZE)

    def test_filtered_by_a_word(self, snap_compare):
        async def run_before(pilot):
            await start_screen(pilot, "principal")
        assert snap_compare(make_app(), run_before=settled(run_before), terminal_size=SIZE)

    def test_nothing_matches(self, snap_compare):
        async def run_before(pilot):
            await start_screen(pilot, "zzzz")
        assert snap_compare(make_app(), run_before=settled(run_before), terminal_size=SIZE)


class TestPasteLog:
    def test_found_in_dcdiag(self, snap_compare):
        async def run_before(pilot):
            await start_screen(pilot)
            await pilot.press("ctrl+l")
            await until(pilot, on_top(pilot, PasteLogScreen), "the paste-a-log screen")
            screen = pilot.app.screen
            screen.query_one("#log", TextArea).text = (SAMPLES / "dcdiag_1753.txt").read_text(encoding="utf-8")
            await pilot.press("ctrl+r")
            found = screen.query_one("#found", Static)
            await until(pilot, lambda: text_of(found) not in ("", "Reading..."), "the log read")
        assert snap_compare(make_app(), run_before=settled(run_before), terminal_size=SIZE)


class TestTargets:
    def test_invalid_target(self, snap_compare):
        async def run_before(pilot):
            await targets_form(pilot, "dc2..contoso.com")
        assert snap_compare(make_app(), run_before=settled(run_before), terminal_size=SIZE)

    def test_prefilled(self, snap_compare):
        app = make_app(context=dict(REPLICATION["context"]))
        assert snap_compare(app, run_before=settled(targets_form), terminal_size=SIZE)


class TestStep:
    def test_first_step(self, snap_compare):
        assert snap_compare(make_app(**REPLICATION), run_before=settled(step_screen), terminal_size=SIZE)

    def test_mid_walk_evidence(self, snap_compare):
        async def run_before(pilot):
            await run_steps(pilot, 4)  # ntds_lookup, dns_cname, dns_host, identity: MEMBER1 answers
        assert snap_compare(make_app(**REPLICATION), run_before=settled(run_before), terminal_size=SIZE)

    def test_probe_running(self, snap_compare, gate):
        runner = ScriptedRunner(STALE_A_RECORD, gate=gate)
        app = release_on_exit(make_app(runner, **REPLICATION), gate)

        async def run_before(pilot):
            screen = await step_screen(pilot)
            await pilot.press("r")
            await until(pilot, lambda: len(runner.calls) == 1 and screen.running is not None, "the probe running")
        assert snap_compare(app, run_before=settled(run_before), terminal_size=SIZE)


class TestDialogs:
    def test_answer(self, snap_compare):
        async def run_before(pilot):
            await step_screen(pilot)
            await pilot.press("m")
            await until(pilot, on_top(pilot, AnswerScreen), "the answer dialog")
        assert snap_compare(make_app(**REPLICATION), run_before=settled(run_before), terminal_size=SIZE)

    def test_paste_read_wrong(self, snap_compare):
        async def run_before(pilot):
            await step_screen(pilot)
            await pilot.press("p")
            await until(pilot, on_top(pilot, PasteScreen), "the paste dialog")
            screen = pilot.app.screen
            screen.query_one("#paste", TextArea).text = WRONG_PASTE
            await pilot.press("ctrl+r")
            error = screen.query_one("#paste-error", Static)
            await until(pilot, lambda: text_of(error) not in ("", "Reading…")
                        and not any(w.is_running for w in screen.workers), "the paste's error")
        assert snap_compare(make_app(**REPLICATION), run_before=settled(run_before), terminal_size=SIZE)


class TestResult:
    def test_stale_dns_record(self, snap_compare):
        app = make_app(ScriptedRunner(STALE_A_RECORD), **REPLICATION)
        assert snap_compare(app, run_before=settled(run_all), terminal_size=SIZE)

    def test_ad_ds_not_running(self, snap_compare):
        app = make_app(ScriptedRunner(AD_DS_NOT_RUNNING), **REPLICATION)
        assert snap_compare(app, run_before=settled(run_all), terminal_size=SIZE)

    def test_inconclusive(self, snap_compare):
        app = make_app(ScriptedRunner(DNS_SILENT), **REPLICATION)
        assert snap_compare(app, run_before=settled(run_all), terminal_size=SIZE)


class TestPalette:
    def test_open_on_step(self, snap_compare):
        assert snap_compare(make_app(**REPLICATION), run_before=settled(palette), terminal_size=SIZE)

    def test_filtered_epm(self, snap_compare):
        async def run_before(pilot):
            await palette(pilot, "epm")
        assert snap_compare(make_app(**REPLICATION), run_before=settled(run_before), terminal_size=SIZE)


class TestCheck:
    def test_tcp_ports_result(self, snap_compare):
        app = make_app(ScriptedRunner(WITH_TCP_PORTS), **REPLICATION)
        assert snap_compare(app, run_before=settled(check_screen), terminal_size=SIZE)


class TestHelp:
    def test_on_the_step_screen(self, snap_compare, monkeypatch):
        monkeypatch.setenv("RPC_WIZARD_CONFIG", "/nonexistent/rpc-wizard/config.toml")  # the same path every run

        async def run_before(pilot):
            await step_screen(pilot)
            await pilot.press("f1")
            await until(pilot, lambda: on_top(pilot, HelpScreen)() and pilot.app.screen.is_mounted, "the help")
        assert snap_compare(make_app(**REPLICATION), run_before=settled(run_before), terminal_size=SIZE)


class TestThemes:
    def test_ansi_dark_mid_walk(self, snap_compare, own_config):
        """The terminal's own colours: the theme read from the config file, as a person would have chosen it."""
        own_config.parent.mkdir(parents=True)
        own_config.write_text('theme = "ansi-dark"\n', encoding="utf-8")

        async def run_before(pilot):
            assert pilot.app.theme == "ansi-dark"
            await run_steps(pilot, 4)
        assert snap_compare(make_app(**REPLICATION), run_before=settled(run_before), terminal_size=SIZE)


class TestSweep:
    def test_forest_swept(self, snap_compare):
        from tests.test_sweep import ForestRunner
        from wizard.tui.screens.sweep import SweepScreen

        async def run_before(pilot: Pilot) -> None:
            app = pilot.app
            await until(pilot, lambda: app._flows is not None, "the flows")
            app.push_screen(SweepScreen())
            await until(pilot, lambda: on_top(pilot, SweepScreen)() and app.screen.query("#forest"), "the sweep")
            await pilot.press("ctrl+r")
            await until(pilot, lambda: app.screen.result is not None and not any(
                w.is_running for w in app.screen.workers), "the sweep to finish")

        app = make_app(ForestRunner({"dc2.contoso.com": {"epm_map": "not-registered"}}),
                       context={"target": "dc1.contoso.com", "dns_servers": ["10.0.0.10"]})
        assert snap_compare(app, run_before=settled(run_before), terminal_size=SIZE)


# --- what a snapshot cannot show ----------------------------------------------------------------

class TestBehindTheSnapshots:
    async def test_running_snapshot_has_a_probe_running(self, gate):
        """The running state is real: the probe is held in its thread, then its result is recorded."""
        runner = ScriptedRunner(STALE_A_RECORD, gate=gate)
        app = make_app(runner, **REPLICATION)
        async with app.run_test(size=SIZE) as pilot:
            screen = await step_screen(pilot)
            await pilot.press("r")
            await until(pilot, lambda: len(runner.calls) == 1, "the probe called")
            await pilot.pause(0.2)  # the ticker runs; the probe is still held
            assert screen.running is not None and screen.running.call.probe == "ntds_lookup"
            assert runner.probes == ["ntds_lookup"] and not screen.diagnosis.walk.steps
            assert text_of(screen.query_one("#status", Static)).startswith("⠋ Running ntds_lookup")
            gate.set()
            await until(pilot, lambda: screen.running is None and len(screen.diagnosis.walk.steps) == 1,
                        "the held probe's result")
            assert screen.diagnosis.walk.steps[0].outcome == "skipped"

    async def test_check_runs_with_the_typed_parameters(self):
        runner = ScriptedRunner(WITH_TCP_PORTS)
        app = make_app(runner, **REPLICATION)
        async with app.run_test(size=SIZE) as pilot:
            await check_screen(pilot)
            assert runner.calls == [("tcp_ports", {"address": ADDRESS, "ports": [135]})]
            assert not app.diagnosis.walk.steps  # a check from the palette is not a step of the walk

    @pytest.mark.parametrize("script, probes, end", [
        (STALE_A_RECORD, ["ntds_lookup", "dns_cname", "dns_host", "identity", "epm_map", "resolution_source"],
         "stale-dns-record"),
        (AD_DS_NOT_RUNNING, ["ntds_lookup", "dns_cname", "dns_host", "identity", "epm_map"], "ad-ds-not-running"),
        (DNS_SILENT, ["ntds_lookup", "dns_cname", "dns_host"], None),
    ])
    async def test_run_all_runs_each_check_once(self, script, probes, end):
        runner = ScriptedRunner(script)
        app = make_app(runner, **REPLICATION)
        async with app.run_test(size=SIZE) as pilot:
            await run_all(pilot)
            walk = app.diagnosis.walk
            assert runner.probes == probes
            assert (walk.cause.id if walk.cause else None) == end and walk.done
