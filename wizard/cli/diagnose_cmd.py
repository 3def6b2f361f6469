"""`rpc-wizard diagnose`: run a symptom's decision tree to a cited cause, without a TUI."""

from __future__ import annotations

import argparse
import sys

from wizard import WizardError, diagnose, report
from wizard.cli import command_parser
from wizard.cli.credentials import credentials_for
from wizard.cli.inputs import add_inputs, check_timeout, given_inputs, read_input
from wizard.engine import FlowSet, Walk
from wizard.engine.loader import load_flows
from wizard.probes.session import Session


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "diagnose",
        description=(
            "Run a symptom's decision tree with live probes and print the cited root cause. "
            "Exit codes: 0 no fault found, 1 root cause found, 2 inconclusive, 3 bad input."))
    add_inputs(p)
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--answer", action="append", default=[], metavar="NODE=OUTCOME",
                   help="answer a node yourself instead of probing it")
    p.add_argument("--paste", action="append", default=[], metavar="NODE=FILE",
                   help="output of the node's command run elsewhere (e.g. on the DC), answering that node")
    p.add_argument("--trace", metavar="FILE", help="a network trace (pcap, pcapng) taken on the failing computer: "
                                                   "its observations answer the steps first (source: trace)")
    p.set_defaults(func=run)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise WizardError(f"{what} {item!r} must look like NODE=VALUE")
        pairs[key.strip()] = value.strip()
    return pairs


def build_context(context: dict[str, object]) -> dict[str, object]:
    if not context.get("target"):
        raise WizardError("--target is required (or a --log that names it)")
    context, notes = diagnose.checked_context(context, flag="--")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return context


def _check_answers(walk: Walk, answers: dict[str, str], pastes: dict[str, str]) -> None:
    nodes = walk.flow.nodes
    for node_id in list(answers) + list(pastes):
        if node_id not in nodes:
            raise WizardError(f"no node {node_id!r} in {walk.flow.symptom.id}; nodes: {', '.join(nodes)}")
    for node_id, outcome in answers.items():
        if outcome not in nodes[node_id].outcomes:
            raise WizardError(f"node {node_id!r} has no outcome {outcome!r}; "
                              f"choose from: {', '.join(nodes[node_id].outcomes)}")


def choose_symptom(flows: FlowSet, text: str) -> str:
    """The symptom id for an id or error code; an ambiguous code is chosen at a prompt when there is one."""
    found = flows.find_symptoms(text)
    if len(found) <= 1 or not sys.stdin.isatty():
        return found[0].id if len(found) == 1 else text  # diagnose.start explains unknown or ambiguous
    print(f"{text} is logged for several symptoms:", file=sys.stderr)
    for i, symptom in enumerate(found, 1):
        print(f"  {i}. {symptom.id}: {symptom.title}", file=sys.stderr)
    answer = input(f"Choose 1-{len(found)}: ").strip()
    if not answer.isdigit() or not 1 <= int(answer) <= len(found):
        raise WizardError(f"no symptom chosen; give one with --symptom: {', '.join(s.id for s in found)}")
    return found[int(answer) - 1].id


def run(args: argparse.Namespace) -> int:
    check_timeout(args.timeout)
    if not args.symptom and not args.log and not args.trace:
        raise WizardError("--symptom is required (an id from `rpc-wizard flows list`, or an error code)")
    symptom, given = given_inputs(args)
    observed = None
    if args.trace:
        from wizard.cli.trace_cmd import observe

        symptom, observed = observe(args.trace, symptom, given)
    context = build_context(given)
    flows: FlowSet = load_flows()
    walk = diagnose.start(choose_symptom(flows, str(symptom)), context, flows)
    answers = _pairs(args.answer, "--answer")
    pastes = {node: read_input(path) for node, path in _pairs(args.paste, "--paste").items()}
    _check_answers(walk, answers, pastes)
    session = Session(timeout=args.timeout, credentials=credentials_for(args.user))
    live = args.format == "text" and sys.stdout.isatty()  # a person watching: show each check as it ends
    if live:
        print(report.text_heading(walk), flush=True)
    diagnose.run(walk, session, answers, pastes,
                 on_step=lambda w: print(report.text_step(len(w.steps), w.steps[-1]), flush=True) if live else None,
                 observed=observed)
    if live:
        print(report.to_text(walk, flows, steps=False))
    else:
        render = {"text": report.to_text, "json": report.to_json, "markdown": report.to_markdown}[args.format]
        print(render(walk, flows))
    return report.exit_code(walk)
