"""Command palette providers: every symptom, every check (run it now on a host you type), and on the
step screen every node of the current flow (jump there); the result screen adds its exports; the app's
own commands (help, theme, quit) come last.

The palette's order is set here, by design: Textual gathers the providers in a set (whose order follows
the classes' ids, so it changed from one launch to the next), runs them side by side and sorts what they
find by score, keeping arrival order for equal scores. So every hit's score carries its place: the
provider's rank in PALETTE_ORDER, then the item's index in its list, as a tie-breaker far below any
difference between two fuzzy-match scores (those are sums and products of small whole numbers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from rich.markup import escape
from textual.command import Hit, Hits, Provider

from wizard.engine.catalog import CHECKS

Item = tuple[str, str, Callable[[], object]]  # what the palette shows, its help line, what it does
_PLACES = 1000  # items per provider, at most, for the tie-breaker
_TIE = 1e-9  # one place's weight in a score


class ListProvider(Provider):
    """A provider over a short list: shown whole, in order, before anything is typed; fuzzy-matched after,
    equal matches in order."""

    def items(self) -> Iterable[Item]:
        return ()

    def _place(self, index: int) -> float:
        """How far down this item goes among hits of equal score (a provider not in PALETTE_ORDER: last)."""
        kind = type(self)
        rank = PALETTE_ORDER.index(kind) if kind in PALETTE_ORDER else len(PALETTE_ORDER)
        return (rank * _PLACES + min(index, _PLACES - 1)) * _TIE

    async def discover(self) -> Hits:
        for index, (text, help_text, callback) in enumerate(self.items()):
            yield Hit(1.0 - self._place(index), text, callback, help=help_text)  # not DiscoveryHit: its score is 0

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for index, (text, help_text, callback) in enumerate(self.items()):
            score = max(matcher.match(text), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score - self._place(index), matcher.highlight(text), callback, help=help_text)


class SymptomsProvider(ListProvider):
    def items(self) -> Iterable[Item]:
        app = self.app
        for symptom in app.flows.symptoms.values():  # type: ignore[attr-defined]
            codes = ", ".join(f"{c.decimal} ({c.hex})" for c in symptom.codes)
            yield f"Diagnose {symptom.id}", f"{codes}: {symptom.title}", partial(app.choose_symptom, symptom.id)


class ChecksProvider(ListProvider):
    def items(self) -> Iterable[Item]:
        for name, spec in CHECKS.items():  # the app opens screens: this module imports none (no import cycle)
            yield f"Run check {name}", spec.description, partial(self.app.open_check, name)  # type: ignore[attr-defined]


class SweepProvider(ListProvider):
    def items(self) -> Iterable[Item]:
        yield ("Sweep the forest", "every DC: the 1753 checks on each, all at once (as rpc-wizard sweep)",
               self.app.open_sweep)  # type: ignore[attr-defined]


class ReplicationProvider(ListProvider):
    def items(self) -> Iterable[Item]:
        yield ("Replication status", "every DC's inbound partners, destination by source; Enter opens a pair's "
               "diagnosis (as rpc-wizard replication)", self.app.open_replication)  # type: ignore[attr-defined]


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


class SystemProvider(ListProvider):
    """The app's own commands (help, theme, keys, quit, screenshot: App.get_system_commands), ranked with
    the others (Textual's SystemCommandsProvider would sort among them by chance)."""

    def items(self) -> Iterable[Item]:
        for command in self.app.get_system_commands(self.screen):
            if command.discover:
                yield command.title, command.help, command.callback


# The palette's order: what this screen offers, the checks (one check at once, the senior engineer's way in),
# every symptom (another diagnosis), the sweep, the replication status, then the app's own commands.
PALETTE_ORDER: tuple[type[ListProvider], ...] = (NodesProvider, ExportProvider, ChecksProvider, SymptomsProvider,
                                                 SweepProvider, ReplicationProvider, SystemProvider)
