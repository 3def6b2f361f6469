"""The replication screen: the matrix read from the DCs (a scripted forest whose DC1 records what the lab's
ds-stopped fault makes it record) or from a pasted `repadmin /showrepl * /csv`; Enter on a failing cell
opens that pair's tree on the step screen with the source, destination, forest and GUID filled in."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static, TextArea

from tests.tui.conftest import SIZE, make_app, until
from tests.tui.test_snapshots import settled
from wizard.engine.results import ProbeResult
from wizard.parsers.replication import from_paste
from wizard.probes.session import Credentials
from wizard.tui.screens.paste_log import MATRIX, PasteLogScreen
from wizard.tui.screens.replication import ReplicationScreen
from wizard.tui.screens.start import StartScreen
from wizard.tui.screens.walk import WalkScreen

DC2_GUID = "1544ba45-c262-4a8f-b316-1c6f9368f561"
DC1_GUID = "2fe5174f-b795-4269-9d39-ea4e912e1752"
ADDRESSES = {"dc1.contoso.com": "10.0.0.10", "dc2.contoso.com": "10.0.0.30"}
SAMPLES = Path(__file__).parent.parent / "parsers" / "samples"


def _partner(nc: str, source: str, guid: str, result: int, failures: int) -> dict:
    return {"naming_context": nc, "source_guid": guid, "source": source, "address": f"{guid}._msdcs.contoso.com",
            "last_result": result, "consecutive_failures": failures, "last_attempt": "2026-12-02T09:11:33Z",
            "last_success": "2026-12-02T09:11:12Z"}


class ForestRunner:
    """DC1 pulls from DC2 and fails with Samba's 1234 in the domain NC (as on the lab under ds-stopped)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, probe: str, params: dict, session) -> ProbeResult:
        self.calls.append(probe)
        if probe == "dc_locator":
            return ProbeResult(probe, "found", "2 DCs", {}, {"dcs": sorted(ADDRESSES)})
        if probe == "dns_host":
            return ProbeResult(probe, "resolved", "resolved", {}, {"address": ADDRESSES[params["host"]]})
        if probe == "repl_status" and params["host"] == "dc1.contoso.com":
            partners = [_partner("DC=contoso,DC=com", "dc2.contoso.com", DC2_GUID, 1234, 3),
                        _partner("CN=Configuration,DC=contoso,DC=com", "dc2.contoso.com", DC2_GUID, 0, 0)]
            return ProbeResult(probe, "failing", "1 failing", {}, {"partners": partners})
        if probe == "repl_status":
            partners = [_partner("DC=contoso,DC=com", "dc1.contoso.com", DC1_GUID, 0, 0)]
            return ProbeResult(probe, "healthy", "none failing", {}, {"partners": partners})
        return ProbeResult(probe, "skipped", "not scripted", {}, {})


def _app(runner=None):
    return make_app(runner or ForestRunner(), context={"target": "dc1.contoso.com", "dns_servers": ["10.0.0.10"]},
                    credentials=Credentials("CONTOSO\\reader", "not-a-real-password"))


async def _read(pilot: Pilot) -> ReplicationScreen:
    app = pilot.app
    await until(pilot, lambda: app._flows is not None, "the flows")
    await until(pilot, StartScreen, "the start screen")
    await pilot.press("ctrl+r")
    await until(pilot, lambda: isinstance(app.screen, ReplicationScreen) and app.screen.query("#forest"), "the screen")
    await pilot.press("ctrl+r")
    await until(pilot, lambda: app.screen.status is not None and not any(w.is_running for w in app.screen.workers),
                "the read")
    return app.screen


def _cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_matrix_colours_the_failing_pair_and_enter_opens_its_tree():
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _read(pilot)
        table = screen.query_one(DataTable)
        assert _cells(table) == [["DC1", "1234 x3", ""], ["DC2", "", "ok"]]
        assert table.get_row_at(0)[1].style == "red" and table.get_row_at(1)[2].style == "green"
        shown = str(screen.query_one("#replication-pairs", Static).content)
        assert "DC1 <- DC2 DC=contoso,DC=com: result 1234" in shown
        assert table.cursor_coordinate == (0, 1)  # on the failing cell
        await pilot.press("enter")
        await until(pilot, WalkScreen, "the pair's diagnosis")
        context = app.diagnosis.walk.context
        assert app.diagnosis.walk.flow.symptom.id == "ad-replication-1753"
        assert (context["target"], context["dest"], context["forest"], context["guid"]) == (
            "dc2.contoso.com", "dc1.contoso.com", "contoso.com", DC2_GUID)


async def test_without_an_account_the_screen_says_how_to_read_or_paste():
    app = make_app(ForestRunner(), context={"target": "dc1.contoso.com"})
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None, "the flows")
        app.push_screen(ReplicationScreen())
        await until(pilot, lambda: isinstance(app.screen, ReplicationScreen) and app.screen.query("#forest"), "it")
        await pilot.press("ctrl+r")
        words = str(app.screen.query_one("#replication-status", Static).content)
        assert "needs an account" in words and "showrepl" in words and app.screen.status is None


async def test_a_pasted_showrepl_csv_opens_the_matrix_from_the_paste_screen():
    text = (SAMPLES / "posted_showrepl_csv_checkmk.txt").read_text().partition("\n")[2]
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None, "the flows")
        await pilot.press("ctrl+l")
        await until(pilot, PasteLogScreen, "the paste screen")
        app.screen.query_one(TextArea).text = text
        await pilot.press("ctrl+r")
        options = app.screen.query_one("#suggested", OptionList)
        await until(pilot, lambda: options.option_count > 0, "what the paste holds")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids[-1] == MATRIX
        options.highlighted = len(ids) - 1
        await pilot.press("enter")
        await until(pilot, ReplicationScreen, "the matrix")
        assert _cells(app.screen.query_one(DataTable)) == [["HSHPI220", "ok", "ok", "ok", "ok"]]


def test_matrix_snapshot(snap_compare):
    assert snap_compare(_app(), run_before=settled(_read), terminal_size=SIZE)


def test_pasted_replsum_matrix_snapshot(snap_compare):
    status = from_paste((SAMPLES / "posted_replsum_1722_blank_lines.txt").read_text().partition("\n")[2])

    async def run_before(pilot: Pilot) -> None:
        await until(pilot, lambda: pilot.app._flows is not None, "the flows")
        pilot.app.push_screen(ReplicationScreen(status))
        await until(pilot, lambda: isinstance(pilot.app.screen, ReplicationScreen) and pilot.app.screen.query(DataTable)
                    and pilot.app.screen.query_one(DataTable).row_count, "the matrix")

    assert snap_compare(_app(), run_before=settled(run_before), terminal_size=SIZE)
