"""Text that came from outside (servers, pastes, files) made safe to print or draw: no escape codes,
no other control characters, no bidi tricks, bounded length. Pure; the one sanitiser of the project:
text output, Markdown tickets and the TUI all pass outside text through it."""

from __future__ import annotations

import re

TEXT_LIMIT = 120  # one evidence value, one line
PROSE_LIMIT = 4000  # a question, an explanation, a pasted summary

# C0 and C1 controls reach the terminal as escape sequences; bidi overrides and zero-width characters
# make a name read as another one
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def as_str(value: object) -> str:
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - huge ints (over 4300 digits) and odd objects refuse str()
        return f"<{type(value).__name__}>"


def clean(value: object, limit: int = TEXT_LIMIT) -> str:
    """One line safe to show: controls dropped (whitespace ones become a space), cut to `limit` characters."""
    raw = "" if value is None else as_str(value)[: limit * 4]
    text = _UNSAFE.sub(lambda m: " " if m.group() in "\t\n\r" else "", raw)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_text(value: object, limit: int = PROSE_LIMIT) -> str:
    """Like `clean`, but line breaks stay: for prose and pasted text."""
    return "\n".join(clean(line, limit) for line in as_str(value)[: limit * 4].splitlines())[:limit]
