"""WizardApp: the flows, the probe runner and what the command line gave are passed in; the app
exits with the diagnosis' exit code (0 no fault, 1 cause, 2 inconclusive), like `diagnose`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from wizard import WizardError
from wizard.exitcodes import EXIT_OK, EXIT_UNSURE
from wizard.probes.budget import DEFAULT_TIMEOUT
from wizard.tui import clipboard
from wizard.tui.commands import ChecksProvider, ReplicationProvider, SweepProvider, SymptomsProvider, SystemProvider
from wizard.tui.config import config_path, read_config, remember_theme
from wizard.tui.keys import binding_ids

if TYPE_CHECKING:  # the diagnosis machinery loads when a diagnosis begins, after the first frame
    from wizard.diagnose import Runner
    from wizard.engine import FlowSet
    from wizard.probes.session import Credentials, Session
    from wizard.tui.diagnosis import Diagnosis


@dataclass
class Inputs:
    """What the command line (or a pasted log) gave before the first screen."""

    symptom: str | None = None
    context: dict[str, object] = field(default_factory=dict)  # target, dest, forest, guid, dns_servers, hosts_file
    user: str | None = None
    credentials: Credentials | None = None  # from the environment or a ccache; else the form asks
    timeout: float = DEFAULT_TIMEOUT
    notes: list[str] = field(default_factory=list)
    trace: object | None = None  # a LoadedTrace from --trace or "Load a trace"


class WizardApp(App[int]):
    CSS_PATH = "wizard.tcss"
    TITLE = "rpc-wizard"
    SUB_TITLE = "from an RPC error to its cited cause"
    # in PALETTE_ORDER's order
    COMMANDS = {SymptomsProvider, ChecksProvider, SweepProvider, ReplicationProvider, SystemProvider}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Leave rpc-wizard"),
        Binding("ctrl+p", "command_palette", "Checks", id="app.palette", priority=True, show=False,
                tooltip="Every check, every step of this flow, every symptom"),  # the footer docks it on the right
        Binding("f1", "help", "Help", id="app.help", priority=True,
                tooltip="Every key and mouse action, the config file, the plain-text alternative"),
    ]

    def __init__(self, inputs: Inputs | None = None, flows: FlowSet | None = None, runner: Runner | None = None,
                 clock: Callable[[], float] = time.monotonic, save_dir: Path | None = None) -> None:
        super().__init__()
        self.inputs = inputs or Inputs()
        self._flows = flows
        self.runner = runner  # None: the live probes, loaded when the first check runs
        self.clock = clock
        self.save_dir = save_dir or Path.cwd()
        self.diagnosis: Diagnosis | None = None
        self.config = read_config(config_path(), partial(binding_ids, type(self)), self.available_themes)
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.config.theme:
            self.theme = self.config.theme

    @property
    def flows(self) -> FlowSet:
        """The flow set; read from flows/ on first use (the start screen asks in a worker, after its
        first frame, so that YAML and validation do not hold up the first frame)."""
        if self._flows is None:
            from wizard.engine.loader import load_flows

            self._flows = load_flows()
        return self._flows

    def on_mount(self) -> None:
        from wizard.tui.screens.start import StartScreen

        if self.config.problem:  # one line; the defaults are in force
            self.notify(self.config.problem, title="Config file not used", severity="warning", timeout=15)
        self.push_screen(StartScreen())
        found = self.flows.find_symptoms(self.inputs.symptom) if self.inputs.symptom else []
        if len(found) == 1:
            self.choose_symptom(found[0].id, straight=True)

    # --- moving between screens ----------------------------------------------------------------

    def choose_symptom(self, symptom_id: str, straight: bool = False, preset: dict[str, str] | None = None) -> None:
        """Ask for the targets (fields the command line left empty filled from `preset`: what the words
        searched for say); with `straight` and everything given, open on the first step at once."""
        from wizard.tui.screens.targets import TargetsScreen

        ready = self.inputs.context.get("target") and (not self.inputs.user or self.inputs.credentials)
        if straight and ready:
            try:
                self.begin(symptom_id, self.inputs.context, self.inputs.credentials, self.inputs.timeout)
                return
            except WizardError as exc:
                self.notify(str(exc), title="Check the inputs", severity="error")
        self.push_screen(TargetsScreen(self.flows.symptoms[symptom_id], self.inputs, preset or {}))

    def begin(self, symptom_id: str, given: dict[str, object], credentials: Credentials | None,
              timeout: float) -> None:
        """Start a diagnosis and show its first step. A WizardError names the first bad input."""
        from wizard import diagnose
        from wizard.engine.trail import Trail
        from wizard.probes.session import Session
        from wizard.tui.diagnosis import Diagnosis
        from wizard.tui.screens.walk import WalkScreen

        context, notes = diagnose.checked_context(given)
        if not context.get("target"):
            raise WizardError("target is needed: the computer the failing call goes to")
        trail = Trail(self.flows.flow(symptom_id), diagnose.walk_context(context))
        self.diagnosis = Diagnosis(self.flows, trail, Session(timeout, credentials), self.runner,
                                   self.inputs.notes + notes, self.inputs.trace)
        self.push_screen(WalkScreen(self.diagnosis))

    def use_trace(self, loaded) -> None:
        """A trace loaded from the start screen: its call suggests the symptom and fills the target."""
        from wizard.traces.answers import context_from, suggested_symptom

        if loaded is None:
            return
        self.inputs.trace = loaded
        for key, value in context_from(loaded.call).items():
            if not self.inputs.context.get(key):
                self.inputs.context[key] = value
        found = self.flows.find_symptoms(self.inputs.symptom) if self.inputs.symptom else []
        self.choose_symptom(found[0].id if len(found) == 1 else suggested_symptom(loaded.call))

    def check_session(self) -> Session:
        """Where a single check from the palette runs: the diagnosis' session (its timeout, credentials
        and what its connects already showed), or a new one from the inputs."""
        from wizard.probes.session import Session

        if self.diagnosis is not None:
            return self.diagnosis.session
        return Session(self.inputs.timeout, self.inputs.credentials)

    def restart(self) -> None:
        """Back to the start screen for another diagnosis."""
        while len(self.screen_stack) > 2:
            self.pop_screen()

    # --- help, theme ----------------------------------------------------------------------------

    # --- screens the palette opens (the providers import no screen: no import cycle) ----------------

    def open_check(self, probe: str) -> None:
        from wizard.tui.screens.check import CheckScreen

        self.push_screen(CheckScreen(probe))

    def open_sweep(self) -> None:
        from wizard.tui.screens.sweep import SweepScreen

        self.push_screen(SweepScreen())

    def open_replication(self) -> None:
        from wizard.tui.screens.replication import ReplicationScreen

        self.push_screen(ReplicationScreen())

    def action_help(self) -> None:
        from wizard.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.screen, self.config))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Help", "every key and mouse action, the config file, the plain-text alternative (F1)",
                            self.action_help)
        yield from super().get_system_commands(screen)  # Theme (remembered: see watch_theme), Quit, Keys...

    def watch_theme(self, name: str) -> None:
        """A theme chosen (the palette's Theme) is written to the config file, so the next start has it."""
        if name == self.config.theme:
            return
        self.config.theme = name
        try:
            remember_theme(self.config.path, name)
        except OSError as exc:
            self.notify(f"Theme {name} not remembered: {self.config.path}: {exc.strerror or exc}", severity="warning")

    # --- clipboard -----------------------------------------------------------------------------

    def copy_text(self, text: str, what: str) -> None:
        self.copy_to_clipboard(text)  # OSC 52, sent through the terminal
        self._copy_local(text, what)

    @work(thread=True, group="clipboard")
    def _copy_local(self, text: str, what: str) -> None:
        local = clipboard.copy_local(text)  # may start xclip: never on the UI thread
        self.call_from_thread(self.notify, clipboard.copied(what, local), title="Copied")

    def save_text(self, text: str, stem: str) -> None:
        try:
            path = clipboard.save(text, self.save_dir, stem)
        except OSError as exc:
            self.notify(f"Could not save in {self.save_dir}: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"Saved to {path}", title="Saved")

    # --- leaving -------------------------------------------------------------------------------

    def action_quit(self) -> None:
        """Exit as `diagnose` would: the result's code, 2 for a diagnosis left unfinished, 0 for none.

        Not while a screen is still mounting (the result screen pushed as ctrl+q arrives): a mounting screen
        and its widgets look up their own children (Textual's Header sets its title in callbacks queued at
        its mount), and exiting removes those children under them (NoMatches: HeaderTitle). So the exit
        waits until every screen on the stack has mounted; what their mount queued runs first."""
        if not all(screen.is_mounted for screen in self.screen_stack):
            self.call_after_refresh(self.action_quit)
            return
        if self.diagnosis is None:
            self.exit(EXIT_OK)
        else:
            self.exit(self.diagnosis.exit_code() if self.diagnosis.walk.done else EXIT_UNSURE)
