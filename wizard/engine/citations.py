"""Check that every citation quotes its document word for word, under the section it names.

Comparison normalises whitespace (runs of spaces and line breaks count as one space) and drops
the markdown emphasis marks `**` and backticks, so a quote reads as the rendered page does.
Nothing else is forgiven: case, punctuation and wording must match.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from wizard import WizardError
from wizard.engine.model import Citation, FlowSet

SEEDS_ENV = "RPC_WIZARD_SEEDS"
_MARKUP = re.compile(r"\*\*|`")


def normalise(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split())


def find_seeds_dir(explicit: Path | str | None = None, flows: Path | None = None) -> Path | None:
    """The seeds directory: the explicit one (must exist), $RPC_WIZARD_SEEDS, or <repo>/../shared/seeds."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_dir():
            raise WizardError(f"seeds directory not found: {path}")
        return path
    if os.environ.get(SEEDS_ENV):
        path = Path(os.environ[SEEDS_ENV])
        if not path.is_dir():
            raise WizardError(f"{SEEDS_ENV} is not a directory: {path}")
        return path
    repo = (flows or Path(__file__).resolve().parents[2] / "flows").resolve().parent
    candidate = repo.parent / "shared" / "seeds"
    return candidate if candidate.is_dir() else None


def _all_citations(flows: FlowSet) -> list[tuple[str, Citation]]:
    cited = [(f"cause {c.id!r}", cit) for c in flows.causes.values() for cit in c.citations]
    cited += [(f"symptom {s.id!r}", cit) for s in flows.symptoms.values() for cit in s.citations]
    return cited


def _sections(text: str) -> list[tuple[str, int]]:
    """(heading, offset in the normalised text) for every line, since plain-text documents mark no headings."""
    out, offset = [], 0
    for line in text.splitlines():
        flat = normalise(line)
        if flat:
            out.append((normalise(line.lstrip("#")), offset))
            offset += len(flat) + 1
    return out


def verify_citations(flows: FlowSet, seeds: Path) -> tuple[int, list[str]]:
    """(number of quotes checked, problems): each quote must appear after a line equal to its section."""
    documents: dict[str, tuple[str, list[tuple[str, int]]]] = {}
    problems: list[str] = []
    checked = 0
    for owner, cit in _all_citations(flows):
        source = flows.sources.get(cit.source)
        if source is None:
            continue  # the loader already refused unknown sources
        if cit.source not in documents:
            path = seeds / source.file
            if not path.is_file():
                problems.append(f"source {cit.source!r}: {path} not found")
                documents[cit.source] = ("", [])
                continue
            raw = path.read_text(encoding="utf-8")
            documents[cit.source] = (normalise(raw), _sections(raw))
        text, sections = documents[cit.source]
        if not text:
            continue
        checked += 1
        quote = normalise(cit.quote)
        starts = [offset for heading, offset in sections if heading == normalise(cit.section)]
        if quote not in text:
            problems.append(f"{owner}: quote not found word for word in {source.file}: {cit.quote[:60]!r}")
        elif not starts:
            problems.append(f"{owner}: section {cit.section!r} is not a heading of {source.file}")
        elif text.find(quote, min(starts)) < 0:
            problems.append(f"{owner}: quote is not under section {cit.section!r} of {source.file}")
    return checked, problems
