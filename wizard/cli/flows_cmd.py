"""`rpc-wizard flows check|list|show`: validate the decision trees and read them as text."""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard.cli import command_parser
from wizard.engine import Flow, FlowError, FlowSet, load_flows
from wizard.engine.citations import SEEDS_ENV, find_seeds_dir, verify_citations
from wizard.engine.loader import flows_dir
from wizard.exitcodes import EXIT_FAILED, EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(sub, "flows")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dir", type=Path, help="flows directory (default: the one shipped with rpc-wizard)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", parents=[common],
                               help="validate the flows and verify every quote against the documents")
    check.add_argument("--seeds", type=Path, help=f"source documents directory (default: ${SEEDS_ENV} "
                                                  "or ../shared/seeds beside the repository)")
    check.set_defaults(func=run_check)
    actions.add_parser("list", parents=[common], help="list symptoms and causes").set_defaults(func=run_list)
    show = actions.add_parser("show", parents=[common], help="show one symptom's tree, composed with the segment it "
                                                             "enters (its nodes marked with the segment's id)")
    show.add_argument("symptom", help="symptom id or error code (1753, 0x6d9, -2146893022)")
    show.add_argument("--details", action="store_true", help="also show why, parameters, commands and what to ask")
    show.set_defaults(func=run_show)


def run_check(args: argparse.Namespace) -> int:
    directory = args.dir or flows_dir()
    try:
        flows = load_flows(directory)
    except FlowError as exc:
        for problem in exc.problems:
            print(f"error: {problem}")
        print(f"{len(exc.problems)} problem(s) in {directory}")
        return EXIT_FAILED
    nodes = sum(len(f.nodes) for f in flows.flows.values())
    print(f"ok: {len(flows.symptoms)} symptoms, {nodes} nodes (composed), {len(flows.segments)} segment(s), "
          f"{len(flows.causes)} causes, {len(flows.sources)} sources")
    seeds = find_seeds_dir(args.seeds, directory)
    if seeds is None:
        print(f"quotes not verified: no seeds directory found (give --seeds or set {SEEDS_ENV})")
        return EXIT_OK
    checked, problems = verify_citations(flows, seeds)
    for problem in problems:
        print(f"error: {problem}")
    print(f"{checked - len(problems)}/{checked} quotes found word for word in {seeds}")
    return EXIT_FAILED if problems else EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    flows = load_flows(args.dir)
    print("Symptoms:")
    for s in flows.symptoms.values():
        codes = ", ".join(f"{c.decimal} ({c.hex})" for c in s.codes)
        print(f"  {s.id:<24} {codes}\n  {'':<24} {s.title}")
    print("\nCauses:")
    for c in flows.causes.values():
        print(f"  {c.id:<26} {c.title}")
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    flows = load_flows(args.dir)
    print("\n".join(show_lines(flows, _pick(flows, args.symptom), details=args.details)))
    return EXIT_OK


def _pick(flows: FlowSet, text: str) -> Flow:
    return flows.flow(flows.symptom(text).id)


def show_lines(flows: FlowSet, flow: Flow, details: bool = False) -> list[str]:
    """The symptom's header, then its tree: each node once, later mentions point back to it."""
    s = flow.symptom
    lines = [f"{s.id}: {s.title}", f"  {s.summary}",
             "  codes: " + "; ".join(f"{c.decimal} ({c.hex}) {c.symbol}".rstrip() for c in s.codes)]
    lines += [f"  seen in {a.where}" + (_preset(a.preset) if a.preset else "") for a in s.seen_in]
    lines += [f"  {{{k}}} = {v}" for k, v in s.context.items()]
    lines += _entry_lines(flows, flow)
    lines.append("")
    shown: set[str] = set()

    def node_lines(nid: str, indent: str) -> None:
        node = flow.nodes[nid]
        shown.add(nid)
        mark = f"  · {node.segment}" if node.segment else ""
        lines.append(f"{indent}[{nid}] {node.question}  ({node.probe}){mark}")
        if details:
            pad = indent + "    "
            lines.append(f"{pad}why: {node.why}")
            lines.extend(f"{pad}param {k} = {v}" for k, v in node.params.items())
            lines.extend(f"{pad}run: {c}" for c in node.commands)
            lines.append(f"{pad}ask: {node.ask}")
        groups: dict[tuple, list[str]] = {}
        for outcome, to in node.outcomes.items():
            groups.setdefault((to.next, to.cause), []).append(outcome)
        for (nxt, cause), outcomes in groups.items():
            label = f"{indent}  {' | '.join(outcomes)} ->"
            if cause:
                lines.append(f"{label} CAUSE {cause}: {flows.causes[cause].title}")
            elif nxt in shown:
                lines.append(f"{label} [{nxt}] (above)")
            else:
                lines.append(label)
                node_lines(nxt, indent + "    ")
        unmapped = [o for o in node.allowed_outcomes if o not in node.outcomes]
        if unmapped:
            lines.append(f"{indent}  {' | '.join(unmapped)} -> inconclusive: ask the person")

    node_lines(s.start, "")
    return lines


def _entry_lines(flows: FlowSet, flow: Flow) -> list[str]:
    """Which segment the tree enters, the links it checks and where the segment's exits lead."""
    entry = flow.entry
    if entry is None:
        return []
    segment = flows.segments[entry.segment]
    wired = [f"{e} -> " + (f"CAUSE {to.cause}" if to.cause else f"[{to.next}]") for e, to in entry.exits.items()]
    return [f"  enters {segment.id} ({segment.file}): links {', '.join(entry.links)}",
            f"  {'':<8}exits {'; '.join(wired)}"]


def _preset(preset) -> str:
    """The words that fill the wizard's form, and with what ("WMI" -> interface wmi)."""
    filled = ", ".join(f"{k} {v}" for k, v in preset.context.items())
    return f" (searching {' / '.join(repr(w) for w in preset.words)} presets {filled})"
