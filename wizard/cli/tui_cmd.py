"""`rpc-wizard tui` (and `rpc-wizard` alone): the Textual wizard. Same inputs as `diagnose`; with a
symptom and a target it opens straight on the first step. Textual loads only here."""

from __future__ import annotations

import argparse
import sys

from wizard import WizardError
from wizard.cli import command_parser
from wizard.cli.inputs import add_inputs, check_timeout, given_inputs


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "tui",
        description=(
            "Open the wizard. With --symptom and --target (or a --log naming them) it opens "
            "on the first step. Exit codes as diagnose: 0 no fault found, 1 root cause "
            "found, 2 inconclusive or not finished, 3 bad input."))
    add_inputs(p)
    p.add_argument("--trace", metavar="FILE", help="a network trace (pcap, pcapng) of the failing computer: its "
                                                   "call picks the symptom and target and answers the steps first")
    p.set_defaults(func=run)


def inputs_from(args: argparse.Namespace):
    from wizard.tui.app import Inputs

    check_timeout(args.timeout)
    symptom, context = given_inputs(args)
    inputs = Inputs(symptom=symptom, context=context, user=args.user, timeout=args.timeout)
    if getattr(args, "trace", None):
        inputs.trace = load_trace(args.trace, inputs)
    if args.user:
        from wizard.cli.credentials import credentials_for

        try:  # the environment or a ticket cache; otherwise the form's masked field asks
            inputs.credentials = credentials_for(args.user, interactive=False)
        except WizardError:
            inputs.credentials = None
    return inputs


def load_trace(path: str, inputs):
    """The trace of --trace, read before the wizard opens (a bad file is one line, exit 3): its call fills
    the symptom and the target where they were not given."""
    from wizard.traces import read_trace
    from wizard.traces.answers import choose_call, context_from, suggested_symptom
    from wizard.tui.screens.trace import LoadedTrace

    result = read_trace(path)
    index, why = choose_call(result, str(inputs.context.get("target") or "") or None)
    if index is None:
        raise WizardError(f"{path}: {why}")
    loaded = LoadedTrace(path, result, index)
    for key, value in context_from(loaded.call).items():
        if not inputs.context.get(key):
            inputs.context[key] = value
    inputs.symptom = inputs.symptom or suggested_symptom(loaded.call)
    inputs.notes.append(f"trace {path}: {why}")
    return loaded


def run(args: argparse.Namespace) -> int:
    inputs = inputs_from(args)
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise WizardError("the wizard needs a terminal; without one use `rpc-wizard diagnose`")
    from wizard.tui.app import WizardApp

    return int(WizardApp(inputs).run() or 0)
