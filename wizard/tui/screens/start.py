"""Start: find the error by code, words of its message or where it was seen; or paste a log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from wizard import WizardError

if TYPE_CHECKING:
    from wizard.engine.model import Symptom


def symptom_option(symptom: Symptom) -> Option:
    codes = "  ".join(f"{c.decimal} / {c.hex}" for c in symptom.codes)
    seen = "; ".join(list(dict.fromkeys(a.where for a in symptom.seen_in))[:4])
    prompt = Text.assemble((symptom.title, "bold"), "\n", (codes, "cyan"), "\n", (f"seen in: {seen}", "dim"))
    return Option(prompt, id=symptom.id)


class StartScreen(Screen):
    BINDINGS = [
        Binding("ctrl+l", "paste_log", "Paste a log", id="start.paste_log",
                tooltip="Paste dcdiag, repadmin, netsetup.log, event text... and let the wizard pick"),
        Binding("ctrl+r", "replication", "Replication status", id="start.replication",
                tooltip="Every DC's inbound replication partners: start from what the DCs record"),
        Binding("ctrl+t", "load_trace", "Load a trace", id="start.load_trace",
                tooltip="A pcap/pcapng from the failing computer: it picks the symptom and answers the steps"),
        Binding("down", "focus_list", "Choose", id="start.focus_list"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="start"):
            yield Static("What error do you see?", id="heading")
            yield Static("Type the code, words of the message, or where you saw it "
                         "(1753, 1722, 87, principal, WMI, Outlook Anywhere, join), then Enter. "
                         "Or press ctrl+l to paste a log, or ctrl+t to load a network trace of the failing "
                         "computer, and let the wizard pick.", classes="hint")
            yield Input(placeholder="1753, 0x6ba, 1720, -2146893022, 5820, 'Replicate now', 'join'...", id="search")
            yield OptionList(id="symptoms")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search", Input).value = self.app.inputs.symptom or ""  # type: ignore[attr-defined]
        self.call_after_refresh(self._load_flows)  # after the first frame: YAML parsing holds the GIL

    @work(thread=True, group="flows")
    def _load_flows(self) -> None:
        try:
            self.app.flows  # type: ignore[attr-defined]  # read once, off the UI thread
        except WizardError as exc:
            self.app.call_from_thread(self.notify, str(exc), title="The decision trees cannot be read",
                                      severity="error", timeout=30)
            return
        self.app.call_from_thread(self._refilter)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.app._flows is not None:  # type: ignore[attr-defined]  # else the loader refilters when done
            self._refilter()

    def _refilter(self) -> None:
        text = self.query_one("#search", Input).value
        options = self.query_one("#symptoms", OptionList)
        options.clear_options()
        found = self.app.flows.search(text)  # type: ignore[attr-defined]
        if found:
            options.add_options(symptom_option(s) for s in found)
            options.highlighted = 0
        else:
            options.add_option(Option(Text(f"No symptom matches {text!r}. Try the error number.", "yellow"),
                                      disabled=True))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one("#symptoms", OptionList)
        if options.highlighted is not None and not options.get_option_at_index(options.highlighted).disabled:
            self._choose(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, symptom_id: str | None) -> None:
        if symptom_id:
            symptom = self.app.flows.symptoms[symptom_id]  # type: ignore[attr-defined]
            preset = symptom.preset_for(self.query_one("#search", Input).value)  # "WMI": the interface is wmi
            self.app.choose_symptom(symptom_id, preset=preset)  # type: ignore[attr-defined]

    def action_focus_list(self) -> None:
        self.query_one("#symptoms", OptionList).focus()

    def action_load_trace(self) -> None:
        from wizard.tui.screens.trace import TraceScreen

        target = self.app.inputs.context.get("target")  # type: ignore[attr-defined]
        self.app.push_screen(TraceScreen(str(target) if target else None), self.app.use_trace)  # type: ignore

    def action_paste_log(self) -> None:
        from wizard.tui.screens.paste_log import PasteLogScreen

        self.app.push_screen(PasteLogScreen())

    def action_replication(self) -> None:
        from wizard.tui.screens.replication import ReplicationScreen

        self.app.push_screen(ReplicationScreen())
