"""A wizard people make their own: a keymap file, themes chosen in the palette and remembered, NO_COLOR,
and F1's help listing the keys in force."""

from __future__ import annotations

import re

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Static

from tests.tui.conftest import REPLICATION, SIZE, make_app, until
from wizard.tui.config import read_config, remember_theme
from wizard.tui.keys import binding_ids
from wizard.tui.screens.help import HelpScreen
from wizard.tui.screens.walk import WalkScreen

THEMES = {"textual-dark", "ansi-dark", "ansi-light"}


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _plain(app) -> str:
    """What the help screen shows, as one line of plain text."""
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO(), record=True)
    for static in app.screen.query(Static):
        console.print(static.content)
    return " ".join(console.export_text().split())


# --- the file -------------------------------------------------------------------------------------------

def test_a_keymap_reads_quoted_and_dotted_ids(tmp_path):
    path = tmp_path / "config.toml"
    write(path, '# mine\ntheme = "ansi-light"\n[keymap]\n"walk.run" = "x, f5"\napp.quit = "ctrl+x"\n')
    config = read_config(path, binding_ids, THEMES)
    assert config.problem is None and config.found
    assert config.keymap == {"walk.run": "x,f5", "app.quit": "ctrl+x"} and config.theme == "ansi-light"


@pytest.mark.parametrize("text, says", [
    ('[keymap\n"walk.run" = "x"', "Expected ']'"),
    ('[keymap]\n"walk.rnu" = "x"', "no binding 'walk.rnu'"),
    ('[keymap]\n"walk.run" = 5', "'walk.run' must be keys as a string"),
    ('[keymap]\n"walk.run" = "x,,y"', "'walk.run' must be keys"),
    ('keymap = "x"', "keymap must be a table"),
    ('theme = "nope"', "theme 'nope' is not one of: ansi-dark, ansi-light, textual-dark"),
    ('colour = "red"', "unknown setting 'colour'"),
    (b"\xff\xfe[", "codec"),
])
def test_a_bad_file_is_one_line_and_the_defaults(tmp_path, text, says):
    path = tmp_path / "config.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    config = read_config(path, binding_ids, THEMES)
    assert config.keymap == {} and config.theme is None
    assert config.problem is not None and "\n" not in config.problem and says in config.problem
    assert config.problem.startswith(str(path)) and config.problem.endswith("the defaults are in force")


def test_no_file_is_the_defaults_and_a_directory_says_so(tmp_path):
    assert read_config(tmp_path / "none.toml", binding_ids, THEMES).problem is None
    problem = read_config(tmp_path, binding_ids, THEMES).problem
    assert problem and "cannot be read" in problem


def test_remembering_a_theme_keeps_the_rest_of_the_file(tmp_path):
    path = tmp_path / "sub" / "config.toml"
    remember_theme(path, "ansi-dark")
    assert path.read_text() == 'theme = "ansi-dark"\n'
    write(path, '# my keys\ntheme = "ansi-dark"  # old\n\n[keymap]\n"walk.run" = "x"  # r is taken\n')
    remember_theme(path, "ansi-light")
    assert path.read_text() == '# my keys\ntheme = "ansi-light"\n\n[keymap]\n"walk.run" = "x"  # r is taken\n'
    assert read_config(path, binding_ids, THEMES).keymap == {"walk.run": "x"}


# --- in the wizard --------------------------------------------------------------------------------------

async def test_a_keymap_file_rebinds_a_key_and_help_shows_it(own_config):
    write(own_config, '[keymap]\n"walk.run" = "x"\n')
    app = make_app(**REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        await pilot.press("r")  # no longer bound
        await pilot.pause(0.1)
        assert app.runner.calls == []
        await pilot.press("x")
        await until(pilot, lambda: len(app.runner.calls) == 1, "the check run by the new key")
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen.is_mounted, "the help")
        shown = _plain(app)
        assert re.search(r"\bx Run check walk\.run\b", shown), shown
        assert not re.search(r"\br Run check\b", shown)
        assert str(own_config) in shown
        await pilot.press("escape")
        await until(pilot, WalkScreen, "the help closed")


