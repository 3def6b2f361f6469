"""What the lab remembers between commands: the DCs' GUIDs and the active fault."""

from __future__ import annotations

import json
from typing import Any

from wizard.lab.topology import STATE_DIR

STATE_FILE = STATE_DIR / "state.json"


def load() -> dict[str, Any] | None:
    try:
        return json.loads(STATE_FILE.read_text())
    except (OSError, ValueError):
        return None


def save(state: dict[str, Any]) -> None:
    tmp = STATE_FILE.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.replace(STATE_FILE)


def update(**changes: Any) -> dict[str, Any]:
    state = load() or {}
    state.update(changes)
    save(state)
    return state
