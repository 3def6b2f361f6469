"""The path so far: each step with its outcome, coloured; the step waiting to run; the end."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from wizard.engine.untrusted import clean
from wizard.engine.walk import Walk
from wizard.tui.widgets.evidence import outcome_style

PENDING = "pending"
MARKS = {"green": "✓", "red": "✗", "magenta": "!", "yellow": "–"}  # skipped and silent are not failures


class StepList(OptionList):
    """Options are the steps by index ("0", "1", ...) then `pending` for the node waiting to run."""

    def show(self, walk: Walk, running: bool = False) -> None:
        self.clear_options()
        for number, step in enumerate(walk.steps, 1):
            style = outcome_style(step.outcome, step.probe)
            mark = MARKS.get(style, "–") if step.source != "jump" else "·"
            by = "" if step.source == "probe" else f" ({step.source})"
            label = Text.assemble(f"{number:>2} {mark} ", (step.node, "bold"), "\n    ",
                                  (clean(step.outcome, 40), style), (by, "dim"))
            self.add_option(Option(label, id=str(number - 1)))
        if walk.node is not None:
            state = "running…" if running else "next"
            self.add_option(Option(Text.assemble(f"{len(walk.steps) + 1:>2} ▶ ", (walk.node.id, "bold reverse"),
                                                 "\n    ", (state, "cyan")), id=PENDING))
        elif walk.cause is not None:
            style = "bold red" if walk.cause.is_fault else "bold green"
            self.add_option(Option(Text.assemble(" ■ ", (walk.cause.id, style)), id="end"))
        else:
            self.add_option(Option(Text(" ■ inconclusive", "bold yellow"), id="end"))
        self.highlighted = self.option_count - 1
