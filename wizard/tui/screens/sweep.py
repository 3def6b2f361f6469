"""Every DC of a forest at once (the palette's "Sweep the forest", as `rpc-wizard sweep`): a row per DC
as each finishes, a coloured word per check; Enter opens that DC's diagnosis on the step screen, where
back, answers and pastes work as for any other."""

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
from wizard.report.sweep import cell_colour, headings, rows
from wizard.sweep import DEFAULT_CONCURRENCY, DcResult, SweepResult, sweep
from wizard.tui.diagnosis import Diagnosis
from wizard.tui.widgets.forest_form import forest_form


class SweepScreen(Screen):
    BINDINGS = [
        Binding("ctrl+r", "sweep", "Sweep", id="sweep.run", tooltip="Find every DC and check each"),
        Binding("escape", "app.pop_screen", "Back", id="sweep.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: SweepResult | None = None
        self.found: list[DcResult] = []

    def compose(self) -> ComposeResult:
        context = self.app.diagnosis.walk.context if self.app.diagnosis else self.app.inputs.context  # type: ignore
        yield Header()
        with Vertical(id="sweep"):
            yield Static("Every DC of the forest: the 1753 checks on each, all at once. Enter on a row opens "
                         "that DC's diagnosis.", classes="hint")
            yield from forest_form("sweep-form", context)
            yield Static("", id="sweep-status")
            yield DataTable(id="dcs", cursor_type="row", zebra_stripes=True)
            yield Static("", id="sweep-findings")
        yield Footer()

    def on_mount(self) -> None:
        self.inbound = self.app.check_session().credentials is not None  # type: ignore[attr-defined]
        self.query_one(DataTable).add_columns(*headings(self.inbound))
        self.query_one("#forest", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_sweep()

    def action_sweep(self) -> None:
        try:
            forest = check_host(self.query_one("#forest", Input).value, "forest")
            text = self.query_one("#dns_servers", Input).value.replace(",", " ")
            servers = [check_address(s, "DNS server") for s in text.split()] or None
        except WizardError as exc:
            self.query_one("#sweep-status", Static).update(Text(str(exc), "bold red"))
            return
        self.found = []
        self.query_one(DataTable).clear()
        self.query_one("#sweep-status", Static).update(Text(f"Looking for the DCs of {forest}…", "yellow"))
        self._sweep(forest, servers)

    @work(thread=True, exclusive=True, group="sweep")
    def _sweep(self, forest: str, servers: list[str] | None) -> None:
        app = self.app
        result = sweep(forest, servers, app.check_session(), app.flows, DEFAULT_CONCURRENCY,  # type: ignore
                       app.runner, on_done=lambda dc: app.call_from_thread(self._add, dc))  # type: ignore
        app.call_from_thread(self._finished, result)

    def _add(self, dc: DcResult) -> None:
        """A DC as it finishes; the table is put in the forest's order once all are done."""
        self.found.append(dc)
        self._row(dc)
        self.query_one("#sweep-status", Static).update(Text(f"{len(self.found)} DC(s) checked…", "yellow"))

    def _row(self, dc: DcResult) -> None:
        cells = rows(SweepResult(dc.fqdn.split(".", 1)[-1], [dc]), self.inbound)[0]
        self.query_one(DataTable).add_row(*(Text(clean(c), cell_colour(i, c)) for i, c in enumerate(cells)),
                                          key=dc.fqdn)

    def _finished(self, result: SweepResult) -> None:
        self.result = result
        table = self.query_one(DataTable)
        table.clear()
        for dc in result.dcs:
            self._row(dc)
        if result.dcs:
            table.focus()  # Enter now opens the highlighted DC
        faults = sum(1 for dc in result.dcs if dc.walk.cause is not None and dc.walk.cause.is_fault)
        words = (f"{len(result.dcs)} DC(s) checked; {faults} with a cause." if result.dcs else
                 f"No DC found: {clean(result.discovery[0].summary if result.discovery else '')}")
        self.query_one("#sweep-status", Static).update(Text(words, "bold"))
        self.query_one("#sweep-findings", Static).update(
            Text("\n".join(f"forest: {clean(f['detail'], 300)} ({f['cause']})" for f in result.findings), "red"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from wizard.tui.screens.walk import WalkScreen

        dc = next((d for d in self.found if d.fqdn == event.row_key.value), None)
        if dc is None:
            return
        app = self.app
        app.diagnosis = Diagnosis(app.flows, dc.trail, app.check_session(), app.runner)  # type: ignore
        app.push_screen(WalkScreen(app.diagnosis))  # type: ignore[attr-defined]
