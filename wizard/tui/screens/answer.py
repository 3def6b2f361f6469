"""Answering a step without its probe: "I checked this myself" (the outcomes the node allows), or the
pasted output of the node's command run elsewhere, read by the parsers and checked against what the
node asked about."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from wizard import WizardError, diagnose
from wizard.engine.untrusted import clean_text
from wizard.engine.walk import Answer, ProbeCall, Walk
from wizard.tui.widgets.evidence import outcome_style


def outcome_options(walk: Walk) -> list[Option]:
    """The node's answers, each with where it leads."""
    node = walk.node
    options = []
    for outcome, to in node.outcomes.items():  # type: ignore[union-attr]
        where = f"cause: {walk.flow.causes[to.cause].title}" if to.cause else f"next: {to.next}"
        style = f"bold {outcome_style(outcome, node.probe)}"  # type: ignore[union-attr]
        options.append(Option(Text.assemble((outcome, style), "  →  ", (where, "dim")), id=outcome))
    return options


class AnswerScreen(ModalScreen[Answer | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", id="answer.cancel")]

    def __init__(self, walk: Walk) -> None:
        super().__init__()
        self.walk = walk

    def compose(self) -> ComposeResult:
        node = self.walk.node
        with Vertical(classes="dialog"):
            yield Static(Text(clean_text(self.walk.render(node.question)), "bold"))  # type: ignore[union-attr]
            yield Static(Text(clean_text(self.walk.render(node.ask)), "italic"), classes="hint")  # type: ignore
            yield Static("What did you find?")
            yield OptionList(*outcome_options(self.walk), id="outcomes")
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Answer(str(event.option.id), "person"))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class PasteScreen(ModalScreen[Answer | None]):
    BINDINGS = [
        Binding("ctrl+r", "read", "Read the paste", id="paste.read"),
        Binding("escape", "dismiss_none", "Cancel", id="paste.cancel"),
    ]

    def __init__(self, call: ProbeCall, walk: Walk) -> None:
        super().__init__()
        self.call, self.walk = call, walk

    def compose(self) -> ComposeResult:
        node = self.walk.node
        with Vertical(classes="dialog"):
            yield Static(Text(clean_text(self.walk.render(node.question)), "bold"))  # type: ignore[union-attr]
            yield Static(Text.assemble("Run ", (clean_text(self.call.command), "bold"),
                                       " where the failure shows, paste what it printed, then press ctrl+r."))
            yield TextArea(id="paste", soft_wrap=False)
            yield Static("", id="paste-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_read(self) -> None:
        self.query_one("#paste-error", Static).update(Text("Reading…", "dim"))
        self._read(self.query_one(TextArea).text)

    @work(thread=True, exclusive=True, group="paste")
    def _read(self, text: str) -> None:
        """The parsers on a big paste take a moment: off the UI thread."""
        try:
            answer = diagnose.paste_answer(self.call, text)
        except WizardError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        self.app.call_from_thread(self.dismiss, answer)

    def _refused(self, why: str) -> None:
        self.query_one("#paste-error", Static).update(Text(clean_text(why), "bold red"))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
