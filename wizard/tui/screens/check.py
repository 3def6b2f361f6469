"""One check, straight away (the palette's "Run check ..."): its parameters, pre-filled from the
diagnosis in progress, then the probe in a thread worker and its evidence, as `rpc-wizard check`."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from wizard import WizardError, diagnose
from wizard.engine.catalog import CATALOG
from wizard.engine.params import check_params
from wizard.engine.rpc_interfaces import alias_of
from wizard.engine.untrusted import clean_text
from wizard.engine.walk import ProbeCall, Step
from wizard.probes.session import Session
from wizard.tui.widgets.evidence import render_evidence

PLACEHOLDERS = {"address": "an IP address", "host": "a host name", "target": "the intended host (FQDN)",
                "expected": "the host meant: the one that should answer, or whose registry is read",
                "dest": "the destination DC", "forest": "forest root",
                "guid": "objectGUID", "dns_servers": "DNS server addresses, commas between",
                "ports": "135,389 or ad or advertised",
                "interface": "drs (default), wmi, sql, netlogon, eventlog ... or an interface UUID",
                "server": "the mailbox server (FQDN) ValidPorts must allow",
                "dynamic_range": "low-high, e.g. 49152-65535 (netsh int ipv4 show dynamicport tcp)",
                "addresses": "addresses, commas between", "hosts_file": "path of a HOSTS file",
                "resolved_from": "dns or a hosts file path"}


def _text(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else "" if value is None else str(value)


class CheckScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("ctrl+r", "run", "Run", id="check.run"),
        Binding("c", "copy_command", "Copy command", id="check.copy_command"),
        Binding("escape", "dismiss_none", "Close", id="check.close"),
    ]

    def __init__(self, probe: str) -> None:
        super().__init__()
        self.probe, self.spec = probe, CATALOG[probe]
        self.command = ""

    def _known(self) -> dict[str, object]:
        """What the diagnosis under way (or the command line) already knows, to pre-fill the parameters."""
        diagnosis = self.app.diagnosis  # type: ignore[attr-defined]
        return dict(diagnosis.walk.context if diagnosis else self.app.inputs.context)  # type: ignore[attr-defined]

    def _prefilled(self) -> dict[str, object]:
        """The known values under the names of this check's parameters."""
        known = self._known()
        known.setdefault("host", known.get("target"))
        if "server" in self.spec.params:  # valid_ports: the proxy's registry, about the target's mailbox server
            known.setdefault("server", known.get("target"))
            if known.get("proxy"):
                known.setdefault("expected", known["proxy"])
        known.setdefault("expected", known.get("target"))
        if known.get("interface"):
            known["interface"] = alias_of(str(known["interface"])) or known["interface"]
        return known

    def compose(self) -> ComposeResult:
        known = self._prefilled()
        with VerticalScroll(classes="dialog"):
            yield Static(Text.assemble((f"Check {self.probe}", "bold"), "\n", self.spec.description))
            for name in self.spec.params:
                yield Label(name, classes="field-label")
                yield Input(_text(known.get(name)), id=f"param-{name}", placeholder=PLACEHOLDERS.get(name, name))
            yield Static("Enter or ctrl+r runs it.", classes="hint")
            yield Static("", id="check-result")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    def action_run(self) -> None:
        given = {i.id.removeprefix("param-"): i.value for i in self.query(Input) if i.id}
        out = self.query_one("#check-result", Static)
        try:
            params = check_params(self.probe, given)
        except WizardError as exc:
            out.update(Text(clean_text(exc), "bold red"))
            return
        out.update(Text(f"Running {self.probe}…", "yellow"))
        self._run(ProbeCall("check", self.probe, params, ""), self.app.check_session())  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="check")
    def _run(self, call: ProbeCall, session: Session) -> None:
        result = diagnose.execute(call, session, self.app.runner)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show, result)

    def _show(self, result) -> None:
        self.command = result.command
        self.refresh_bindings()
        step = Step("check", result.probe, result.outcome, result.summary, dict(result.evidence), result.command,
                    result.elapsed_s)
        self.query_one("#check-result", Static).update(Group(
            Text(clean_text(result.summary)), Text.assemble(("Windows: ", "bold"), clean_text(result.command)),
            render_evidence(step)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self.command) if action == "copy_command" else True

    def action_copy_command(self) -> None:
        if self.command:
            self.app.copy_text(self.command, "The command")  # type: ignore[attr-defined]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
