"""Pure diagnosis core: flow data model, validation and the walk. No I/O beyond reading flows/, no Textual."""

from wizard.engine.commands import render_command
from wizard.engine.loader import flows_dir, load_flows
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
