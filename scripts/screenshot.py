"""SVG screenshots of every screen of the real wizard, with the live probes, on the practice lab.

Usage (in the lab's client namespace, the lab up; as root):

    rpc-wizard lab exec -- .venv/bin/python scripts/screenshot.py [OUTDIR]   # default: screenshots/

The WizardApp is driven in-process by Textual's Pilot at 120x40, by key presses (and one paste), with
no probe runner passed in, so every check runs for real against the lab. The script applies the lab
faults it needs itself (stale-a-record, epm-blocked, fixed-port-conflict) and heals the lab at the end,
whatever happens.

Files, by screen: start, start-filtered, paste-log, targets, step-first, step-evidence, palette,
check, answer, paste, result, sweep, step-running, result-1720, result-inconclusive (.svg).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

import wizard.lab as lab_api
from wizard.tui.app import Inputs, WizardApp

ROOT = Path(__file__).resolve().parent.parent
SIZE = (120, 40)
SAMPLES = ROOT / "tests" / "parsers" / "samples"


class Shots:
    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.made: list[str] = []

    async def take(self, pilot: Pilot, name: str, keep_notifications: bool = False) -> None:
        app = pilot.app
        if not keep_notifications:
            app.clear_notifications()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        app.save_screenshot(filename=f"{name}.svg", path=str(self.outdir))
        self.made.append(name)
        print(f"  {name}.svg  ({type(app.screen).__name__})", flush=True)


async def until(pilot: Pilot, ready: Callable[[], object], what: str, seconds: float = 30) -> None:
    """Let the app run until `ready()`; a RuntimeError after `seconds`."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {seconds:g} s waiting for {what} "
                               f"(screen: {type(pilot.app.screen).__name__})")
        await pilot.pause(0.05)


def on(app: WizardApp, screen: str) -> Callable[[], bool]:
    return lambda: type(app.screen).__name__ == screen


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)


def paste(app: WizardApp, text: str) -> None:
    """What the terminal driver hands the app for a (bracketed) paste: the app gives it to the
    focused widget. (Posted to the widget itself, it would bubble to the app and arrive twice.)"""
    app.post_message(events.Paste(text))


async def palette(pilot: Pilot, app: WizardApp, typed: str) -> None:
    """Open the command palette and type into it (its matches take a moment to settle)."""
    await pilot.press("ctrl+p")
    await until(pilot, on(app, "CommandPalette"), "the command palette")
    await type_text(pilot, typed)
    await pilot.pause(0.6)


async def main_walk(shots: Shots, lab) -> None:
    """stale-a-record: from the start screen, by keys, to the cited cause; the dialogs on the way."""
    target, dest, dns = lab.hosts["DC2"].fqdn, lab.hosts["DC1"].fqdn, lab.dns_servers[0]
    app = WizardApp(Inputs())
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app._flows is not None and app.screen.query_one("#symptoms", OptionList)
                    .option_count > 0, "the symptoms")
        await shots.take(pilot, "start")

        await type_text(pilot, "principal")
        await pilot.pause(0.2)
        await shots.take(pilot, "start-filtered")
        await pilot.press(*["backspace"] * len("principal"))

        await pilot.press("ctrl+l")
        await until(pilot, on(app, "PasteLogScreen"), "the paste-a-log screen")
        await until(pilot, lambda: isinstance(app.focused, TextArea), "the paste box focused")
        paste(app, (SAMPLES / "dcdiag_1753.txt").read_text())
        await pilot.pause(0.2)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.screen.query_one("#suggested", OptionList).display, "the log read")
        await shots.take(pilot, "paste-log")
        await pilot.press("escape")

        await until(pilot, on(app, "StartScreen"), "the start screen again")
        await type_text(pilot, "1753")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await until(pilot, on(app, "TargetsScreen"), "the targets form")
        values = (target, dest, "", "", dns)  # target, destination, forest, GUID, DNS servers
        for i, value in enumerate(values):
            focused = app.focused
            await type_text(pilot, value)
            if i + 1 < len(values):  # Enter moves on; the last stays, so the form shows from its top
                await pilot.press("enter")
                await until(pilot, lambda f=focused: app.focused is not f, "the next field")
        await pilot.pause(0.2)
        await shots.take(pilot, "targets")
        await pilot.press("ctrl+s")

        await until(pilot, on(app, "WalkScreen"), "the first step")
        await pilot.pause(0.3)
        await shots.take(pilot, "step-first")

        walk = app.diagnosis.walk
        for node in ("dest-guid", "cname", "host", "identity"):  # one check at a time, by r
            count = len(walk.steps)
            await pilot.press("r")
            await until(pilot, lambda n=count: len(walk.steps) > n, f"the check of {node}")
        await pilot.pause(0.2)
        await shots.take(pilot, "step-evidence")

        await palette(pilot, app, "epm")  # checks and steps of this flow alike
        await shots.take(pilot, "palette")
        await pilot.press(*["backspace"] * 3)
        await type_text(pilot, "Run check epm_map")
        await pilot.pause(0.6)
        await pilot.press("enter")
        await until(pilot, on(app, "CheckScreen"), "the check screen")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.screen.command, "the check's result")
        await shots.take(pilot, "check")
        await pilot.press("escape")

        await until(pilot, on(app, "WalkScreen"), "the step screen again")
        await pilot.press("m")
        await until(pilot, on(app, "AnswerScreen"), "the answer dialog")
        await shots.take(pilot, "answer")
        await pilot.press("escape")

        await until(pilot, on(app, "WalkScreen"), "the step screen again")
        await pilot.press("p")
        await until(pilot, on(app, "PasteScreen"), "the paste dialog")
        await until(pilot, lambda: isinstance(app.focused, TextArea), "the paste box focused")
        paste(app, (SAMPLES / "portqry_e135.txt").read_text())
        await pilot.pause(0.2)
        await shots.take(pilot, "paste")
        await pilot.press("escape")

        await until(pilot, on(app, "WalkScreen"), "the step screen again")
        await pilot.press("a")
        await until(pilot, on(app, "ResultScreen"), "the result", seconds=60)
        await shots.take(pilot, "result")
        cause = app.diagnosis.walk.cause
        print(f"    result: {cause.id if cause else 'inconclusive'}")


