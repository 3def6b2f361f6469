"""Turn what people paste into plain LF text: encodings of Windows redirects and Markdown artefacts."""

from __future__ import annotations

import re
from itertools import pairwise

from wizard import WizardError

MAX_BYTES = 64 * 1024 * 1024  # `dcdiag /e /v /c` of a large forest runs to tens of MB; more is not a paste
MAX_CHARS = MAX_BYTES
LIMIT = f"{MAX_BYTES:,} bytes ({MAX_BYTES // 2**20} MiB)"

_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_QUOTES = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)
_TRAILING = re.compile(r"[ \t]+$", re.M)
_FENCES = re.compile(r"^[ \t]*(?:```|~~~)[^\n]*(?:\n|$)", re.M)
_TWO_FILLED = re.compile(r"^[ \t]*\S[^\n]*\n[ \t]*\S", re.M)
_UNINDENTED = re.compile(r"^\S", re.M)
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&"))


def too_big(what: str, size: int | None) -> WizardError:
    """Over the limit, in exact numbers: the size when it is known (a file's), else "more than" the limit
    (standard input, read no further than one byte past it)."""
    over = f"is {size:,} bytes; the limit is {LIMIT}" if size is not None else f"is more than the limit of {LIMIT}"
    return WizardError(f"{what} {over}: paste only the failing part")


def decode_paste(data: bytes) -> str:
    """Text from bytes as Windows writes them: UTF-16 (with or without BOM), UTF-8, else cp1252; LF line ends."""
    if len(data) > MAX_BYTES:
        raise too_big("the text", len(data))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", "replace")
    elif _looks_utf16(data):
        text = data.decode("utf-16-le" if _zeros(data, 1) >= _zeros(data, 0) else "utf-16-be", "replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", "replace")  # cmd.exe `>` writes the ANSI/OEM code page
    return normalise_newlines(text)


def _zeros(data: bytes, parity: int) -> int:
    return data[parity:4096:2].count(0)


def _looks_utf16(data: bytes) -> bool:
    """PowerShell 5 `>` writes UTF-16LE; a BOM can be lost when the file is cut or concatenated."""
    sample = len(data[:4096]) // 2
    return sample >= 2 and max(_zeros(data, 0), _zeros(data, 1)) >= sample * 0.3


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def clean_text(text: str) -> str:
    """Undo what Markdown, chat tools and e-mail do to a console output; keep the line structure.

    Whole-text str methods and anchored regexes only (no loop over the lines unless the paste needs it):
    a 60 MB paste is cleaned at memory speed."""
    text = normalise_newlines(text)
    for char in _INVISIBLE_CHARS:
        if char in text:
            text = text.replace(char, "")
    text = text.replace("\u00a0", " ")
    if "&" in text:
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
    if ">" in text:
        text = _QUOTES.sub("", text)
    text = _TRAILING.sub("", text)
    if "```" in text or "~~~" in text:
        text = _FENCES.sub("", text)
    if not _TWO_FILLED.search(text):  # no two filled lines in a row: maybe a blank line after every line
        text = "\n".join(_undouble(text.split("\n")))
    if not _UNINDENTED.search(text):
        text = "\n".join(_dedent(text.split("\n")))
    return text.strip("\n")


def _undouble(lines: list[str]) -> list[str]:
    """A blank line after every line (Markdown paragraphs): drop one blank per run of them."""
    filled = [bool(line.strip()) for line in lines]
    if sum(filled) < 3 or any(a and b for a, b in pairwise(filled)):
        return lines
    out: list[str] = []
    run = 0
    for line, full in zip(lines, filled):
        if not full:
            run += 1
            continue
        out += [""] * ((run - 1) // 2 if out else 0)  # one original blank line became three
        out.append(line)
        run = 0
    return out


def _dedent(lines: list[str]) -> list[str]:
    """Remove an indentation every line shares (a list item or a Markdown code block)."""
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] for line in lines] if cut else lines
