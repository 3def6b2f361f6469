"""The forest and DNS-server fields the forest-wide screens (sweep, replication) start from, pre-filled
from the diagnosis under way or the command line."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label


def forest_guess(context: Mapping[str, object]) -> str:
    """The forest given, else the target's domain (right unless the target is in a child domain)."""
    target = str(context.get("target") or "")
    return str(context.get("forest") or (target.split(".", 1)[1] if "." in target else ""))


def forest_form(form_id: str, context: Mapping[str, object]) -> ComposeResult:
    servers = context.get("dns_servers") or []
    with Horizontal(id=form_id):
        yield Label("Forest")
        yield Input(forest_guess(context), id="forest", placeholder="contoso.com")
        yield Label("DNS servers")
        yield Input(", ".join(map(str, servers)), id="dns_servers", placeholder="10.0.0.10, 10.0.0.11")
