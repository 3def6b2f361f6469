"""Small helpers every kind parser shares: GUIDs, host names, the result of one parser."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from wizard.engine.names import is_valid_address, is_valid_host

GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
GUID_RE = re.compile(r"(?<![0-9a-fA-F-])" + GUID + r"(?![0-9a-fA-F-])")
# `<objectGUID>._msdcs.<forest root>`: the DC's CNAME; the GUID part may be a placeholder in documents
MSDCS_RE = re.compile(r"\._msdcs\.([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", re.I)
_GUID_ONLY = re.compile(GUID)
DEFAULT_SITE = "Default-First-Site-Name"


@dataclass
class Found:
    """What one parser found of its kind in a paste."""

    kind: str
    pos: int  # offset of the first line of this kind: pastes list their outputs in the order they were run
    facts: dict[str, Any]
    errors: list[int] = field(default_factory=list)  # failure codes this output reports, most important first
    hosts: list[str] = field(default_factory=list)


def unique(items: Iterable[str]) -> list[str]:
    """Order kept, case-insensitive duplicates dropped, empties dropped."""
    seen: dict[str, str] = {}
    for item in items:
        if item and item.lower() not in seen:
            seen[item.lower()] = item
    return list(seen.values())


@lru_cache(maxsize=4096)  # a paste names the same few computers thousands of times
def host(text: str | None) -> str | None:
    """A host name or address from a paste, or None for placeholders (`<DC Name>`) and junk."""
    if not text:
        return None
    value = text.strip().strip("'\"`[](),;").lstrip("\\").rstrip(".:")
    return value if value and is_valid_host(value) else None


def number(text: object) -> int | None:
    """ASCII digits as an int, else None: str.isdigit() also takes "²", which int() refuses."""
    value = str(text or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def hosts(*items: str | None) -> list[str]:
    return unique(h for h in map(host, items) if h)


def split_site(text: str) -> tuple[str, str]:
    """`Site\\DC` -> (site, DC). Markdown eats the backslash: `Default-First-Site-NameDC1` is split too."""
    text = text.strip()
    if "\\" in text:
        site, _, name = text.rpartition("\\")
        return site, name
    if text.lower().startswith(DEFAULT_SITE.lower()) and len(text) > len(DEFAULT_SITE):
        return DEFAULT_SITE, text[len(DEFAULT_SITE):]
    return "", text


def short(name: str | None) -> str:
    """The first label, upper case: NetBIOS-style comparison of host names."""
    if not name:
        return ""
    return name if is_valid_address(name) else name.split(".")[0].upper()


def guids(text: str) -> list[str]:
    return list(dict.fromkeys(g.lower() for g in GUID_RE.findall(text)))


def msdcs(text: str) -> tuple[str | None, str | None, str | None]:
    """(whole name, guid, forest) of the first `<guid>._msdcs.<forest>` in the text."""
    m = MSDCS_RE.search(text)
    if not m:
        return None, None, None
    before = text[max(0, m.start() - 36):m.start()]
    guid = before.lower() if _GUID_ONLY.fullmatch(before) else None
    label = text[max(0, m.start() - 100):m.start()].split()[-1:] or [""]
    return label[0] + m.group(0), guid, m.group(1).lower()


def dn_forest(text: str) -> str | None:
    """The forest root from a Configuration or Schema DN: CN=Configuration,DC=contoso,DC=com -> contoso.com."""
    m = re.search(r"CN=(?:Configuration|Schema)\s*,\s*((?:DC=[^,\s]+\s*,\s*)*DC=[^,\s]+)", text, re.I)
    if not m:
        return None
    return ".".join(part.split("=", 1)[1].strip() for part in m.group(1).split(",")).lower()


def dn_server(dn: str) -> str | None:
    """CN=NTDS Settings,CN=DC2,CN=Servers,... -> DC2."""
    m = re.search(r"CN=NTDS Settings(?:\\0ACNF:[^,]*)?\s*,\s*CN=([^,]+)\s*,\s*CN=Servers", dn, re.I)
    return m.group(1).strip() if m else None


@dataclass
class Picked:
    """Some lines of a paste, joined, and where each came from: `at(pos)` maps a position back."""

    text: str
    starts: list[int]  # where each piece starts in `text`
    origins: list[int]  # where the same piece starts in the paste

    def at(self, pos: int) -> int:
        i = bisect_right(self.starts, pos) - 1
        return self.origins[i] + pos - self.starts[i] if i >= 0 else pos


class LineIndex:
    """Where each line of a text starts: built once per paste, shared by every reader's pick."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        i = text.find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = text.find("\n", i + 1)
        self.starts = starts

    def line(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def end(self, line: int) -> int:
        """Where line `line` ends, its newline included (the text's end for the last line)."""
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)


def pick(text: str | LineIndex, words: Iterable[str], before: int = 0, after: int = 1) -> Picked:
    """The lines of `text` that hold any of `words`, each with `before` lines above it and `after` below (a
    message wrapped at the console's width, a record's next fields), in order, overlapping windows merged:
    str.find runs at memory speed, so a slow pattern or a Python loop then sees these lines only, not a whole
    60 MB paste. Pieces that were apart in the paste are joined by a blank line. Give a LineIndex to pick
    from the same paste several times."""
    index = text if isinstance(text, LineIndex) else LineIndex(text)
    text = index.text
    hits: set[int] = set()
    for word in words:
        i = text.find(word)
        while i >= 0:
            line = index.line(i)
            hits.add(line)
            i = text.find(word, index.end(line))
    last_line = len(index.starts) - 1
    ranges: list[list[int]] = []
    for line in sorted(hits):
        first, final = max(0, line - before), min(last_line, line + after)
        if ranges and first <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], final)
        else:
            ranges.append([first, final])
    picked = Picked("", [], [])
    parts: list[str] = []
    at = 0
    for first, final in ranges:
        start, end = index.starts[first], index.end(final)
        picked.starts.append(at)
        picked.origins.append(start)
        piece = text[start:end]
        parts += [piece, "\n"] if piece.endswith("\n") else [piece, "\n\n"]
        at += len(piece) + (1 if piece.endswith("\n") else 2)
    picked.text = "".join(parts)
    return picked


def lines_with(text: str, words: Iterable[str]) -> str:
    """The text of pick(text, words)."""
    return pick(text, words).text
