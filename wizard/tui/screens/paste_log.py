"""Paste a log: the parsers pick the symptom, the DCs and the GUID, and show what they found first."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from wizard import WizardError
from wizard.engine.untrusted import clean_text


def read_log(text: str) -> tuple[list[str], dict[str, object], str]:
    """(suggested symptom ids, context found, what was found in words). Pure; a WizardError for an
    empty or oversized paste."""
    from wizard.parsers import MAX_BYTES, context_from, parse_text
    from wizard.parsers.cleanup import too_big
    from wizard.parsers.errorcodes import describe
    from wizard.parsers.symptoms import explain

    if not text.strip():
        raise WizardError("the paste is empty")
    size = len(text.encode("utf-8", "replace"))
    if size > MAX_BYTES:
        raise too_big("the paste", size)
    parsed = parse_text(text)
    context = context_from(parsed)
    lines = [f"Recognised: {', '.join(parsed.kinds) or 'nothing known'}"]
    lines += [f"Error: {describe(code)}" for code in parsed.errors[:4]]
    lines += [f"{key}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for key, v in context.items()]
    lines += ["Why: " + line for line in explain(parsed.why)[:1]] + explain(parsed.why)[1:]
    return list(parsed.symptoms), context, "\n".join(lines)


MATRIX = "replication-matrix"  # the option that opens a pasted replication status as a matrix


class PasteLogScreen(Screen):
    BINDINGS = [
        Binding("ctrl+r", "read", "Read the paste", id="paste_log.read"),
        Binding("escape", "app.pop_screen", "Back", id="paste_log.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="paste-log"):
            yield Static("Paste a log or command output (dcdiag, repadmin, netsetup.log, event text, "
                         "PowerShell errors, nltest, rpcping, portqry, nslookup, ipconfig /all...), then press "
                         "ctrl+r.", classes="hint")
            yield TextArea(id="log", soft_wrap=False)
            yield Static("", id="found")
            yield OptionList(id="suggested")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#suggested", OptionList).display = False
        self.query_one("#log", TextArea).focus()

    def action_read(self) -> None:
        self.query_one("#found", Static).update(Text("Reading...", "dim"))
        self._read(self.query_one("#log", TextArea).text)

    @work(thread=True, exclusive=True, group="parse")
    def _read(self, text: str) -> None:
        from wizard.parsers.replication import from_paste

        try:
            found = read_log(text)
        except WizardError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        status = from_paste(text)  # repadmin /showrepl * /csv or /replsum: the replication matrix too
        self.app.call_from_thread(self._show, *found, status if status.pairs else None)

    def _show_error(self, message: str) -> None:
        self.query_one("#found", Static).update(Text(message, "red"))

    def _show(self, symptoms: list[str], context: dict[str, object], words: str, status=None) -> None:
        self.context, self.status = context, status
        suggested = self.query_one("#suggested", OptionList)
        suggested.clear_options()
        known = [s for s in symptoms if s in self.app.flows.symptoms]  # type: ignore[attr-defined]
        if not known and status is None:
            self.query_one("#found", Static).update(Text(clean_text(words) + "\nNo known RPC error in it: paste the "
                                                         "part that shows the error, or go back and choose.", "yellow"))
            suggested.display = False
            return
        self.query_one("#found", Static).update(Text(clean_text(words) + "\nChoose what to diagnose:"))
        for symptom_id in known:
            suggested.add_option(Option(self.app.flows.symptoms[symptom_id].title, id=symptom_id))  # type: ignore
        if status is not None:  # last: a symptom stays the first choice
            suggested.add_option(Option(f"Replication status: {len(status.pairs)} pair(s), {len(status.failing)} "
                                        "failing: open the matrix", id=MATRIX))
        suggested.display = True
        suggested.highlighted = 0
        suggested.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == MATRIX:
            from wizard.tui.screens.replication import ReplicationScreen

            self.app.push_screen(ReplicationScreen(self.status))
            return
        inputs = self.app.inputs  # type: ignore[attr-defined]
        inputs.context = {**self.context, **{k: v for k, v in inputs.context.items() if v}}
        self.app.choose_symptom(event.option.id)  # type: ignore[attr-defined]
