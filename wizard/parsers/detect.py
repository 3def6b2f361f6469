"""parse_text: run every kind's parser over a paste and merge what they found."""

from __future__ import annotations

import logging

from wizard.parsers import (
    dcdiag,
    endpoints,
    event,
    ipconfig,
    nbtstat,
    netsetup,
    netsh,
    nslookup,
    regquery,
    repadmin,
    sc,
    showobjmeta,
    syncall,
)
from wizard.parsers.cleanup import MAX_CHARS, clean_text, too_big
from wizard.parsers.common import Found, guids, unique
from wizard.parsers.errorcodes import codes_in, unique_codes
from wizard.parsers.model import UNKNOWN, ParsedPaste
from wizard.parsers.symptoms import suggest

PARSERS = (dcdiag, repadmin, syncall, netsetup, event, endpoints, nslookup, nbtstat, ipconfig, showobjmeta, netsh,
           regquery, sc)
# Failure reports come first: they say what broke; the other outputs are checks run to find out why.
REPORTS = ("dcdiag", "repadmin-showrepl", "repadmin-replsum", "repadmin-syncall", "netsetup-log", "event")
log = logging.getLogger(__name__)


def parse_text(text: str) -> ParsedPaste:
    """Detect the outputs in a paste (several may be pasted together) and read their facts."""
    if len(text) > MAX_CHARS:
        raise too_big("the text", len(text.encode("utf-8", "replace")))
    clean = clean_text(text)
    found = sorted(_run_all(clean), key=lambda f: (f.kind not in REPORTS, f.pos))
    if not found and not clean.strip():
        return ParsedPaste()
    kinds = list(dict.fromkeys(f.kind for f in found))
    errors = unique_codes([e for f in found for e in f.errors] + codes_in(clean))
    events = [e["id"] for f in found if f.kind == "event" for e in f.facts["events"]]
    return ParsedPaste(kind=kinds[0] if kinds else UNKNOWN, kinds=kinds, errors=errors,
                       hosts=unique(h for f in found for h in f.hosts), guids=guids(clean),
                       symptoms=suggest(errors, kinds, events, clean),
                       facts={f.kind: f.facts for f in found})


def _run_all(text: str) -> list[Found]:
    found = []
    for parser in PARSERS:
        try:
            found += parser.parse(text)
        except Exception:  # noqa: BLE001 - one parser's bug must not lose what the others found
            log.exception("parser %s failed", parser.__name__)
    return found
