"""Help (F1): every key that works on the screen below, as in force now (a keymap file's changes show),
every mouse action, where the config file is and what it says, and the plain-text way for screen readers."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from wizard.tui.config import Config
from wizard.tui.keys import KeyLine, keys_in_force

MOUSE = (
    ("click", "a symptom, a step, an answer, a command, a DC's row: chooses it (as Enter)"),
    ("click", "a field or a button: focuses the field, presses the button"),
    ("click", "a key in the footer: does what the key does"),
    ("wheel", "scrolls the panel under the pointer"),
    ("drag", "selects text; ctrl+c copies the selection"),
    ("click", "a notification: dismisses it; outside the palette: closes the palette"),
)

SCREEN_READERS = ("For a screen reader, the same diagnosis as plain text: rpc-wizard diagnose --format text "
                  "(with the symptom and the hosts, as `rpc-wizard diagnose --help` shows); --format markdown "
                  "gives the ticket.")


def keys_table(lines: list[KeyLine]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(style="dim", no_wrap=True)
    for line in lines:
        table.add_row(line.keys, Text(line.description, "" if line.enabled else "dim"), line.binding_id)
    return table


def config_lines(config: Config) -> Group:
    if config.problem:
        state = Text(config.problem, "bold red")
    elif config.found:
        state = Text("read: " + (", ".join(f"{k} = {v}" for k, v in config.keymap.items()) or "no keymap")
                     + (f"; theme {config.theme}" if config.theme else ""))
    else:
        state = Text("not there: the default keys and theme are in force")
    example = Text('[keymap]    # binding id (dim, beside each key) = keys\n"walk.run" = "r,space"\n'
                   '"app.quit" = "ctrl+x"', "cyan")
    return Group(Text.assemble(("Config file: ", "bold"), str(config.path)), state,
                 Text("The theme chosen in the palette (Theme) is written there; RPC_WIZARD_CONFIG points "
                      "elsewhere; NO_COLOR=1 turns colour off."), example)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss_none", "Close", id="help.close")]

    def __init__(self, below: Screen, config: Config) -> None:
        super().__init__()
        self.below, self.config = below, config

    def compose(self) -> ComposeResult:
        keys: list = [Text("Keys", "bold underline"),
                      Text("(those that do nothing at this moment, such as back on the first step, are left out)",
                           "dim")]
        for where, lines in keys_in_force(self.below).items():
            keys += [Text(""), Text(where, "bold"), keys_table(lines)]
        mouse = Table.grid(padding=(0, 2))
        mouse.add_column(style="bold", no_wrap=True)
        mouse.add_column(ratio=1)
        for action, what in MOUSE:
            mouse.add_row(action, what)
        rest = Group(Text("Mouse", "bold underline"), mouse, Text(""), config_lines(self.config), Text(""),
                     Text(SCREEN_READERS, "italic"))
        page = Table.grid(padding=(0, 3), expand=True)
        page.add_column(ratio=1)
        page.add_column(ratio=1)
        page.add_row(Group(*keys), rest)
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(Text.assemble(("Help", "bold"), (" · Esc or q closes", "dim")))
            yield Static(page)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
