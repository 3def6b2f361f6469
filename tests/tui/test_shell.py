"""The app shell under keys that come faster than screens mount and focus moves: quitting while a screen
mounts, typing straight after Enter in the targets form; and the palette's order."""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from tests.tui.conftest import REPLICATION, SIZE, STALE_A_RECORD, ScriptedRunner, make_app, until
from wizard.exitcodes import EXIT_CAUSE
from wizard.tui.screens.result import ResultScreen
from wizard.tui.screens.targets import TargetsScreen
from wizard.tui.screens.walk import WalkScreen


def burst(app, *keys: str) -> None:
    """Keys as a terminal delivers a fast typist's burst: all queued at once, nothing processed in between
    (Pilot's `press` lets the app go idle after each key, which hides races)."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


# --- quitting while a screen mounts -------------------------------------------------------------------

@pytest.mark.parametrize("ticks", [0, 1, 2, 5])
async def test_quitting_while_the_result_screen_mounts_exits_cleanly(ticks):
    """Quit (ctrl+q's action, run at once rather than through the app's queue, which makes the timing
    certain) `ticks` event-loop turns after the result screen was pushed: before the fix the exit removed
    the screen's widgets under its own mount (NoMatches: HeaderTitle, or Pictures), and run_test
    re-raises any such error when the app ends."""
    app = make_app(ScriptedRunner(STALE_A_RECORD), **REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        walk = app.screen
        await pilot.press("a")
        await until(pilot, ResultScreen, "the result screen")
        await pilot.press("escape")
        await until(pilot, WalkScreen, "back on the steps")
        walk.action_result()  # Enter on the last step: the result screen is pushed, and mounts from here
        for _ in range(ticks):
            await asyncio.sleep(0)
        await app.run_action("quit")
        await until(pilot, lambda: app.return_code is not None, "the exit")
    assert app.return_value == EXIT_CAUSE  # the exit code `rpc-wizard tui` ends with, as `diagnose`


# --- keys typed straight after Enter --------------------------------------------------------------------

async def test_keys_typed_right_after_enter_reach_the_next_field():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None, "the flows")
        app.choose_symptom(REPLICATION["symptom"])
        await until(pilot, lambda: isinstance(app.screen, TargetsScreen) and app.screen.is_mounted, "the targets form")
        screen = app.screen
        target = screen.query_one("#target", Input)
        assert target.has_focus
        burst(app, *"dc2.contoso.com", "enter", *"dc1.contoso.com")  # Enter, then typing at once
        fields = list(screen.query(Input))
        following = fields[fields.index(target) + 1]
        await until(pilot, lambda: following.value == "dc1.contoso.com", "the typing in the next field")
        assert target.value == "dc2.contoso.com" and following.has_focus


async def test_enter_in_the_last_field_starts_and_enter_on_the_button_presses_it():
    app = make_app(context=dict(REPLICATION["context"]))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None, "the flows")
        app.choose_symptom(REPLICATION["symptom"])
        await until(pilot, lambda: isinstance(app.screen, TargetsScreen) and app.screen.is_mounted, "the targets form")
        list(app.screen.query(Input))[-1].focus()
        await pilot.press("enter")
        await until(pilot, WalkScreen, "the walk started from the last field")
        await pilot.press("n")  # a new diagnosis: back to the start
        app.choose_symptom(REPLICATION["symptom"])
        await until(pilot, lambda: isinstance(app.screen, TargetsScreen) and app.screen.is_mounted, "the form again")
        app.screen.query_one("#start").focus()
        await pilot.press("enter")
        await until(pilot, WalkScreen, "the walk started from the button")


# --- the palette's order --------------------------------------------------------------------------------

async def palette_texts(query: str) -> list[str]:
    """What the palette lists on the first step of a 1753 diagnosis, in its order, for `query`."""
    app = make_app(**REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        await pilot.press("ctrl+p")
        await until(pilot, CommandPalette, "the palette")
        palette = app.screen
        if query:
            await pilot.press(*query)
        commands = palette.query_one(CommandList)
        await until(pilot, lambda: palette.query_one(Input).value == query and "-ready" in palette.classes
                    and not any(w.is_running or w.state.name == "PENDING" for w in palette.workers)
                    and commands.option_count > 0, "the palette's commands")
        return [str(commands.get_option_at_index(i).hit.text) for i in range(commands.option_count)]


async def test_the_palette_lists_this_screens_commands_first_then_checks_symptoms_and_the_app():
    texts = await palette_texts("")
    kinds = [next(k for k, p in KINDS.items() if t.startswith(p)) for t in texts]
    assert kinds == sorted(kinds, key=list(KINDS).index), kinds  # each kind together, in this order
    assert set(kinds) == set(KINDS)
    assert texts[0] == "Go to step " + make_app().flows.flow(REPLICATION["symptom"]).start.id
    assert "Help" in texts and "Theme" in texts and "Quit" in texts


KINDS = {"step": "Go to step ", "check": "Run check ", "symptom": "Diagnose ", "sweep": "Sweep", "app": ""}


async def test_equal_matches_keep_that_order():
    """"epm" matches a step and three checks equally well (a whole word): the step of this flow comes first."""
    texts = await palette_texts("epm")
    assert texts[:4] == ["Go to step epm", "Run check epm_map", "Run check epm_lookup", "Run check epm_transports"]


@pytest.mark.parametrize("query", ["", "epm", "check", "1753"])
async def test_the_palettes_order_does_not_depend_on_the_order_its_providers_run_in(query):
    """Textual gathers the providers in a set (whose order follows the classes' ids, so it changed from one
    process to the next) and sorts what they find by score, keeping arrival order for equal scores. The
    order must come from the scores alone: the same whichever provider answers first."""
    app = make_app(**REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        providers = [cls(app.screen) for cls in {*app.COMMANDS, *app.screen.COMMANDS}]

        async def ranked(order) -> list[str]:
            hits = []
            for provider in order:
                async for hit in (provider.search(query) if query else provider.discover()):
                    hits.append(hit)
            return [str(h.text) for h in sorted(hits, key=lambda h: h.score, reverse=True)]

        forward, backward = await ranked(providers), await ranked(providers[::-1])
        assert forward == backward
        assert len(set(forward)) == len(forward) > 1


# --- the start screen's search presets what the words say ------------------------------------------------

@pytest.mark.parametrize("typed, symptom, interface", [
    ("WMI", "rpc-unavailable-1722", "wmi"),
    ("SQL", "rpc-unavailable-1722", "sql"),
    ("Event Viewer", "rpc-unavailable-1722", "eventlog"),
    ("MMC", "rpc-unavailable-1722", ""),  # says nothing about the interface: the form's default (drs)
    ("Outlook Anywhere", "exchange-rpc-http-1722", None),  # the Exchange tree (no interface field)
])
async def test_the_search_opens_the_form_preset_as_the_words_say(typed, symptom, interface):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None and app.screen.query("#symptoms"), "the start screen")
        await pilot.press(*typed)
        options = app.screen.query_one("#symptoms")
        await until(pilot, lambda: app.screen.query_one("#search", Input).value == typed
                    and options.highlighted is not None
                    and options.get_option_at_index(options.highlighted).id == symptom, f"{symptom} first")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TargetsScreen) and app.screen.is_mounted, "the form")
        assert app.screen.symptom.id == symptom
        fields = app.screen.query("#interface")
        assert (fields.first(Input).value if fields else None) == interface


async def test_what_the_command_line_gave_wins_over_the_search():
    app = make_app(symptom="WMI", context={"interface": "netlogon"})
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None and app.screen.query_one("#symptoms").option_count,
                    "the start screen, the search prefilled")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TargetsScreen) and app.screen.is_mounted, "the form")
        assert app.screen.query_one("#interface", Input).value == "netlogon"