async def test_a_bad_keymap_file_does_not_stop_the_wizard(own_config):
    write(own_config, '[keymap]\n"walk.run" = \n')
    app = make_app(**REPLICATION)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        notes = [n.message for n in app._notifications]
        assert any(str(own_config) in n and "the defaults are in force" in n for n in notes), notes
        await pilot.press("r")  # the default key works
        await until(pilot, lambda: len(app.runner.calls) == 1, "the check run by the default key")


async def test_f1_opens_help_and_ctrl_p_the_palette():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.is_mounted and app._flows is not None, "the start screen")
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen.is_mounted, "the help")
        shown = _plain(app)
        for expected in ("ctrl+l Paste a log start.paste_log", "ctrl+q Quit app.quit", "f1 Help app.help",
                         "Mouse", "wheel", "rpc-wizard diagnose --format text", "Config file:"):
            assert expected in shown, expected
        await pilot.press("f1")  # F1 again closes it
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen), "the help closed")
        await pilot.press("ctrl+p")
        await until(pilot, CommandPalette, "the palette")


# --- themes ---------------------------------------------------------------------------------------------

async def test_a_theme_chosen_in_the_palette_is_remembered(own_config):
    app = make_app()
    assert {"ansi-dark", "ansi-light"} <= set(app.available_themes)  # the terminal's own colours, in Textual 8.2.8
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.is_mounted and app._flows is not None, "the start screen")
        await pilot.press("ctrl+p")
        for query in ("Theme", "ansi-light"):  # the palette's Theme opens the list of themes
            await until(pilot, CommandPalette, "a palette")
            palette = app.screen
            await pilot.press(*query)
            commands = palette.query_one(CommandList)
            await until(pilot, lambda p=palette, q=query: p.query_one(Input).value == q and commands.option_count
                        and str(commands.get_option_at_index(0).hit.text) == q, f"{query} first")
            await pilot.press("enter")
            await until(pilot, lambda p=palette: app.screen is not p, "the palette closed")
        await until(pilot, lambda: app.theme == "ansi-light", "the theme")
    assert 'theme = "ansi-light"' in own_config.read_text()
    assert make_app().theme == "ansi-light"  # the next start has it


# --- NO_COLOR -------------------------------------------------------------------------------------------

def colours(svg: str) -> set[str]:
    """The colours an SVG screenshot paints with, text and backgrounds."""
    return {c.lower() for c in re.findall(r"(?:fill|color)[:=]\s*\"?(#[0-9a-fA-F]{6})", svg)}


def grey(colour: str) -> bool:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return max(r, g, b) - min(r, g, b) <= 8  # window chrome aside, nothing tinted


async def screenshot(**given) -> str:
    app = make_app(**given)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, WalkScreen, "the step screen")
        await pilot.press("r")
        await until(pilot, lambda: len(app.screen.diagnosis.walk.steps) == 1, "a step recorded")
        await pilot.pause()
        return app.export_screenshot()


async def test_no_color_turns_colour_off(monkeypatch):
    coloured = {c for c in colours(await screenshot(**REPLICATION)) if not grey(c)}
    assert coloured  # the control: the wizard has colour
    monkeypatch.setenv("NO_COLOR", "1")
    assert make_app().no_color
    chrome = {"#ff5f57", "#febc2e", "#28c840"}  # the window buttons Textual draws around every SVG
    assert {c for c in colours(await screenshot(**REPLICATION)) if not grey(c)} <= chrome


def test_the_file_is_in_the_platforms_config_directory(monkeypatch, tmp_path):
    from platformdirs import user_config_path

    from wizard.tui.config import config_path

    monkeypatch.delenv("RPC_WIZARD_CONFIG")
    for xdg in (str(tmp_path), ""):
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
        assert config_path() == user_config_path("rpc-wizard", appauthor=False) / "config.toml"
    monkeypatch.setenv("RPC_WIZARD_CONFIG", "~/elsewhere.toml")
    assert str(config_path()).endswith("/elsewhere.toml") and "~" not in str(config_path())
