"""Load a trace: the RPC calls in a capture of the failing computer, the ladder of the chosen one (each
exchange with its time and state, the failing one lit) and the RPC workflow picture lit from it.

Opened from the start screen (the trace picks the symptom and the target), from a step (the trace answers
what it can) and from a no-fault result (the diagnosis starts again with the trace). Reading runs in a
thread worker: a big file never freezes the screen.
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
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from wizard import WizardError
from wizard.engine.untrusted import clean


@dataclass
class LoadedTrace:
    """A trace the wizard holds: the file, what was read, the call used and why."""

    file: str
    result: object  # wizard.traces.model.TraceResult
    index: int

    @property
    def call(self):
        return self.result.calls[self.index]

    def observed(self, pending):
        from wizard.traces.answers import answer

        return answer(self.call, pending, self.file)


def ladder_view(call) -> Group:
    """The ladder: one line per exchange, the failing one in reverse red."""
    from wizard.traces.ladder import offset, rungs

    lines = []
    rows = rungs(call)
    t0 = min((r.time for r in rows if r.time), default=0.0)
    for r in rows:
        style = "bold reverse red" if r.failed else "green" if r.lane in ("TCP", "EPM", "BIND") else ""
        mark = "✗" if r.failed else "·"
        lines.append(Text.assemble((f"{offset(r.time, t0)} ", "dim"), (f"{r.lane:<5}", "bold"),
                                   (f"{mark} {clean(r.text, 200)}", style)))
    return Group(*lines) if lines else Group(Text("Nothing of this call was seen.", "dim"))


def call_option(n: int, call) -> Option:
    from wizard.traces.calls import describe

    style = "red" if call.failure else "green"
    return Option(Text.assemble((f"{n}. ", "bold"), (clean(describe(call), 300), style)), id=str(n - 1))


class TraceScreen(Screen[LoadedTrace | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Back", id="trace.back"),
        Binding("ctrl+r", "read", "Read the file", id="trace.read"),
        Binding("u", "use", "Use this call", id="trace.use", tooltip="Answer the steps from this call"),
    ]

    def __init__(self, target: str | None = None) -> None:
        super().__init__()
        self.target = target
        self.loaded: LoadedTrace | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="trace"):
            yield Static("Load a trace taken on the failing computer (pcap or pcapng: tcpdump, Wireshark, "
                         "pktmon etl2pcap). Type its path, then Enter.", classes="hint")
            yield Input(placeholder="/path/to/capture.pcapng", id="trace-path")
            yield Static("", id="trace-found")
            with Horizontal(id="trace-body"):
                yield OptionList(id="trace-calls")
                with VerticalScroll(id="trace-pictures"):
                    yield Static("The call, exchange by exchange", classes="panel-title")
                    yield Static(id="trace-ladder")
                    yield Static("The RPC call, step by step", classes="panel-title picture-title")
                    yield Static(id="trace-workflow")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#trace-body").display = False
        self.query_one("#trace-path", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.loaded is not None if action == "use" else True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_read()

    def action_read(self) -> None:
        path = self.query_one("#trace-path", Input).value.strip()
        if not path:
            self.notify("Type the path of the capture file.", severity="warning")
            return
        self.query_one("#trace-found", Static).update(Text("Reading...", "dim"))
        self._read(path)

    @work(thread=True, exclusive=True, group="trace")
    def _read(self, path: str) -> None:
        from wizard.traces import read_trace
        from wizard.traces.answers import choose_call

        try:
            result = read_trace(path)
        except WizardError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        index, why = choose_call(result, self.target)
        self.app.call_from_thread(self._show, path, result, index, why)

    def _show_error(self, message: str) -> None:
        self.query_one("#trace-found", Static).update(Text(clean(message, 400), "red"))

    def _show(self, path: str, result, index: int | None, why: str) -> None:
        found = Text(f"{result.format}, {', '.join(result.link_types)}, {result.packets} packets, "
                     f"{len(result.calls)} RPC call(s). {why}.")
        if result.skipped:
            found.append("\nSkipped: " + "; ".join(clean(s, 200) for s in result.skipped[:3]), "yellow")
        self.query_one("#trace-found", Static).update(found)
        if index is None:
            self.loaded = None
            self.refresh_bindings()
            return
        calls = self.query_one("#trace-calls", OptionList)
        calls.clear_options()
        calls.add_options(call_option(n, c) for n, c in enumerate(result.calls, 1))
        self.loaded = LoadedTrace(path, result, index)
        self.query_one("#trace-body").display = True
        calls.highlighted = index
        calls.focus()
        self._draw(index)
        self.refresh_bindings()

    def _draw(self, index: int) -> None:
        from wizard.traces.answers import trace_only_walk
        from wizard.tui.widgets.rpc_workflow import WorkflowPicture

        call = self.loaded.result.calls[index]
        self.query_one("#trace-ladder", Static).update(ladder_view(call))
        walk = trace_only_walk(call, self.app.flows)  # type: ignore[attr-defined]
        self.query_one("#trace-workflow", Static).update(WorkflowPicture(walk))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.loaded is not None and event.option.id is not None:
            self.loaded.index = int(event.option.id)
            self._draw(self.loaded.index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_use()

    def action_use(self) -> None:
        if self.loaded is not None:
            self.dismiss(self.loaded)

    def action_cancel(self) -> None:
        self.dismiss(None)
