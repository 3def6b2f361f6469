"""Command palette providers: every symptom, every check (run it now on a host you type), and on the
step screen every node of the current flow (jump there); the result screen adds its exports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from rich.markup import escape
from textual.command import DiscoveryHit, Hit, Hits, Provider

from wizard.engine.catalog import CHECKS

Item = tuple[str, str, Callable[[], object]]  # what the palette shows, its help line, what it does


class ListProvider(Provider):
    """A provider over a short list: shown whole before anything is typed, fuzzy-matched after."""

    def items(self) -> Iterable[Item]:
        return ()

    async def discover(self) -> Hits:
        for text, help_text, callback in self.items():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, callback in self.items():
            score = max(matcher.match(text), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)


class SymptomsProvider(ListProvider):
    def items(self) -> Iterable[Item]:
        app = self.app
        for symptom in app.flows.symptoms.values():  # type: ignore[attr-defined]
            codes = ", ".join(f"{c.decimal} ({c.hex})" for c in symptom.codes)
            yield f"Diagnose {symptom.id}", f"{codes}: {symptom.title}", partial(app.choose_symptom, symptom.id)


class ChecksProvider(ListProvider):
    def items(self) -> Iterable[Item]:
        from wizard.tui.screens.check import CheckScreen

        for name, spec in CHECKS.items():
            yield f"Run check {name}", spec.description, partial(self.app.push_screen, CheckScreen(name))


class SweepProvider(ListProvider):
    def items(self) -> Iterable[Item]:
        from wizard.tui.screens.sweep import SweepScreen

        yield ("Sweep the forest", "every DC: the 1753 checks on each, all at once (as rpc-wizard sweep)",
               lambda: self.app.push_screen(SweepScreen()))


class ReplicationProvider(ListProvider):
    def items(self) -> Iterable[Item]:
        from wizard.tui.screens.replication import ReplicationScreen

        yield ("Replication status", "every DC's inbound partners, destination by source; Enter opens a pair's "
               "diagnosis (as rpc-wizard replication)", lambda: self.app.push_screen(ReplicationScreen()))


class NodesProvider(ListProvider):
    """The step screen's own: jump to any node, the steps passed over recorded as not checked."""

    def items(self) -> Iterable[Item]:
        screen = self.screen
        walk = screen.diagnosis.walk  # type: ignore[attr-defined]
        for node in walk.flow.nodes.values():
            # palette help is console markup: "[endpoint_port]" (a value not known yet) must stay text
            yield f"Go to step {node.id}", escape(walk.render(node.question)), partial(screen.jump, node.id)


class ExportProvider(ListProvider):
    """The result screen's own: the ticket and the commands, to the clipboard or a file."""

    def items(self) -> Iterable[Item]:
        screen = self.screen
        yield "Copy the ticket (Markdown)", "as diagnose --format markdown prints it", screen.action_copy_ticket
        yield "Copy all commands", "every Windows command of this diagnosis", screen.action_copy_commands
        yield "Save the ticket to a file", "a .md file in the current directory", screen.action_save_ticket
