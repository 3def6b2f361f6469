"""A forest sweep as a table (text, a word and a colour per cell), Markdown for a ticket, or JSON.

JSON fields are a contract: `forest`, `dcs` (one object per DC: `name`, `fqdn`, `address`, `guid`,
`steps` and `root_cause` as in `diagnose`, `inconclusive`; added: `ports`, `inbound`: signed in, the
worst inbound replication result the DC records), `findings` (forest-level:
`cause`, `title`, `dc`, `detail`, `citations`). Add fields, never rename them.
"""

from __future__ import annotations

import json
from typing import Any

from wizard.engine import NO_FAULT_FOUND, FlowSet
from wizard.report import md_cell, md_inline, report_dict
from wizard.sweep import COLUMNS, DcResult, SweepResult
from wizard.verdicts.declared import BAD, GOOD
from wizard.verdicts.ports import PORT_OUTCOME, SEVERITY

_ANSI = {"green": "\033[32m", "red": "\033[31m", "yellow": "\033[33m", "dim": "\033[2m"}


def cell_colour(column: int, word: str) -> str:
    """The colour of one cell: the DC and its address none; a cause red, no fault green, inconclusive
    yellow; a check's outcome by what it means."""
    if column in PLAIN_COLUMNS:
        return ""
    if column == CAUSE_COLUMN:
        return "green" if word == NO_FAULT_FOUND else "yellow" if word == "inconclusive" else "red"
    if column == INBOUND_COLUMN:
        return "green" if word == "ok" else "dim" if word in ("-", "none", "skipped") else "red"
    word = word.split(":")[0]
    return "green" if word in GOOD else "red" if word in BAD else "dim" if word in ("-", "skipped") else "yellow"


def ports_word(dc: DcResult) -> str:
    """The AD well-known ports as one word: the worst state, with the ports in that state."""
    if dc.ports is None:
        return "-"
    table = dc.ports.evidence.get("ports") or {}
    for outcome in SEVERITY[:-1]:  # the worst first, listening last
        ports = [p for p, v in table.items() if isinstance(v, dict) and PORT_OUTCOME.get(v.get("state")) == outcome]
        if ports:
            return f"{outcome}:{','.join(ports)}"
    return "listening" if table else dc.ports.outcome


def cause_word(dc: DcResult) -> str:
    return dc.walk.cause.id if dc.walk.cause else "inconclusive"


def dc_dict(dc: DcResult, flows: FlowSet) -> dict[str, Any]:
    diagnosis = report_dict(dc.walk, flows)
    return {"name": dc.name, "fqdn": dc.fqdn, "address": dc.address, "guid": dc.guid,
            "steps": diagnosis["steps"], "root_cause": diagnosis["root_cause"],
            "inconclusive": diagnosis["inconclusive"], "ports": dc.ports.to_dict() if dc.ports else None,
            "inbound": inbound_word(dc) if dc.inbound else None}


def to_json(result: SweepResult, flows: FlowSet) -> str:
    return json.dumps({"forest": result.forest, "dcs": [dc_dict(dc, flows) for dc in result.dcs],
                       "findings": result.findings,
                       "discovery": [r.to_dict() for r in result.discovery]}, indent=2, default=str)


def inbound_word(dc: DcResult) -> str:
    """Signed in, the DC's worst inbound result as it records it: `ok`, a code with its consecutive failures
    (`1753 x3`), or the read's outcome when it could not be read."""
    if dc.inbound is None:
        return "-"
    if dc.inbound.outcome not in ("healthy", "failing"):
        return dc.inbound.outcome
    partners = [p for p in dc.inbound.facts.get("partners") or [] if "last_result" in p]
    worst = max(partners, key=lambda p: (p["last_result"] != 0, p.get("consecutive_failures") or 0), default=None)
    if worst is None or not worst["last_result"]:
        return "ok" if worst else "none"
    failures = worst.get("consecutive_failures")
    return f"{worst['last_result']} x{failures}" if failures else str(worst["last_result"])


def signed_in(result: SweepResult) -> bool:
    return any(dc.inbound is not None for dc in result.dcs)


def headings(inbound: bool) -> list[str]:
    """The table's headings; signed in, the DCs' worst inbound replication result last."""
    return HEADINGS + ([INBOUND] if inbound else [])


def rows(result: SweepResult, inbound: bool | None = None) -> list[list[str]]:
    """The table's cells, words only: DC, cause, address, one per check, AD ports (and, signed in, inbound)."""
    inbound = signed_in(result) if inbound is None else inbound
    return [[dc.fqdn, cause_word(dc), dc.address or "-", *(dc.outcome(node) for _, node in COLUMNS), ports_word(dc),
             *([inbound_word(dc)] if inbound else [])] for dc in result.dcs]


HEADINGS = ["DC", "cause", "address", *(heading for heading, _ in COLUMNS), "AD ports"]
INBOUND = "inbound"
CAUSE_COLUMN, PLAIN_COLUMNS = 1, (0, 2)
INBOUND_COLUMN = len(HEADINGS)


def to_text(result: SweepResult, colour: bool = False) -> str:
    names = headings(signed_in(result))
    table = [names] + [[md_inline(cell) for cell in row] for row in rows(result)]
    widths = [max(len(row[i]) for row in table) for i in range(len(names))]

    def paint(cell: str, i: int, heading: bool) -> str:
        text = cell.ljust(widths[i])
        style = "" if heading or not colour else cell_colour(i, cell)
        return f"{_ANSI[style]}{text}\033[0m" if style else text

    lines = ["  ".join(paint(c, i, n == 0) for i, c in enumerate(row)).rstrip() for n, row in enumerate(table)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += _summary(result)
    return "\n".join(lines)


def _summary(result: SweepResult) -> list[str]:
    lines = [""] if result.dcs else [f"No DC found for {md_inline(result.forest)}: "
                                     f"{md_inline(result.discovery[0].summary if result.discovery else '')}"]
    for dc in result.dcs:
        if dc.walk.cause is not None and dc.walk.cause.is_fault:
            quote = dc.walk.cause.citations[0].quote if dc.walk.cause.citations else ""
            lines.append(f"{dc.fqdn}: {dc.walk.cause.title} ({dc.walk.cause.id}). \"{quote}\"")
        elif dc.walk.cause is None:
            lines.append(f"{dc.fqdn}: could not be checked: {md_inline(dc.walk.inconclusive or '')}")
    for finding in result.findings:
        lines.append(f"forest: {md_inline(finding['detail'])} ({finding['cause']})")
    return lines


def to_markdown(result: SweepResult, flows: FlowSet) -> str:
    names = headings(signed_in(result))
    lines = [f"## RPC sweep of {md_inline(result.forest)}", "", "| " + " | ".join(names) + " |",
             "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows(result)]
    lines.append("")
    for dc in result.dcs:
        cause = dc.walk.cause
        if cause is not None and cause.is_fault:
            lines += [f"### {md_inline(dc.fqdn)}: {cause.title} (`{cause.id}`)", ""]
            lines += [f"> {c.quote}\n>\n> — {flows.sources[c.source].title}, section \"{c.section}\"\n"
                      for c in cause.citations[:1] if c.source in flows.sources]
            lines += [f"{i}. {fix}" for i, fix in enumerate(dc.walk.fixes(), 1)] + [""]
    if result.findings:
        lines += ["### Forest", ""] + [f"- {md_inline(f['detail'])} (`{f['cause']}`)" for f in result.findings]
    return "\n".join(lines) + "\n"
