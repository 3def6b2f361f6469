"""Replication status as a matrix (destination by source, the worst result per cell), the failing pairs,
and each failing pair's cause when diagnosed: text, Markdown, repadmin's CSV, JSON.

JSON fields are a contract (issue 17): `pairs` [{`destination`, `source`, `source_guid`, `naming_context`,
`last_result`, `last_result_text`, `consecutive_failures`, `last_attempt`, `last_success`, `symptom`}],
`unreadable` [{`dc`, `why`}]; added: `forest`, `diagnoses`. Add fields, never rename them.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from wizard.engine import FlowSet
from wizard.parsers.replication import Pair, Status
from wizard.parsers.showrepl_csv import COLUMNS
from wizard.replication import PairDiagnosis, Replication
from wizard.report import md_cell, md_inline, report_dict

_ANSI = {"green": "\033[32m", "red": "\033[31m", "dim": "\033[2m"}


def short(name: str) -> str:
    """A DC as repadmin names it: the host part of its name, upper case (an address stays as it is)."""
    return name if not name or name[0].isdigit() or name == "*" else name.split(".")[0].upper()


def cell_word(pairs: list[Pair]) -> str:
    """One matrix cell: `ok`, or the worst code with its consecutive failures (`1753 x3`)."""
    if not pairs:
        return ""
    worst = max(pairs, key=lambda p: (p.failing, p.consecutive_failures or 0))
    if not worst.failing:
        return "ok"
    if worst.consecutive_failures:
        return f"{worst.last_result} x{worst.consecutive_failures}"
    return str(worst.last_result)


def cell_colour(word: str) -> str:
    return "" if not word else "green" if word == "ok" else "red"


def matrix(status: Status) -> tuple[list[str], list[list[str]]]:
    """(sources, rows): one row per destination, its first cell the destination, then one cell per source."""
    destinations = list(dict.fromkeys(p.destination for p in status.pairs))
    sources = list(dict.fromkeys(p.source for p in status.pairs))
    rows = [[short(d)] + [cell_word([p for p in status.pairs if p.destination == d and p.source == s])
                          for s in sources] for d in destinations]
    return [short(s) for s in sources], rows


def to_text(run: Replication, colour: bool = False) -> str:
    status = run.status
    sources, rows = matrix(status)
    table = [["destination \\ source", *sources]] + [[md_inline(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]

    def paint(cell: str, i: int, heading: bool) -> str:
        style = "" if heading or i == 0 or not colour else cell_colour(cell)
        text = cell.ljust(widths[i])
        return f"{_ANSI[style]}{text}\033[0m" if style else text

    lines = ["  ".join(paint(c, i, n == 0) for i, c in enumerate(row)).rstrip() for n, row in enumerate(table)]
    lines += ["", f"{len(status.pairs)} pair(s) read, {len(status.failing)} failing."]
    lines += [_pair_line(p) for p in status.failing]
    lines += [f"{md_inline(u['dc'])}: not read: {md_inline(u['why'])}" for u in status.unreadable]
    lines += [line for d in run.diagnoses for line in _diagnosis_lines(d)]
    return "\n".join(lines)


def _pair_line(pair: Pair) -> str:
    # a /replsum row knows no times (its failures are None): "never" only where the DC said so
    since = (f", last success {pair.last_success}" if pair.last_success else
             ", never succeeded" if pair.consecutive_failures is not None else "")
    times = f", {pair.consecutive_failures} consecutive failure(s)" if pair.consecutive_failures else ""
    opens = f" -> {pair.symptom}" if pair.symptom else " (no RPC tree examines this code)"
    pair_name = f"{md_inline(short(pair.destination))} <- {md_inline(short(pair.source))}"
    return (f"{pair_name} {md_inline(pair.naming_context)}: "
            f"result {pair.last_result} ({md_inline(pair.last_result_text)}){times}{since}{opens}")


def _diagnosis_lines(diagnosis: PairDiagnosis) -> list[str]:
    pair = diagnosis.pairs[0]
    head = f"{md_inline(short(pair.destination))} <- {md_inline(short(pair.source))}"
    if diagnosis.trail is None:
        return [f"{head}: not diagnosed: {md_inline(diagnosis.note)}"]
    walk = diagnosis.trail.walk
    if walk.cause is None:
        return [f"{head} ({walk.flow.symptom.id}): inconclusive: {md_inline(walk.inconclusive or '')}"]
    quote = walk.cause.citations[0].quote if walk.cause.citations else ""
    return [f"{head} ({walk.flow.symptom.id}): {walk.cause.title} ({walk.cause.id}). \"{md_inline(quote)}\""]


def to_markdown(run: Replication, flows: FlowSet) -> str:
    status = run.status
    sources, rows = matrix(status)
    lines = [f"## Replication status of {md_inline(status.forest or 'the pasted DCs')}", "",
             "| destination \\ source | " + " | ".join(md_cell(s) for s in sources) + " |",
             "|" + "---|" * (len(sources) + 1)]
    lines += ["| " + " | ".join(md_cell(c) or " " for c in row) + " |" for row in rows]
    lines += ["", f"{len(status.pairs)} pair(s) read, {len(status.failing)} failing.", ""]
    lines += [f"- {_pair_line(p)}" for p in status.failing]
    lines += [f"- {md_inline(u['dc'])}: not read: {md_inline(u['why'])}" for u in status.unreadable]
    for diagnosis in run.diagnoses:
        lines += ["", f"### {_diagnosis_lines(diagnosis)[0]}"]
        if diagnosis.trail and diagnosis.trail.walk.cause and diagnosis.trail.walk.cause.is_fault:
            cause = diagnosis.trail.walk.cause
            lines += [""] + [f"> {c.quote}\n>\n> — {flows.sources[c.source].title}, section \"{c.section}\"\n"
                             for c in cause.citations[:1] if c.source in flows.sources]
            lines += [f"{i}. {fix}" for i, fix in enumerate(diagnosis.trail.walk.fixes(), 1)]
    return "\n".join(lines) + "\n"


def _csv_time(value: str | None) -> str:
    return (value or "0").replace("T", " ").rstrip("Z")


def to_csv(run: Replication) -> str:
    """`repadmin /showrepl * /csv`'s columns and tags, so that what reads one reads the other."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["showrepl_COLUMNS", *COLUMNS])
    for p in run.status.pairs:
        writer.writerow(["showrepl_INFO", p.destination_site, short(p.destination), p.naming_context, p.source_site,
                         short(p.source), p.transport, p.consecutive_failures or 0,
                         _csv_time(p.last_attempt if p.failing else None), _csv_time(p.last_success), p.last_result])
    for u in run.status.unreadable:
        writer.writerow(["showrepl_ERROR", u["dc"], u["why"]])
    return out.getvalue()


def to_dict(run: Replication, flows: FlowSet) -> dict[str, Any]:
    return {"forest": run.status.forest, "pairs": [p.to_dict() for p in run.status.pairs],
            "unreadable": run.status.unreadable, "diagnoses": [_diagnosis_dict(d, flows) for d in run.diagnoses]}


def _diagnosis_dict(diagnosis: PairDiagnosis, flows: FlowSet) -> dict[str, Any]:
    pair = diagnosis.pairs[0]
    found = report_dict(diagnosis.trail.walk, flows) if diagnosis.trail else None
    return {"destination": pair.destination, "source": pair.source, "source_guid": pair.source_guid,
            "naming_contexts": [p.naming_context for p in diagnosis.pairs], "symptom": pair.symptom,
            "root_cause": found["root_cause"] if found else None, "steps": found["steps"] if found else [],
            "inconclusive": found["inconclusive"] if found else diagnosis.note}


def to_json(run: Replication, flows: FlowSet) -> str:
    return json.dumps(to_dict(run, flows), indent=2, default=str)
