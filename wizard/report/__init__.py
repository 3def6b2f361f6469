"""Ticket output of a finished walk: a stable JSON document, Markdown for tickets, plain text.

The JSON fields are a contract (README "JSON output"): add fields, never rename them.
"""

from __future__ import annotations

import json
from typing import Any

from wizard.engine import FlowSet, Walk
from wizard.engine.commands import render_command
from wizard.engine.untrusted import PROSE_LIMIT, clean
from wizard.exitcodes import EXIT_CAUSE, EXIT_OK, EXIT_UNSURE


def exit_code(walk: Walk) -> int:
    if walk.cause is None:
        return EXIT_UNSURE
    return EXIT_CAUSE if walk.cause.is_fault else EXIT_OK


def _citation(flows: FlowSet, citation) -> dict[str, Any]:
    source = flows.sources.get(citation.source)
    return {
        "source": source.file if source else citation.source,
        "title": source.title if source else "",
        "kb": source.kb if source else None,
        "section": citation.section,
        "quote": citation.quote,
    }


def report_dict(walk: Walk, flows: FlowSet) -> dict[str, Any]:
    symptom = walk.flow.symptom
    cause = walk.cause
    root = None
    if cause is not None:
        root = {
            "id": cause.id,
            "title": cause.title,
            "explanation": cause.explanation,
            "citations": [_citation(flows, c) for c in cause.citations],
            "fixes": walk.fixes(),
            "note": cause.note,
            "rpc_step": cause.rpc_step,
            "commands": [render_command(t, walk.context) for t in cause.commands],
        }
    return {
        "symptom": symptom.id,
        "symptom_title": symptom.title,
        "target": walk.context.get("target"),
        "dest": walk.context.get("dest"),
        "root_cause": root,
        "steps": [s.to_dict() for s in walk.steps],
        "commands": walk.commands(),
        "inconclusive": walk.inconclusive,
    }


def to_json(walk: Walk, flows: FlowSet) -> str:
    return json.dumps(report_dict(walk, flows), indent=2, default=str)


def to_markdown(walk: Walk, flows: FlowSet) -> str:
    """The ticket text: what was seen, the cited cause, numbered fixes, commands to paste."""
    data = report_dict(walk, flows)
    lines = [f"## RPC diagnosis: {data['symptom_title']}", ""]
    lines += [f"- Symptom: `{data['symptom']}`", f"- Target: `{md_inline(data['target'])}`"]
    if data["dest"]:
        lines.append(f"- Destination: `{md_inline(data['dest'])}`")
    lines += ["", "### Checks", "", "| # | check | result | seen |", "|---|---|---|---|"]
    for i, step in enumerate(data["steps"], 1):
        lines.append(f"| {i} | {step['node']} ({step['probe']}) | {step['outcome']} | {md_cell(step['summary'])} |")
    lines.append("")
    root = data["root_cause"]
    if root:
        lines += [f"### Root cause: {root['title']} (`{root['id']}`)", "", root["explanation"].strip(), ""]
        for c in root["citations"]:
            lines += [f"> {c['quote']}", ">", f"> — {c['title'] or c['source']}, section \"{c['section']}\""
                      f" ({c['source']})", ""]
        if root["note"]:
            lines += [f"**Note:** {root['note'].strip()}", ""]
        lines += ["### Fixes", ""] + [f"{i}. {fix}" for i, fix in enumerate(root["fixes"], 1)] + [""]
    else:
        lines += ["### Inconclusive", "", md_inline(data["inconclusive"] or ""), ""]
    if data["commands"]:
        lines += ["### Commands", "", "```bat"] + data["commands"] + ["```", ""]
    return "\n".join(lines)


def md_cell(text: object) -> str:
    return md_inline(text).replace("|", "\\|")


def md_inline(text: object) -> str:
    """One line without backticks or control characters: a value from the context, a server or a
    paste cannot open a code block, fake a line of its own (such as a command) in the ticket, or
    send escape codes to the terminal that shows it."""
    return " ".join(clean(text, PROSE_LIMIT).split()).replace("`", "'")


def text_heading(walk: Walk) -> str:
    return f"{walk.flow.symptom.title} — target {md_inline(walk.context.get('target'))}"


def text_step(number: int, step) -> str:
    """One check as a line: shown live while the walk runs, and again in the full text."""
    return f"  {number}. [{step.outcome}] {md_inline(step.summary)}  ({step.elapsed_s:.2f} s)"


def to_text(walk: Walk, flows: FlowSet, steps: bool = True) -> str:
    """Plain text; steps=False leaves out the heading and checks (already shown live)."""
    data = report_dict(walk, flows)
    lines = [text_heading(walk)] + [text_step(i, s) for i, s in enumerate(walk.steps, 1)] if steps else []
    root = data["root_cause"]
    if root:
        lines += ["", f"Root cause: {root['title']} ({root['id']})", f"  {' '.join(root['explanation'].split())}"]
        for c in root["citations"]:
            lines.append(f"  \"{c['quote']}\" — {c['source']}, {c['section']}")
        if root["note"]:
            lines.append(f"  Note: {' '.join(root['note'].split())}")
        lines += ["", "Fixes:"] + [f"  {i}. {fix}" for i, fix in enumerate(root["fixes"], 1)]
    else:
        lines += ["", f"Inconclusive: {md_inline(data['inconclusive'])}"]
    if data["commands"]:
        lines += ["", "Commands:"] + [f"  {c}" for c in data["commands"]]
    return "\n".join(lines)
