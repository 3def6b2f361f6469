"""Every DC's replication status (the palette's "Replication status", ctrl+r on the start screen, as
`rpc-wizard replication`): a matrix, destination by source, the worst result per cell coloured; Enter on a
cell opens that pair's diagnosis (its code's tree, target = the source, dest = the destination, the GUID
the destination uses) on the step screen. Read live (signed in) or from a paste (`repadmin /showrepl * /csv`,
/replsum) handed over by the paste screen."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from wizard import WizardError
from wizard.engine.names import check_address, check_host
from wizard.engine.untrusted import clean
from wizard.parsers.replication import Pair, Status
from wizard.replication import Replication, pair_trail, replication
from wizard.report.replication import _pair_line, cell_colour, cell_word, short
from wizard.sweep import DEFAULT_CONCURRENCY
from wizard.tui.diagnosis import Diagnosis
from wizard.tui.widgets.forest_form import forest_form


class ReplicationScreen(Screen):
    BINDINGS = [
        Binding("ctrl+r", "read", "Read the DCs", id="replication.read", tooltip="Read every DC's inbound partners"),
        Binding("escape", "app.pop_screen", "Back", id="replication.back"),
    ]

    def __init__(self, status: Status | None = None) -> None:
        super().__init__()
        self.status = status  # a pasted status is shown at once; a live one when the read ends
        self.dns_servers: list[str] | None = None

    def compose(self) -> ComposeResult:
        context = self.app.diagnosis.walk.context if self.app.diagnosis else self.app.inputs.context  # type: ignore
        yield Header()
        with Vertical(id="replication"):
            yield Static("What each DC records of its inbound partners: destination by source, the worst result "
                         "per cell. Enter on a cell opens that pair's diagnosis.", classes="hint")
            yield from forest_form("replication-form", context)
            yield Static("", id="replication-status")
            yield DataTable(id="matrix", cursor_type="cell")
            yield Static("", id="replication-pairs")
        yield Footer()

    def on_mount(self) -> None:
        if self.status is not None:
            self.call_after_refresh(self._show, self.status)
        else:
            self.query_one("#forest", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_read()

    def action_read(self) -> None:
        session = self.app.check_session()  # type: ignore[attr-defined]
        try:
            forest = check_host(self.query_one("#forest", Input).value, "forest")
            text = self.query_one("#dns_servers", Input).value.replace(",", " ")
            self.dns_servers = [check_address(s, "DNS server") for s in text.split()] or None
            if session.credentials is None:
                raise WizardError("reading the DCs needs an account: start rpc-wizard with --user, or paste "
                                  "`repadmin /showrepl * /csv` (ctrl+l on the start screen)")
        except WizardError as exc:
            self.query_one("#replication-status", Static).update(Text(str(exc), "bold red"))
            return
        self.query_one("#replication-status", Static).update(Text(f"Reading the DCs of {forest}…", "yellow"))
        self._read(forest, self.dns_servers, session)

    @work(thread=True, exclusive=True, group="replication")
    def _read(self, forest: str, servers: list[str] | None, session) -> None:
        app = self.app
        run: Replication = replication(forest, servers, session, DEFAULT_CONCURRENCY, app.runner)  # type: ignore
        app.call_from_thread(self._show, run.status)

    def _show(self, status: Status) -> None:
        self.status = status
        table = self.query_one("#matrix", DataTable)
        table.clear(columns=True)
        sources = list(dict.fromkeys(p.source for p in status.pairs))
        table.add_column("destination \\ source", key="")
        for source in sources:
            table.add_column(short(source), key=source)
        for destination in dict.fromkeys(p.destination for p in status.pairs):
            cells = [cell_word(self.md_cell(destination, s)) for s in sources]
            table.add_row(Text(clean(short(destination))), *(Text(c, cell_colour(c)) for c in cells), key=destination)
        words = (f"{len(status.pairs)} pair(s) read, {len(status.failing)} failing."
                 + (f" {len(status.unreadable)} DC(s) not read." if status.unreadable else ""))
        self.query_one("#replication-status", Static).update(Text(words, "bold"))
        lines = [clean(_pair_line(p), 300) for p in status.failing[:20]]
        lines += [clean(f"{u['dc']}: not read: {u['why']}", 300) for u in status.unreadable[:10]]
        self.query_one("#replication-pairs", Static).update(Text("\n".join(lines), "red"))
        if status.pairs:
            table.focus()
            table.cursor_coordinate = self._first_failing(sources)

    def md_cell(self, destination: str, source: str) -> list[Pair]:
        return [p for p in self.status.pairs if p.destination == destination and p.source == source] if self.status \
            else []

    def _first_failing(self, sources: list[str]):
        from textual.coordinate import Coordinate

        destinations = list(dict.fromkeys(p.destination for p in self.status.pairs))  # type: ignore[union-attr]
        for row, destination in enumerate(destinations):
            for column, source in enumerate(sources, 1):
                if any(p.failing for p in self.md_cell(destination, source)):
                    return Coordinate(row, column)
        return Coordinate(0, 1)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        pairs = self.md_cell(str(event.cell_key.row_key.value), str(event.cell_key.column_key.value))
        if not pairs:
            return
        pair = max(pairs, key=lambda p: (p.failing, p.consecutive_failures or 0))
        forest = self.status.forest or self.query_one("#forest", Input).value  # type: ignore[union-attr]
        try:
            servers = self.dns_servers or [check_address(s, "DNS server") for s in
                                           self.query_one("#dns_servers", Input).value.replace(",", " ").split()]
            trail = pair_trail(pair, forest, servers or None, self.app.flows)  # type: ignore[attr-defined]
        except WizardError as exc:
            self.notify(str(exc), title="No diagnosis for this pair", severity="warning")
            return
        from wizard.tui.screens.walk import WalkScreen

        app = self.app
        app.diagnosis = Diagnosis(app.flows, trail, app.check_session(), app.runner)  # type: ignore
        app.push_screen(WalkScreen(app.diagnosis))  # type: ignore[attr-defined]
