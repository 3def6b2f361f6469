"""Pilot tests: each screen and the main paths, with a scripted probe runner passed to the app."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Static

from tests.tui.conftest import (
    AD_DS_NOT_RUNNING,
    DNS_SILENT,
    FLOWS,
    REPLICATION,
    SIZE,
    STALE_A_RECORD,
    TARGET,
    ScriptedRunner,
    answer_myself,
    make_app,
    option_ids,
    until,
)
from wizard import report
from wizard.tui.screens.answer import AnswerScreen, PasteScreen
from wizard.tui.screens.check import CheckScreen
from wizard.tui.screens.result import ResultScreen
from wizard.tui.screens.start import StartScreen
from wizard.tui.screens.targets import TargetsScreen
from wizard.tui.screens.walk import WalkScreen

NSLOOKUP = f"""C:\\>nslookup {TARGET} 10.0.0.10
Server:  dc1.contoso.com
Address:  10.0.0.10

Name:    {TARGET}
Address:  10.0.0.20
"""


async def run_to_result(pilot) -> ResultScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, WalkScreen), "the step screen")
    await pilot.press("a")
    await until(pilot, lambda: isinstance(pilot.app.screen, ResultScreen), "the result screen")
    return pilot.app.screen


def shown(widget: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


# --- start ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("1753", ["ad-replication-1753", "domain-join-0x6d9"]),
    ("0x6d9", ["ad-replication-1753", "domain-join-0x6d9"]),
    ("principal", ["target-principal-2146893022"]),
    ("outlook anywhere", ["exchange-rpc-http-1722"]),
    ("join", ["domain-join-0x6d9"]),
    ("Replicate now", ["ad-replication-1753"]),
])
async def test_start_narrows_by_code_message_or_where_seen(typed, expected):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None and option_ids(app.screen.query_one(OptionList)),
                    "the symptom list")
        await pilot.press(*typed)
        await pilot.pause()
        found = [i for i in option_ids(app.screen.query_one("#symptoms", OptionList)) if i]
        assert found == expected


async def test_start_with_nothing_matching_says_so_and_enter_does_nothing():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None, "the flows")
        await pilot.press(*"zzzz", "enter")
        await pilot.pause()
        options = app.screen.query_one("#symptoms", OptionList)
        assert options.option_count == 1 and options.get_option_at_index(0).disabled
        assert isinstance(app.screen, StartScreen)


async def test_choosing_a_symptom_opens_its_targets_form():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None, "the flows")
        await pilot.press(*"join", "enter")
        await until(pilot, TargetsScreen, "the targets form")
        assert app.screen.symptom.id == "domain-join-0x6d9"
        assert not app.screen.query("#guid")  # the join flow has no GUID step: the form does not ask


# --- targets ----------------------------------------------------------------------------------------

async def test_targets_are_checked_as_typed_and_bad_input_keeps_the_form():
    app = make_app(symptom="ad-replication-1753")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, TargetsScreen, "the targets form")
        await pilot.click("#target")
        await pilot.press(*"dc2;rm")
        await pilot.pause()
        assert "not a valid host name" in shown(app.screen.query_one("#target-help", Static))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TargetsScreen)
        assert "not a valid host name" in shown(app.screen.query_one("#form-error", Static))


async def test_a_valid_form_starts_the_walk_and_qualifies_netbios_names():
    app = make_app(symptom="ad-replication-1753", context={"forest": "contoso.com"})
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, TargetsScreen, "the targets form")
        app.screen.query_one("#target", Input).value = "DC2"
        app.screen.query_one("#dns_servers", Input).value = "10.0.0.10, 10.0.0.11"
        await pilot.press("ctrl+s")
        await until(pilot, WalkScreen, "the step screen")
        context = app.diagnosis.walk.context
        assert context["target"] == "dc2.contoso.com" and context["dns_servers"] == ["10.0.0.10", "10.0.0.11"]
        assert app.diagnosis.walk.node.id == "dest-guid"


async def test_an_account_without_a_password_is_asked_for_one_and_never_shown():
    app = make_app(symptom="ad-replication-1753", context={"target": TARGET}, user="CONTOSO\\helpdesk")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, TargetsScreen, "the targets form")  # no password known: the form asks
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "password for CONTOSO\\helpdesk is needed" in shown(app.screen.query_one("#form-error"))
        app.screen.query_one("#password", Input).value = "S3cret-pw"
        await pilot.press("ctrl+s")
        await until(pilot, WalkScreen, "the step screen")
        assert app.diagnosis.session.credentials.password == "S3cret-pw"
        assert "S3cret-pw" not in repr(app.diagnosis.session.credentials)


# --- the step screen --------------------------------------------------------------------------------

async def test_given_a_symptom_and_target_it_opens_straight_on_the_first_step():
    app = make_app(**REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        assert app.diagnosis.walk.node.id == "dest-guid" and not app.diagnosis.walk.steps


async def test_run_all_walks_to_the_cited_cause_in_order():
    runner = ScriptedRunner(STALE_A_RECORD)
    app = make_app(runner, **REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        result = await run_to_result(pilot)
        assert app.diagnosis.walk.cause.id == "stale-dns-record"
        assert runner.probes == ["ntds_lookup", "dns_cname", "dns_host", "identity", "epm_map", "resolution_source"]
        text = shown(result.query_one("#cause Static"))
        assert "DNS maps the DC's name to an address where another computer answers" in text
        assert "Name to IP mapping error in DNS" in text  # the quote, word for word


async def test_back_never_reruns_and_a_new_answer_changes_the_cause():
    runner = ScriptedRunner(STALE_A_RECORD)
    app = make_app(runner, **REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await run_to_result(pilot)
        ran = len(runner.calls)
        await pilot.press("b")
        await until(pilot, WalkScreen, "the step screen")
        assert app.diagnosis.walk.node.id == "mapping-source"
        await answer_myself(pilot, "hosts-file")
        await until(pilot, ResultScreen, "the new result")
        assert app.diagnosis.walk.cause.id == "stale-hosts-entry"
        assert app.diagnosis.walk.steps[-1].source == "person"
        assert len(runner.calls) == ran  # going back and answering ran nothing


async def test_keys_keep_working_while_a_check_runs_and_its_late_result_is_dropped(gated):
    app = make_app(gated, **REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        await pilot.press("r")
        await until(pilot, lambda: gated.calls, "the check to start")
        assert app.screen.running is not None
        assert "Running ntds_lookup" in shown(app.screen.query_one("#status", Static))
        await pilot.press("m")  # the UI answers while the probe thread waits
        await until(pilot, AnswerScreen, "the answer dialog")
        await pilot.press("enter")  # the first answer the node allows: found
        await until(pilot, lambda: app.diagnosis.walk.node.id == "cname", "the answer to land")
        gated.gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        steps = app.diagnosis.walk.steps
        assert [(s.node, s.source) for s in steps] == [("dest-guid", "person")]  # the probe's came too late


async def test_escape_stops_run_all_between_steps(gated):
    app = make_app(gated, **REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        await pilot.press("a")
        await until(pilot, lambda: gated.calls, "the first check")
        await pilot.press("escape")
        gated.gate.set()
        await until(pilot, lambda: app.diagnosis.walk.steps, "the first result")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert gated.probes == ["ntds_lookup"] and app.diagnosis.walk.node.id == "cname"
        assert app.screen.running is None


async def test_pasted_output_answers_the_step_and_a_wrong_paste_says_why():
    runner = ScriptedRunner(STALE_A_RECORD)
    app = make_app(runner, **REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        app.screen.jump("host")
        await pilot.press("p")
        await until(pilot, PasteScreen, "the paste dialog")
        app.screen.query_one("TextArea").text = NSLOOKUP.replace(TARGET, "member1.contoso.com")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "does not answer" in shown(app.screen.query_one("#paste-error", Static)),
                    "the paste to be refused")
        assert isinstance(app.screen, PasteScreen)
        assert "does not answer its check (dns_host: host=dc2.contoso.com" in shown(
            app.screen.query_one("#paste-error", Static))
        app.screen.query_one("TextArea").text = NSLOOKUP
        await pilot.press("ctrl+r")
        await until(pilot, WalkScreen, "the step screen")
        step = app.diagnosis.walk.steps[-1]
        assert (step.node, step.outcome, step.source) == ("host", "resolved", "paste")
        assert app.diagnosis.walk.context["address"] == "10.0.0.20" and "dns_host" not in runner.probes


async def test_jumping_from_the_palette_marks_skipped_steps_not_checked():
    app = make_app(**REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        await pilot.press("ctrl+p")
        await until(pilot, CommandPalette, "the palette")
        await pilot.press(*"Go to step epm")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: app.diagnosis.walk.node.id == "epm", "the jump")
        assert [s.source for s in app.diagnosis.walk.steps] == ["jump"] * 4


async def test_copy_command_goes_to_the_clipboard():
    app = make_app(**REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        app.screen.jump("host")
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.splitlines()[0] == f"nslookup {TARGET} 10.0.0.10"  # the step's own commands
        assert all(line.startswith(("nslookup", "findstr")) for line in app.clipboard.splitlines())


# --- the result -------------------------------------------------------------------------------------

async def test_the_ticket_is_the_diagnose_markdown_and_saves_to_a_file(tmp_path):
    app = make_app(save_dir=tmp_path, **REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await run_to_result(pilot)
        expected = report.to_markdown(app.diagnosis.walk, FLOWS)
        await pilot.press("t")
        await pilot.pause()
        assert app.clipboard == expected
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == "\n".join(app.diagnosis.walk.commands())
        await pilot.press("s")
        await pilot.pause()
        saved = list(tmp_path.glob("*.md"))
        assert len(saved) == 1 and saved[0].read_text() == expected


async def test_a_cause_exits_with_1_like_diagnose():
    app = make_app(**REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await run_to_result(pilot)
        await pilot.press("ctrl+q")
    assert app.return_value == 1


async def test_ad_ds_not_running_names_its_cause():
    app = make_app(ScriptedRunner(AD_DS_NOT_RUNNING), **REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await run_to_result(pilot)
        assert app.diagnosis.walk.cause.id == "ad-ds-not-running"


async def test_inconclusive_offers_to_answer_that_step_by_hand():
    app = make_app(ScriptedRunner(DNS_SILENT), **REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        result = await run_to_result(pilot)
        assert app.diagnosis.walk.cause is None
        assert "Inconclusive" in shown(result.query_one("#cause Static"))
        await pilot.press("m")
        await until(pilot, AnswerScreen, "the answer dialog")
        assert app.diagnosis.walk.node.id == "host"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert app.return_value == 2  # left unfinished


# --- one check from the palette ---------------------------------------------------------------------

async def test_a_check_from_the_palette_runs_on_the_host_typed():
    runner = ScriptedRunner({"tcp_ports": ("filtered", "10.0.0.99: TCP 135 FILTERED.",
                                           {"address": "10.0.0.99", "ports": {"135": {"state": "FILTERED"}}}, {})})
    app = make_app(runner)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None, "the flows")
        app.push_screen(CheckScreen("tcp_ports"))
        await until(pilot, lambda: isinstance(app.screen, CheckScreen) and app.screen.query("#param-address"),
                    "the check screen")
        app.screen.query_one("#param-address", Input).value = "10.0.0.99"
        app.screen.query_one("#param-ports", Input).value = "135"
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "FILTERED" in shown(app.screen.query_one("#check-result")), "the result")
        assert runner.calls == [("tcp_ports", {"address": "10.0.0.99", "ports": [135]})]
        app.screen.query_one("#param-address", Input).value = "not an address"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "not a valid IP address" in shown(app.screen.query_one("#check-result"))
        assert len(runner.calls) == 1


# --- bindings and start-up --------------------------------------------------------------------------

def _all_bindings():
    from wizard.tui.app import WizardApp
    from wizard.tui.screens.help import HelpScreen
    from wizard.tui.screens.paste_log import PasteLogScreen

    for owner in (WizardApp, StartScreen, PasteLogScreen, TargetsScreen, WalkScreen, ResultScreen, AnswerScreen,
                  PasteScreen, CheckScreen, HelpScreen):
        for binding in owner.BINDINGS:
            yield owner.__name__, binding


def test_every_binding_has_an_id_and_spares_the_keys_tmux_and_ssh_users_keep():
    ids = []
    for owner, binding in _all_bindings():
        assert binding.id, f"{owner} binding {binding.key} has no id"
        keys = binding.key.split(",")
        assert not {"ctrl+b", "ctrl+a", "ctrl+s" if owner == "WalkScreen" else ""} & set(keys), (owner, keys)
        ids.append(binding.id)
    assert len(ids) == len(set(ids))


def test_the_first_frame_loads_no_network_library():
    code = """
