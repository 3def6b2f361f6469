"""The result: the cause, its explanation, each citation word for word, the note where documents
disagree, numbered fixes and the commands; or, inconclusive, what to check by hand next. The ticket
is the same Markdown as `diagnose --format markdown`."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from wizard import report
from wizard.engine.model import NO_FAULT_CAUSES
from wizard.engine.untrusted import clean_text
from wizard.tui.commands import ExportProvider
from wizard.tui.session import Diagnosis, subtitle
from wizard.tui.widgets.pictures import Pictures


def cause_view(data: dict) -> Group:
    """The report's root cause as text and quotes."""
    root = data["root_cause"]
    parts = [Text(f"{root['title']}", "bold red" if root["id"] not in NO_FAULT_CAUSES else "bold green"),
             Text(root["id"], "dim"), Text(""), Text(" ".join(root["explanation"].split())), Text("")]
    for c in root["citations"]:
        source = Text.assemble("— ", (c["title"] or c["source"], "bold"), f", section “{c['section']}” · {c['source']}",
                               style="dim")
        parts.append(Panel(Group(Text(f"“{c['quote']}”", "italic"), source), border_style="blue", padding=(0, 1)))
    if root["note"]:
        parts += [Text(""), Panel(Text(" ".join(root["note"].split())), title="Where the documents disagree",
                                  border_style="yellow")]
    parts += [Text(""), Text("Fixes", "bold underline"), numbered(root["fixes"]), Text("")]
    return Group(*parts)


def numbered(items: list[str]) -> Table:
    """A numbered list whose wrapped lines stay indented under their text."""
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold")
    table.add_column(ratio=1)
    for i, item in enumerate(items, 1):
        table.add_row(f"{i}.", Text(clean_text(item)))
    return table


def inconclusive_view(data: dict) -> Group:
    return Group(Text("Inconclusive", "bold yellow"), Text(""), Text(clean_text(data["inconclusive"] or "")), Text(""),
                 Text("Press m to answer that step yourself, or p to paste the output of its command.", "cyan"),
                 Text(""))


class ResultScreen(Screen[str | None]):
    COMMANDS = Screen.COMMANDS | {ExportProvider}
    BINDINGS = [
        Binding("l", "load_trace", "Load a trace", id="result.load_trace",
                tooltip="A trace of the failing computer: start again with its view of the call"),
        Binding("t", "copy_ticket", "Copy ticket", id="result.copy_ticket", tooltip="The Markdown ticket"),
        Binding("y", "copy_commands", "Copy all", id="result.copy_commands"),
        Binding("c", "copy_command", "Copy one", id="result.copy_command", tooltip="The highlighted command"),
        Binding("s", "save_ticket", "Save", id="result.save_ticket", tooltip="Write the ticket to a file"),
        Binding("b,left", "back", "Back", id="result.back"),
        Binding("m", "answer", "Answer", id="result.answer"),
        Binding("p", "paste", "Paste", id="result.paste"),
        Binding("escape", "steps", "Steps", id="result.steps"),
        Binding("n", "app.restart", "New", id="result.new"),
    ]

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__()
        self.diagnosis = diagnosis
        self.data = report.report_dict(diagnosis.walk, diagnosis.flows)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="result"):
            with VerticalScroll(id="cause"):
                root = self.data["root_cause"]
                if root and root["id"] in NO_FAULT_CAUSES and self.diagnosis.trace is None:
                    yield Static(Text("Every check from here passed, but the call fails from the failing computer. "
                                      "Press l to load a network trace taken there (the capture commands are "
                                      "below): the wizard reads the call as it really went.", "bold cyan"),
                                 id="offer-trace")
                yield Static(cause_view(self.data) if self.data["root_cause"] else inconclusive_view(self.data))
                yield Static(Text("Commands (c copies the highlighted one, y all of them)", "bold underline"))
                yield OptionList(*[Option(Text(clean_text(c)), id=str(i)) for i, c in enumerate(self.data["commands"])],
                                 id="commands")
            yield Pictures(id="pictures")
        yield Footer()

    def on_mount(self) -> None:
        walk = self.diagnosis.walk
        self.sub_title = subtitle(walk)
        self.query_one(Pictures).show(walk)
        self.query_one("#commands", OptionList).focus(scroll_visible=False)  # the cause first, commands below

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("answer", "paste"):
            return self.data["root_cause"] is None  # offered only where the walk could not tell
        return True

    def action_copy_ticket(self) -> None:
        self.app.copy_text(self.diagnosis.ticket(), "The ticket")  # type: ignore[attr-defined]

    def action_copy_commands(self) -> None:
        self.app.copy_text("\n".join(self.data["commands"]), "All commands")  # type: ignore[attr-defined]

    def action_copy_command(self) -> None:
        options = self.query_one("#commands", OptionList)
        if options.highlighted is None or not self.data["commands"]:
            self.notify("No command to copy.", severity="warning")
            return
        self.app.copy_text(self.data["commands"][options.highlighted], "The command")  # type: ignore[attr-defined]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_copy_command()

    def action_save_ticket(self) -> None:
        stem = f"rpc-wizard-{self.data['symptom']}-{self.data['target'] or ''}"
        self.app.save_text(self.diagnosis.ticket(), stem)  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.dismiss("back")

    def action_answer(self) -> None:
        self.dismiss("answer")

    def action_paste(self) -> None:
        self.dismiss("paste")

    def action_load_trace(self) -> None:
        self.dismiss("trace")

    def action_steps(self) -> None:
        self.dismiss(None)
