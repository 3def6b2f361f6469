"""Small helpers every kind parser shares: GUIDs, host names, the result of one parser."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
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


def lines_with(text: str, words: Iterable[str]) -> str:
    """The lines of `text` that hold any of `words`, each with the line after it (a message wrapped at the
    console's width), in order, joined: str.find runs at memory speed, so a slow pattern is then run over
    these lines only, not over a whole 60 MB paste."""
    starts: set[int] = set()
    for word in words:
        i = text.find(word)
        while i >= 0:
            starts.add(text.rfind("\n", 0, i) + 1)
            end = text.find("\n", i)
            i = text.find(word, end) if end >= 0 else -1
    parts, last = [], -1
    for start in sorted(starts):
        end = text.find("\n", start)
        end = text.find("\n", end + 1) if end >= 0 else -1  # the end of the line after
        end = end if end >= 0 else len(text)
        if start < last:  # this line was the one after the previous: go on from there
            start = last
        if start < end:
            parts.append(text[start:end])
            last = end
    return "\n".join(parts)
