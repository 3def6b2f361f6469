"""Copy to the person's clipboard three ways: OSC 52 through the terminal (works over SSH in most
terminals; sent by the app), this machine's clipboard through pyperclip where one exists, and always
a file. No Textual here: the app sends OSC 52 and runs `copy_local` off the UI thread."""

from __future__ import annotations

import re
import time
from pathlib import Path


def copy_local(text: str) -> bool:
    """This machine's clipboard; False where there is none (no display, no xclip/xsel/wl-copy)."""
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception:  # noqa: BLE001 - pyperclip raises its own and OS errors alike: no clipboard here
        return False
    return True


def copied(what: str, local: bool) -> str:
    """The notification: which clipboards were tried, which worked, and the file as the way that always does."""
    where = "this machine's clipboard and the terminal's (OSC 52)" if local else "the terminal's clipboard (OSC 52)"
    return f"{what} copied to {where}. Nothing arrived? Press s to save it to a file."


def save(text: str, directory: Path, stem: str) -> Path:
    """Write `text` into `directory` under a new name (never over a file) and return the path."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "rpc-wizard"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path, counter = directory / f"{safe}-{stamp}.md", 1
    while path.exists():
        path, counter = directory / f"{safe}-{stamp}-{counter}.md", counter + 1
    path.write_text(text, encoding="utf-8")
    return path
