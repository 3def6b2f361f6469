"""Messages the probe worker posts to the UI thread."""

from __future__ import annotations

from textual.message import Message

from wizard.engine.results import ProbeResult
from wizard.engine.walk import ProbeCall


class ProbeFinished(Message):
    """A check ended. `version` is the trail's version when it started: a later one means the person
    moved on (back, another answer) and this result no longer belongs anywhere."""

    def __init__(self, call: ProbeCall, version: int, result: ProbeResult) -> None:
        super().__init__()
        self.call, self.version, self.result = call, version, result
