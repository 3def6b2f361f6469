"""Pure diagnosis core: flow data model, validation and the walk. No I/O beyond reading flows/, no Textual."""

from wizard.engine.commands import render_command
from wizard.engine.model import (
    NO_FAULT_FOUND,
    Cause,
    Citation,
    Flow,
    FlowError,
    FlowSet,
    Node,
    Source,
    Symptom,
)
from wizard.engine.walk import Step, Walk

__all__ = [
    "NO_FAULT_FOUND",
    "Cause",
    "Citation",
    "Flow",
    "FlowError",
    "FlowSet",
    "Node",
    "Source",
    "Step",
    "Symptom",
    "Walk",
    "flows_dir",
    "load_flows",
    "render_command",
]


def __getattr__(name: str):
    # the loader brings in YAML: only what reads flows/ pays for it (the wizard's first frame does not)
    if name in ("flows_dir", "load_flows"):
        from wizard.engine import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'wizard.engine' has no attribute {name!r}")