import asyncio, sys
from wizard.tui.app import WizardApp
async def main():
    app = WizardApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
asyncio.run(main())
print("LOADED=" + ",".join(sorted({m.split('.')[0] for m in sys.modules} & {"impacket", "dns", "OpenSSL", "ldap3"})))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "LOADED=" in proc.stdout, proc.stderr
    assert proc.stdout.rsplit("LOADED=", 1)[1].strip() == ""


# --- the sweep ----------------------------------------------------------------------------------------

async def test_the_sweep_lists_every_dc_and_opens_one_on_the_step_screen():
    from textual.widgets import DataTable

    from tests.test_sweep import ForestRunner
    from wizard.tui.screens.sweep import SweepScreen

    runner = ForestRunner({"dc2.contoso.com": {"epm_map": "not-registered"}})
    app = make_app(runner, context={"target": "dc1.contoso.com", "dns_servers": ["10.0.0.10"]})
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None, "the flows")
        app.push_screen(SweepScreen())
        await until(pilot, lambda: isinstance(app.screen, SweepScreen) and app.screen.query("#forest"), "the sweep")
        assert app.screen.query_one("#forest", Input).value == "contoso.com"  # from the target's domain
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.screen.result is not None, "the sweep to finish")
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "dc1.contoso.com", "dc2.contoso.com", "dc3.contoso.com"]
        assert str(table.get_row_at(1)[1]) == "ad-ds-not-running"
        await pilot.press("down", "enter")
        await until(pilot, WalkScreen, "DC2's diagnosis")
        assert app.diagnosis.walk.cause.id == "ad-ds-not-running"
        assert app.diagnosis.walk.context["target"] == "dc2.contoso.com"
