"""Textual validators that ask the engine's own checks (wizard.engine.names), so a form says exactly
what the CLI would say about the same value."""

from __future__ import annotations

from collections.abc import Callable

from textual.validation import ValidationResult, Validator

from wizard import WizardError
from wizard.engine.names import check_address, check_guid, check_host
from wizard.engine.rpc_interfaces import resolve_interface


class EngineCheck(Validator):
    """Valid when the engine's check accepts the value; an empty value is fine unless `required`."""

    def __init__(self, check: Callable[[str, str], object], what: str, required: bool = False,
                 many: bool = False) -> None:
        super().__init__()
        self.check, self.what, self.required, self.many = check, what, required, many

    def validate(self, value: str) -> ValidationResult:
        items = value.replace(",", " ").split() if self.many else [value] if value.strip() else []
        if not items:
            return self.failure(f"{self.what} is needed") if self.required else self.success()
        try:
            for item in items:
                self.check(item, self.what)
        except WizardError as exc:
            return self.failure(str(exc))
        return self.success()


def host(what: str, required: bool = False) -> EngineCheck:
    return EngineCheck(check_host, what, required)


def guid() -> EngineCheck:
    return EngineCheck(check_guid, "GUID")


def interface() -> EngineCheck:
    """An alias (drs, wmi, sql, ...) or an interface UUID; a mistake lists the aliases."""
    return EngineCheck(resolve_interface, "interface")


def addresses(what: str) -> EngineCheck:
    return EngineCheck(check_address, what, many=True)


class Account(Validator):
    """DOMAIN\\user or user@domain, as credentials_for wants it."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip() or "\\" in value or "@" in value:
            return self.success()
        return self.failure(f"account {value!r} must be DOMAIN\\user or user@domain")


class Timeout(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            seconds = float(value)
        except ValueError:
            return self.failure("timeout must be a number of seconds")
        return self.success() if 0.1 <= seconds <= 120 else self.failure("timeout must be 0.1 to 120 seconds")
