"""The wizard under test: real flows, a scripted probe runner passed in (no network, no patching),
a clock that stands still (so spinners and elapsed times are the same in every snapshot)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard.engine.catalog import DRS_UUID
from wizard.engine.loader import load_flows
from wizard.engine.results import ProbeResult
from wizard.tui.app import Inputs, WizardApp

FLOWS = load_flows()
SIZE = (120, 40)
GUID = "6f1c2d3e-1111-2222-3333-444455556666"
TARGET = "dc2.contoso.com"
ADDRESS = "10.0.0.20"

# probe -> (outcome, summary, evidence, facts): what the lab's stale-a-record fault shows
STALE_A_RECORD = {
    "ntds_lookup": ("skipped", "No credentials: the destination's copy of the GUID was not read.", {}, {}),
    "dns_cname": ("skipped", "No NTDS Settings objectGUID known: the CNAME check is skipped.", {}, {}),
    "dns_host": ("resolved", f"{TARGET} -> {ADDRESS} from DNS (10.0.0.10).",
                 {"host": TARGET, "hosts_files": {},
                  "servers": {"10.0.0.10": {"A": {"status": "ok", "answers": [ADDRESS]},
                                            "AAAA": {"status": "nodata", "answers": []}}}},
                 {"address": ADDRESS, "resolved_from": "dns", "addresses": [ADDRESS]}),
    "identity": ("mismatch", f"{ADDRESS} is MEMBER1, not DC2 (netbios: MEMBER1, smb: MEMBER1).",
                 {"address": ADDRESS, "expected": TARGET, "claimed": {"netbios": "MEMBER1", "smb": "MEMBER1"},
                  "sources": {"netbios": ["MEMBER1"], "smb": {"name": "MEMBER1", "domain": "CONTOSO"},
                              "ldap": {"error": "NOT LISTENING"}}},
                 {"answered_by": "MEMBER1", "address": ADDRESS}),
    "epm_map": ("not-registered", f"MS NT Directory DRS Interface is not registered at {ADDRESS} (1753).",
                {"address": ADDRESS, "interface": DRS_UUID, "status": "0x16c9a0d6"}, {}),
    "resolution_source": ("dns", "The address came from DNS, not a hosts file.", {"resolved_from": "dns"}, {}),
}

AD_DS_NOT_RUNNING = {
    **STALE_A_RECORD,
    "identity": ("match", f"{ADDRESS} is DC2 (netbios: DC2, smb: DC2, ldap: DC2).",
                 {"address": ADDRESS, "expected": TARGET, "claimed": {"netbios": "DC2", "smb": "DC2", "ldap": "DC2"},
                  "sources": {"netbios": ["DC2"], "smb": {"name": "DC2"}, "ldap": {"dnsHostName": TARGET}}},
                 {"answered_by": "DC2", "address": ADDRESS}),
}

DNS_SILENT = {**STALE_A_RECORD,
              "dns_host": ("error", f"No DNS server answered for {TARGET}.",
                           {"host": TARGET, "servers": {"10.0.0.10": {"A": {"status": "timeout", "answers": []}}}},
                           {})}


class ScriptedRunner:
    """Answers each probe from a script and remembers the calls. With `gate`, every call waits for
    it (bounded), so a test can look at the wizard while a check is still running."""

    def __init__(self, script: dict, gate: threading.Event | None = None) -> None:
        self.script, self.gate, self.calls = script, gate, []

    def __call__(self, probe: str, params: dict, session) -> ProbeResult:
        self.calls.append((probe, dict(params)))
        if self.gate is not None:
            self.gate.wait(timeout=10)
        outcome, summary, evidence, facts = self.script[probe]
        return ProbeResult(probe, outcome, summary, evidence, facts, command=f"({probe} command)", elapsed_s=0.02)

    @property
    def probes(self) -> list[str]:
        return [probe for probe, _ in self.calls]


def make_app(runner: ScriptedRunner | None = None, save_dir: Path | None = None, **given) -> WizardApp:
    """The app as `rpc-wizard tui` would build it from `given` (symptom, context, user, ...)."""
    return WizardApp(Inputs(**given), flows=FLOWS, runner=runner or ScriptedRunner(STALE_A_RECORD),
                     clock=lambda: 100.0, save_dir=save_dir)


REPLICATION = {"symptom": "ad-replication-1753",
               "context": {"target": TARGET, "dest": "dc1.contoso.com", "dns_servers": ["10.0.0.10"]}}


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch) -> Path:
    """Every app under test reads (and writes a chosen theme to) a config file of its own, never the
    person's: none at first, so the default keys and theme are in force."""
    path = tmp_path / "rpc-wizard" / "config.toml"
    monkeypatch.setenv("RPC_WIZARD_CONFIG", str(path))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return path


@pytest.fixture
def runner() -> ScriptedRunner:
    return ScriptedRunner(STALE_A_RECORD)


@pytest.fixture
def gated() -> Iterator[ScriptedRunner]:
    """A runner whose every call waits until the test opens `gated.gate` (always opened at the end)."""
    runner = ScriptedRunner(STALE_A_RECORD, threading.Event())
    yield runner
    runner.gate.set()


async def until(pilot, condition, what: str, tries: int = 500) -> None:
    """Let the app run until `condition()` holds, or the screen on top is of type `condition` (about 5 s at
    most: workers post their results on the UI thread), and every screen has finished mounting: a test that
    ended on a screen still mounting would tear the app down under it (NoMatches: HeaderTitle)."""
    check = (lambda: isinstance(pilot.app.screen, condition)) if isinstance(condition, type) else condition
    for _ in range(tries):
        if check() and all(screen.is_mounted for screen in pilot.app.screen_stack):
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for {what}; screen is {type(pilot.app.screen).__name__}")


def option_ids(option_list) -> list[str]:
    return [option_list.get_option_at_index(i).id for i in range(option_list.option_count)]


async def answer_myself(pilot, outcome: str) -> None:
    """`m` on the step screen, then choose `outcome` in the answer dialog."""
    from textual.widgets import OptionList

    from wizard.tui.screens.answer import AnswerScreen

    await pilot.press("m")
    await until(pilot, AnswerScreen, "the answer dialog")
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = option_ids(options).index(outcome)
    await pilot.press("enter")
