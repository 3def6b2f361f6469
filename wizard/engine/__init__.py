"""Pure diagnosis core: flow data model, validation and the walk. No I/O beyond reading flows/, no Textual.

The names below load with the submodule that holds them, on first use: importing one light submodule
(catalog, names, interfaces) does not build the whole model, and reading flows/ (YAML) is paid only by
what reads them. The wizard's first frame waits for neither.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {  # name -> the submodule that holds it
    "render_command": "commands",
    "NO_FAULT_FOUND": "model", "Cause": "model", "Citation": "model", "Flow": "model", "FlowError": "model",
    "FlowSet": "model", "Node": "model", "Source": "model", "Symptom": "model",
    "Step": "walk", "Walk": "walk",
    "flows_dir": "loader", "load_flows": "loader",
}
__all__ = sorted(_WHERE)

if TYPE_CHECKING:
    from wizard.engine.commands import render_command
    from wizard.engine.loader import flows_dir, load_flows
    from wizard.engine.model import NO_FAULT_FOUND, Cause, Citation, Flow, FlowError, FlowSet, Node, Source, Symptom
    from wizard.engine.walk import Step, Walk


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'wizard.engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"wizard.engine.{_WHERE[name]}"), name)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value
