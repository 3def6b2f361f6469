"""The step screen: the path so far, the check waiting to run, its probe running live, the evidence,
the Windows command, the branch taken, and where on the RPC path and the name chain this stands.

Running a step: `pending()` on the UI thread; a thread worker only calls `diagnose.execute` and posts
ProbeFinished; the handler drops a result whose trail version is stale (the person went back or
answered meanwhile), else records it. "Run all" chains the next check from that handler, so every
step shows, and Esc stops between steps. A probe thread cannot be killed; every probe has a timeout.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, OptionList, Static

from wizard import WizardError, diagnose
from wizard.engine.catalog import CATALOG
from wizard.engine.untrusted import clean_text
from wizard.engine.walk import Answer, ProbeCall, Step
from wizard.tui.commands import NodesProvider
from wizard.tui.diagnosis import Diagnosis, subtitle
from wizard.tui.messages import ProbeFinished
from wizard.tui.widgets.evidence import render_evidence
from wizard.tui.widgets.pictures import Pictures
from wizard.tui.widgets.step_list import PENDING, StepList

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


@dataclass
class Running:
    call: ProbeCall
    version: int
    started: float


class WalkScreen(Screen):
    COMMANDS = Screen.COMMANDS | {NodesProvider}
    BINDINGS = [
        Binding("r", "run", "Run check", id="walk.run", tooltip="Run this step's check now"),
        Binding("a", "run_all", "Run all", id="walk.run_all", tooltip="Run every remaining check in turn"),
        Binding("escape", "stop", "Stop", id="walk.stop", tooltip="Stop 'run all' after the check running now"),
        Binding("m", "answer", "Answer myself", id="walk.answer", tooltip="I checked this myself"),
        Binding("p", "paste", "Paste output", id="walk.paste", tooltip="Paste what the command printed elsewhere"),
        Binding("l", "load_trace", "Load a trace", id="walk.load_trace",
                tooltip="A trace of the failing computer answers this step and the next ones where it can"),
        Binding("c", "copy_command", "Copy command", id="walk.copy_command"),
        Binding("left,b", "back", "Back", id="walk.back", tooltip="Back one step (nothing runs again)"),
        Binding("right,f", "forward", "Forward", id="walk.forward"),
        Binding("enter", "result", "Result", id="walk.result"),
        Binding("n", "app.restart", "New", id="walk.new"),
    ]

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__()
        self.diagnosis = diagnosis
        self.running: Running | None = None
        self.run_all = False
        self._ticker: Timer | None = None  # redraws the spinner while a check runs

    @property
    def trail(self):
        return self.diagnosis.trail

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="walk"):
            with Vertical(id="left"):
                yield Static("Steps", classes="panel-title")
                yield StepList(id="steps")
            with VerticalScroll(id="main"):
                yield Static(id="where", classes="panel-title")
                yield Static(id="question")
                yield Static(id="why")
                yield Static(id="status")
                yield Static(id="command")
                yield Static("What the last check saw", id="last-title", classes="panel-title")
                yield Static(id="branch")
                yield Static(id="evidence")
            yield Pictures(id="pictures")
        yield Footer()

    def on_mount(self) -> None:
        walk = self.diagnosis.walk
        self.sub_title = subtitle(walk)
        for note in self.diagnosis.notes:
            self.notify(clean_text(note), title="Assumed")
        self.refresh_view()
        self.query_one(StepList).focus()

    # --- what is shown -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers only what makes sense now (hidden keys do nothing)."""
        done = self.diagnosis.walk.done
        idle = self.running is None
        offered = {"run": not done and idle, "run_all": not done and not self.run_all, "stop": self.run_all,
                   "answer": not done, "paste": not done, "back": self.trail.can_back,
                   "forward": self.trail.can_forward, "result": done}
        return offered.get(action, True)

    def refresh_view(self) -> None:
        self.refresh_bindings()
        walk = self.diagnosis.walk
        self.query_one(StepList).show(walk, running=self.running is not None)
        self.query_one(Pictures).show(walk)
        node = walk.node
        total = len(walk.steps) + (1 if node else 0)
        self.query_one("#where", Static).update(f"Step {total} · {node.id}" if node else "The end")
        if node is None:
            self._show_end()
        else:
            self.query_one("#question", Static).update(Text(clean_text(walk.render(node.question)), "bold"))
            self.query_one("#why", Static).update(Text(clean_text(walk.render(node.why)), "italic"))
            commands = "\n".join(walk.node_commands())
            self.query_one("#command", Static).update(
                Group(Text("On Windows (c copies):", "bold"), Text(clean_text(commands), "cyan")))
            self._show_status()
        self._show_step(walk.steps[-1] if walk.steps else None)

    def _show_end(self) -> None:
        walk = self.diagnosis.walk
        title = f"Root cause: {walk.cause.title}" if walk.cause else "Inconclusive"
        self.query_one("#question", Static).update(Text(title, "bold"))
        self.query_one("#why", Static).update(Text(clean_text(walk.inconclusive or walk.cause.explanation.strip())))
        self.query_one("#command", Static).update("")
        self.query_one("#status", Static).update(Text("Enter shows the result; b goes back a step.", "cyan"))

    def _show_status(self) -> None:
        status = self.query_one("#status", Static)
        if self.running is None:
            node = self.diagnosis.walk.node
            if node is not None and CATALOG[node.probe].by_person:  # nothing on the network can answer it
                status.update(Text("A question for you: m answers it; r goes on without an answer.", "cyan"))
            else:
                status.update(Text("Ready: r runs this check, a runs all the rest.", "cyan"))
            return
        elapsed = self.app.clock() - self.running.started  # type: ignore[attr-defined]
        frame = SPINNER[int(elapsed * 10) % len(SPINNER)]
        timeout = self.diagnosis.session.timeout
        more = " · Esc stops after this check" if self.run_all else ""
        status.update(Text.assemble((f"{frame} Running {self.running.call.probe}", "bold yellow"),
                                    f"  {elapsed:4.1f} s  (timeout {timeout:g} s per connection){more}"))

    def _show_step(self, step: Step | None) -> None:
        """A step's evidence and the branch it took (the latest step unless another is highlighted)."""
        if step is None:
            self.query_one("#branch", Static).update(Text("No check has run yet.", "dim"))
            self.query_one("#evidence", Static).update("")
            return
        node = self.diagnosis.walk.flow.nodes[step.node]
        to = node.outcomes.get(step.outcome)
        where = (f"cause {to.cause}" if to and to.cause else f"step {to.next}" if to else "inconclusive")
        self.query_one("#branch", Static).update(Group(
            Text.assemble((step.node, "bold"), "  →  ", (where, "bold")), Text(clean_text(step.summary))))
        self.query_one("#evidence", Static).update(render_evidence(step))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        steps = self.diagnosis.walk.steps
        option_id = event.option.id or ""
        if option_id.isdigit() and int(option_id) < len(steps):
            self._show_step(steps[int(option_id)])
        elif option_id in (PENDING, "end") and steps:
            self._show_step(steps[-1])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == PENDING:
            self.action_run()
        elif event.option.id == "end":
            self.action_result()

    def _tick(self) -> None:
        if self.running is not None:
            self._show_status()

    # --- running checks ------------------------------------------------------------------------

    def action_run(self) -> None:
        call = self.trail.pending()
        if call is None:
            self.action_result()
            return
        if self.running is not None:
            self.notify("A check is already running.", severity="warning")
            return
        self.running = Running(call, self.trail.version, self.app.clock())  # type: ignore[attr-defined]
        self._ticker = self.set_interval(0.1, self._tick)
        self.refresh_bindings()
        self.refresh_view()
        self._probe(call, self.trail.version)

    def action_run_all(self) -> None:
        self.run_all = True
        self.refresh_bindings()
        if self.running is None:
            self.action_run()

    def action_stop(self) -> None:
        if self.run_all:
            self.run_all = False
            self.notify("Stopping after the check running now.")
            self._show_status()
            self.refresh_bindings()

    @work(thread=True, group="probe")
    def _probe(self, call: ProbeCall, version: int) -> None:
        trace = self.diagnosis.trace
        seen = trace.observed(call) if trace is not None else None  # type: ignore[attr-defined]
        if seen is not None:  # the failing computer's own view, set beside a live check from here
            answer = diagnose.against_live(seen, call, self.diagnosis.session, self.diagnosis.runner)
            self.app.call_from_thread(self._observed, answer, version)
            return
        result = diagnose.execute(call, self.diagnosis.session, self.diagnosis.runner)
        self.post_message(ProbeFinished(call, version, result))

    def _observed(self, answer: Answer, version: int) -> None:
        self._settle(version, lambda: self.trail.apply(answer))

    def action_load_trace(self) -> None:
        self._open_trace(self._trace_loaded)

    def _open_trace(self, then) -> None:
        """The trace screen for this diagnosis's target; `then` gets the trace loaded (or None)."""
        from wizard.tui.screens.trace import TraceScreen

        target = self.diagnosis.walk.context.get("target")
        self.app.push_screen(TraceScreen(str(target) if target else None), then)

    def _trace_loaded(self, loaded) -> None:
        if loaded is None:
            return
        self.diagnosis.trace = loaded
        call = self.trail.pending()
        seen = loaded.observed(call) if call else None
        if seen is None:
            self.notify("The trace does not show this step: r runs it live; later steps are answered from the "
                        "trace where it shows them.", title="Trace loaded")
            return
        self.notify("The trace answers this step.", title="Trace loaded")
        self.action_run()

    def on_probe_finished(self, message: ProbeFinished) -> None:
        self._settle(message.version, lambda: self.trail.record(message.result))

    def _settle(self, version: int, take) -> None:
        """A step's answer arrived (a live result, or a trace's): take it unless the walk moved on, then go on."""
        if self.running is not None and self.running.version == version:
            self._stop_running()
        if version != self.trail.version:
            return  # the person went back or answered meanwhile: this answer belongs nowhere now
        take()
        self.refresh_view()
        if self.diagnosis.walk.done:
            self.run_all = False
            self.action_result()
        elif self.run_all:
            self.action_run()

    def _stop_running(self) -> None:
        self.running = None
        self.refresh_bindings()
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    # --- answering by hand, moving -------------------------------------------------------------

    def action_answer(self) -> None:
        from wizard.tui.screens.answer import AnswerScreen

        if self._can_answer():
            self.app.push_screen(AnswerScreen(self.diagnosis.walk), self._answered)

    def action_paste(self) -> None:
        from wizard.tui.screens.answer import PasteScreen

        if self._can_answer():
            self.app.push_screen(PasteScreen(self.trail.pending(), self.diagnosis.walk), self._answered)

    def _can_answer(self) -> bool:
        if self.diagnosis.walk.done:
            self.notify("This diagnosis has ended: press b to go back to a step.", severity="warning")
            return False
        return True

    def _answered(self, answer: Answer | None) -> None:
        if answer is None:
            return
        self._moved()
        try:
            self.trail.apply(answer)
        except WizardError as exc:
            self.notify(str(exc), severity="error")
            return
        self.refresh_view()
        if self.diagnosis.walk.done:
            self.action_result()

    def action_copy_command(self) -> None:
        walk = self.diagnosis.walk
        commands = walk.node_commands() if walk.node else walk.commands()
        self.app.copy_text("\n".join(commands), "The command")  # type: ignore[attr-defined]

    def action_back(self) -> None:
        if self.trail.back():
            self._moved()
            self.refresh_view()
        else:
            self.notify("This is the first step.", severity="warning")

    def action_forward(self) -> None:
        if self.trail.forward():
            self._moved()
            self.refresh_view()

    def jump(self, node_id: str) -> None:
        try:
            self.trail.jump(node_id)
        except WizardError as exc:
            self.notify(str(exc), severity="error")
            return
        self._moved()
        self.refresh_view()

    def _moved(self) -> None:
        """The trail changed under a running check: its result will be stale; stop chaining."""
        self.run_all = False
        self._stop_running()

    def action_result(self) -> None:
        from wizard.tui.screens.result import ResultScreen

        if self.diagnosis.walk.done:
            self.app.push_screen(ResultScreen(self.diagnosis), self._after_result)

    def _load_trace_and_start_again(self) -> None:
        """From a result: the same diagnosis again, the trace answering first."""
        self._open_trace(self._start_again)

    def _start_again(self, loaded) -> None:
        if loaded is None:
            return
        self.diagnosis.trace = loaded
        while self.trail.back():
            pass
        self.refresh_view()
        self.notify("Starting again with the trace answering the steps it shows.", title="Trace loaded")
        self.action_run_all()

    def _after_result(self, choice: str | None) -> None:
        """The result screen hands back what the person wants to do at the step before the end."""
        if choice == "trace":
            self._load_trace_and_start_again()
            return
        if choice in ("back", "answer", "paste"):
            self.action_back()
        if choice == "answer":
            self.action_answer()
        elif choice == "paste":
            self.action_paste()
