"""Text from servers and pastes made safe to draw. Rich only: no Textual here."""

from __future__ import annotations

import re

# C0 and C1 controls reach the terminal as escape sequences; bidi overrides and zero-width characters
# make a name read as another one. Newlines and tabs stay: pasted text has lines.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def clean(text: object, limit: int = 2000) -> str:
    """`text` without control characters, cut at `limit` characters."""
    value = _UNSAFE.sub("", str(text))
    return value if len(value) <= limit else value[: limit - 1] + "…"
