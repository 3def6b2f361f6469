"""Targets: who is involved, checked as you type with the engine's own rules; pre-filled from the
command line or a pasted log. The password field is masked and never leaves the Credentials object."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from wizard import WizardError
from wizard.engine.model import Symptom
from wizard.engine.rpc_interfaces import INTERFACES, alias_of
from wizard.probes.session import Credentials
from wizard.tui import validators

# field id -> (label, an example, what it means when the symptom does not say, validator factory)
FIELDS = {
    "target": ("Target", "dc2.contoso.com", "the computer the failing call goes to",
               lambda: validators.host("target", required=True)),
    "proxy": ("RPC proxy", "cas1.contoso.com", "the Exchange RPC proxy (Client Access server) whose registry is "
              "read; empty: the target's", lambda: validators.host("proxy")),
    "dest": ("Failing computer", "dc1.contoso.com", "the computer that logs the error (for replication: "
             "the destination DC)", lambda: validators.host("destination")),
    "forest": ("Forest root", "contoso.com", "the forest root domain (default: the target's domain)",
               lambda: validators.host("forest")),
    "guid": ("NTDS Settings GUID", "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
             "objectGUID of the source DC's NTDS Settings (dcdiag / repadmin)", validators.guid),
    "interface": ("RPC interface", "drs, wmi, sql, netlogon, eventlog ... or a UUID",
                  f"the RPC interface the error is about: {', '.join(INTERFACES)} or its UUID; empty: drs",
                  validators.interface),
    "dns_servers": ("DNS servers", "10.0.0.10, 10.0.0.11",
                    "the DNS servers the destination uses (ipconfig /all), commas between",
                    lambda: validators.addresses("DNS server")),
    "hosts_file": ("Hosts file", "/path/to/hosts", "a HOSTS file copied from the destination (default: this "
                   "machine's)", None),
}


def _text(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value or "")


def _shown(key: str, value: object) -> str:
    """A field's value as a person reads it: an interface by its alias when it has one."""
    if key == "interface" and value:
        return alias_of(str(value)) or str(value)
    return _text(value)


class TargetsScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "start", "Start", id="targets.start", tooltip="Start the diagnosis"),
        Binding("escape", "app.pop_screen", "Back", id="targets.back"),
        # Enter moves on from a field in the app's own key handling, before the next key is routed: the
        # Input's Submitted message (handled later, in this screen's queue) left keys typed straight after
        # Enter in the field before.
        Binding("enter", "next_field", "Next field", id="targets.next_field", priority=True, show=False),
    ]

    def __init__(self, symptom: Symptom, inputs, preset: dict[str, str] | None = None) -> None:
        super().__init__()
        self.symptom, self.inputs = symptom, inputs
        self.given = {**(preset or {}), **inputs.context}  # what the command line gave wins over a search's preset
        self.help_texts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="targets"):
            yield Static(Text(self.symptom.title, "bold"), id="symptom-title")
            yield Static(self.symptom.summary, classes="hint")
            for key in self._fields():
                label, example, default_help, make = FIELDS[key]
                field = Input(_shown(key, self.given.get(key)), id=key, placeholder=example,
                              validators=[make()] if make else [])
                yield from self._field(label, field, self.symptom.context.get(key, default_help))
            account = Input(self.inputs.user or "", id="user", validators=[validators.Account()],
                            placeholder="DOMAIN\\user or user@domain (optional)")
            yield from self._field("Account", account, "for read-only LDAP and registry checks; empty skips them")
            yield from self._field("Password", Input(id="password", password=True, placeholder="never shown"),
                                   "or set KRB5CCNAME to a ticket cache file (FILE:/path) before starting rpc-wizard")
            yield from self._field("Timeout (s)", Input(f"{self.inputs.timeout:g}", id="timeout",
                                                        validators=[validators.Timeout()]),
                                   "per wait (a connect, a read); a whole check ends within three times this")
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button("Start diagnosis", id="start", variant="primary")
        yield Footer()

    def _field(self, label: str, field: Input, help_text: str) -> ComposeResult:
        self.help_texts[str(field.id)] = help_text  # shown again once a mistake is corrected
        with Horizontal(classes="field"):
            yield Label(label, classes="field-label")
            yield field
        yield Static(help_text, classes="field-help", id=f"{field.id}-help")

    def _fields(self) -> list[str]:
        """The fields this symptom uses (its context), target and DNS servers always."""
        wanted = set(self.symptom.context) | {"target", "dns_servers"}
        return [key for key in FIELDS if key in wanted]

    def on_mount(self) -> None:
        first_empty = next((i for i in self.query(Input) if not i.value and i.id != "password"), None)
        (first_empty or self.query_one("#target", Input)).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        help_line = self.query(f"#{event.input.id}-help")
        if not help_line or event.validation_result is None:
            return
        failures = event.validation_result.failure_descriptions
        text = Text(failures[0], "red") if failures else Text(self.help_texts[str(event.input.id)])
        help_line.first(Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":  # elsewhere (the Start button) Enter does what it does there
            return isinstance(self.focused, Input)
        return True

    def action_next_field(self) -> None:
        """The next field, focused at once; Enter in the last one starts."""
        inputs = list(self.query(Input))
        index = inputs.index(self.focused)  # type: ignore[arg-type]  # an Input: see check_action
        if index + 1 < len(inputs):
            self.set_focus(inputs[index + 1])
        else:
            self.action_start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def action_start(self) -> None:
        values = {i.id: i.value.strip() for i in self.query(Input)}
        try:
            credentials = self._credentials(values)
            timeout = float(values["timeout"]) if validators.Timeout().validate(values["timeout"]).is_valid else None
            if timeout is None:
                raise WizardError("timeout must be 0.1 to 120 seconds")
            given = {**self._not_asked(), **{k: values[k] for k in FIELDS if values.get(k)}}
            self.app.begin(self.symptom.id, given, credentials, timeout)  # type: ignore[attr-defined]
        except WizardError as exc:
            self.query_one("#form-error", Static).update(Text(str(exc), "bold red"))

    def _not_asked(self) -> dict[str, object]:
        """What the command line or a pasted log gave that the form has no field for here (the dynamic range
        of a pasted netsh, an interface the symptom does not ask about): it goes on to the walk as given."""
        shown = set(self._fields())
        return {k: v for k, v in self.inputs.context.items() if k not in shown}

    def _credentials(self, values: dict[str, str]) -> Credentials | None:
        user = values.get("user", "")
        if not user:
            return None
        if not validators.Account().validate(user).is_valid:
            raise WizardError(f"account {user!r} must be DOMAIN\\user or user@domain")
        if values.get("password"):
            return Credentials(user, values["password"])
        known = self.inputs.credentials
        if known and known.user == user:
            return known
        raise WizardError(f"a password for {user} is needed (or set KRB5CCNAME before starting rpc-wizard)")
