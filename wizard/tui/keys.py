"""The wizard's key bindings as a person meets them: every binding id there is (what a keymap file may
name), and the keys in force on a screen, keymap applied (what the help screen lists)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen


def binding_ids() -> set[str]:
    """Every binding id of the app, its screens and widgets (imports them all: call it only to check a keymap)."""
    import importlib
    import inspect
    import pkgutil

    import wizard.tui.screens
    import wizard.tui.widgets
    from wizard.tui.app import WizardApp

    owners: list[type] = [WizardApp]
    for package in (wizard.tui.screens, wizard.tui.widgets):
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            owners += [c for _, c in inspect.getmembers(module, inspect.isclass)
                       if issubclass(c, DOMNode) and c.__module__ == module.__name__]
    return {b.id for owner in owners for b in owner.BINDINGS if isinstance(b, Binding) and b.id}


@dataclass(frozen=True)
class KeyLine:
    keys: str  # as a keymap file names them: "ctrl+q", "left b"
    description: str
    binding_id: str  # "" for a widget's own (Textual's) bindings: those cannot be remapped
    enabled: bool


def keys_in_force(screen: Screen) -> dict[str, list[KeyLine]]:
    """The keys that work on `screen` now (its focused widget's, its own, the app's), keymap applied,
    grouped by where they belong; one line per binding, its keys together."""
    lines: dict[tuple[int, str], tuple[str, Binding, bool, list[str]]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        where = _where(active.node, screen)
        entry = lines.setdefault((id(active.node), binding.id or binding.action), (where, binding, active.enabled, []))
        entry[3].append(key)
    groups: dict[str, list[KeyLine]] = {}
    for where, binding, enabled, keys in lines.values():
        description = binding.description or binding.tooltip or binding.action.replace("_", " ")
        groups.setdefault(where, []).append(KeyLine(" ".join(dict.fromkeys(keys)), description, binding.id or "",
                                                    enabled))
    return groups


def _where(node: DOMNode, screen: Screen) -> str:
    from textual.widgets import DataTable, Input, OptionList, TextArea

    if isinstance(node, App):
        return "Everywhere"
    if node is screen:
        return "On this screen"
    kinds = {Input: "text field", TextArea: "text box", OptionList: "list", DataTable: "table"}
    kind = next((name for cls, name in kinds.items() if isinstance(node, cls)), type(node).__name__)
    return f"In the {kind} that has focus"
