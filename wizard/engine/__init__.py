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
    # `X as X`: re-exported names (the lazy table above is what runs)
    from wizard.engine.commands import render_command as render_command
    from wizard.engine.loader import flows_dir as flows_dir
    from wizard.engine.loader import load_flows as load_flows
    from wizard.engine.model import NO_FAULT_FOUND as NO_FAULT_FOUND
    from wizard.engine.model import Cause as Cause
    from wizard.engine.model import Citation as Citation
    from wizard.engine.model import Flow as Flow
    from wizard.engine.model import FlowError as FlowError
    from wizard.engine.model import FlowSet as FlowSet
    from wizard.engine.model import Node as Node
    from wizard.engine.model import Source as Source
    from wizard.engine.model import Symptom as Symptom
    from wizard.engine.walk import Step as Step
    from wizard.engine.walk import Walk as Walk


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'wizard.engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"wizard.engine.{_WHERE[name]}"), name)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value