async def running_step(shots: Shots, lab) -> None:
    """epm-blocked (DC2 drops TCP 135): a check waiting for its timeout, shot while it runs."""
    context = {"target": lab.hosts["DC2"].fqdn, "dest": lab.hosts["DC1"].fqdn, "dns_servers": lab.dns_servers[:1]}
    app = WizardApp(Inputs(symptom="ad-replication-1753", context=context))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, "WalkScreen"), "the first step")
        await pilot.press("a")

        def waiting() -> bool:  # the check that meets the dropped port first (identity, today)
            running = getattr(app.screen, "running", None)
            return running is not None and app.clock() - running.started >= 1.6

        await until(pilot, waiting, "a check waiting for its timeout", seconds=60)
        await shots.take(pilot, "step-running")
        await until(pilot, on(app, "ResultScreen"), "the end of the walk", seconds=60)
        await pilot.pause(0.3)  # leave only once the result screen is whole


async def inconclusive(shots: Shots, lab) -> None:
    """Healthy lab: jump straight to the last step of the impostor branch (palette "Go to step"):
    where the address came from is unknown there, so the walk cannot tell."""
    context = {"target": lab.hosts["DC2"].fqdn, "dest": lab.hosts["DC1"].fqdn, "dns_servers": lab.dns_servers[:1]}
    app = WizardApp(Inputs(symptom="ad-replication-1753", context=context))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, "WalkScreen"), "the first step")
        await palette(pilot, app, "Go to step mapping-source")
        await pilot.press("enter")
        await until(pilot, lambda: on(app, "WalkScreen")() and app.diagnosis.walk.node is not None
                    and app.diagnosis.walk.node.id == "mapping-source", "the step mapping-source")
        await pilot.press("r")
        await until(pilot, on(app, "ResultScreen"), "the result", seconds=30)
        if app.diagnosis.walk.cause is not None:
            raise RuntimeError(f"expected an inconclusive result, got {app.diagnosis.walk.cause.id}")
        await shots.take(pilot, "result-inconclusive")


async def sweep(shots: Shots, lab) -> None:
    """stale-a-record: every DC of the forest at once (palette "Sweep the forest"), DC2 with its cause."""
    app = WizardApp(Inputs(context={"target": lab.hosts["DC2"].fqdn, "dns_servers": lab.dns_servers[:1]}))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, "StartScreen"), "the start screen")
        await palette(pilot, app, "Sweep the forest")
        await pilot.press("enter")
        await until(pilot, on(app, "SweepScreen"), "the sweep screen")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None, "the sweep", seconds=60)
        await shots.take(pilot, "sweep")


async def endpoint_create(shots: Shots, lab) -> None:
    """fixed-port-conflict: the 1720 tree, signed in, from the first step to the cited cause (document 002)."""
    from wizard.probes.session import Credentials

    context = {"target": lab.hosts["DC2"].fqdn, "dns_servers": lab.dns_servers[:1]}
    app = WizardApp(Inputs(symptom="endpoint-create-1720", context=context, user=lab.admin_user,
                           credentials=Credentials(lab.admin_user, lab.admin_password)))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, "WalkScreen"), "the first step")
        await pilot.press("a")
        await until(pilot, on(app, "ResultScreen"), "the result", seconds=60)
        cause = app.diagnosis.walk.cause
        if cause is None or cause.id != "fixed-port-conflict":
            raise RuntimeError(f"expected fixed-port-conflict, got {cause.id if cause else 'inconclusive'}")
        await shots.take(pilot, "result-1720")


async def take_all(outdir: Path) -> list[str]:
    from wizard.lab.netns import current_has_link

    lab = lab_api.status()
    if lab is None:
        raise SystemExit("the lab is not up: `rpc-wizard lab up` first")
    if not current_has_link(lab_api.BRIDGE):
        raise SystemExit("run this in the lab's client namespace: "
                         "rpc-wizard lab exec -- .venv/bin/python scripts/screenshot.py [OUTDIR]")
    shots = Shots(outdir)
    try:
        print("fault stale-a-record", flush=True)
        lab_api.apply_fault("stale-a-record")
        await main_walk(shots, lab)
        await sweep(shots, lab)
        print("fault epm-blocked", flush=True)
        lab_api.apply_fault("epm-blocked")
        await running_step(shots, lab)
        print("fault fixed-port-conflict", flush=True)
        lab_api.apply_fault("fixed-port-conflict")
        await endpoint_create(shots, lab)
        print("healthy", flush=True)
        lab_api.heal()
        await inconclusive(shots, lab)
    finally:
        lab_api.heal()
    return shots.made


def main(argv: list[str]) -> int:
    outdir = Path(argv[0]) if argv else ROOT / "screenshots"
    outdir.mkdir(parents=True, exist_ok=True)
    made = asyncio.run(take_all(outdir))
    print(f"{len(made)} screenshots in {outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
