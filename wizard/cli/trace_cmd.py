"""`rpc-wizard trace FILE`: every RPC call in a capture of the failing computer, as it really went.

Also what `diagnose --trace` and `tui --trace` take from a trace: the call to the target (or the failing
one) and the answers it gives the tree's steps.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from wizard import WizardError
from wizard.cli import command_parser
from wizard.exitcodes import EXIT_CAUSE, EXIT_OK, EXIT_UNSURE


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "trace",
        description=(
            "Read a network trace (pcap or pcapng; tcpdump, Wireshark, pktmon etl2pcap) taken on the failing "
            "computer: for every RPC call, the DNS answers, the connection to TCP 135, the endpoint mapper's "
            "answer, the connection to the port it handed out, the bind and Kerberos errors, with times. "
            "Exit codes: 0 every call went through, 1 a call failed, 2 no RPC call in the file, 3 bad input."))
    p.add_argument("file", metavar="FILE", help="the capture file (.pcap, .pcapng; an .etl is explained)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from wizard.traces import read_trace

    result = read_trace(args.file)
    render = {"text": to_text, "json": to_json, "markdown": to_markdown}[args.format]
    print(render(result))
    return exit_code(result)


def exit_code(result) -> int:
    if not result.calls:
        return EXIT_UNSURE
    return EXIT_CAUSE if any(c.failure for c in result.calls) else EXIT_OK


def to_json(result) -> str:
    return json.dumps(result.to_dict(), indent=2, default=str)


def _clean(text: object) -> str:
    from wizard.engine.untrusted import clean

    return clean(str(text), 300)


def _ladder(call, t0: float) -> list[str]:
    """The call's exchanges in order, each with its time (seconds from the file's first call) and state."""
    from wizard.traces.ladder import offset, rungs

    return [f"{offset(r.time, t0)}  {r.lane:<5} {_clean(r.text)}{'   <- failed' if r.failed else ''}"
            for r in rungs(call)]


def to_text(result) -> str:
    from wizard.traces.calls import describe

    lines = [f"{_clean(result.file)}: {result.format}, {', '.join(result.link_types) or 'no link type'}, "
             f"{result.packets} packets, {len(result.calls)} RPC call(s)"]
    t0 = min((c.first_seen for c in result.calls if c.first_seen), default=0.0)
    for n, call in enumerate(result.calls, 1):
        lines += ["", f"call {n}: {_clean(describe(call))}"] + [f"  {line}" for line in _ladder(call, t0)]
    if not result.calls:
        lines += ["", result.findings[0]]
    if result.skipped:
        lines += ["", "skipped:"] + [f"  {_clean(s)}" for s in result.skipped]
    return "\n".join(lines)


def to_markdown(result) -> str:
    from wizard.traces.calls import describe

    lines = [f"## Trace `{_clean(result.file)}`", "",
             f"{result.format}, {', '.join(result.link_types)}, {result.packets} packets, "
             f"{len(result.calls)} RPC call(s).", ""]
    t0 = min((c.first_seen for c in result.calls if c.first_seen), default=0.0)
    for n, call in enumerate(result.calls, 1):
        lines += [f"### Call {n}", "", _clean(describe(call)), "", "```"] + _ladder(call, t0) + ["```", ""]
    if not result.calls:
        lines += [result.findings[0], ""]
    if result.skipped:
        lines += ["**Skipped:**", ""] + [f"- {_clean(s)}" for s in result.skipped]
    return "\n".join(lines)


def observe(path: str, symptom: str | None, given: dict) -> tuple[str, Callable]:
    """For `diagnose --trace`: the symptom (given, or suggested by the call), the context completed from the
    call, and the answers the chosen call gives. The choice is said on standard error."""
    from wizard.traces import read_trace
    from wizard.traces.answers import answer, choose_call, context_from, suggested_symptom

    result = read_trace(path)
    index, why = choose_call(result, str(given.get("target") or "") or None)
    print(f"note: trace {path}: {why}", file=sys.stderr)
    if index is None:
        if not symptom or not given.get("target"):
            raise WizardError(f"{path}: the trace holds no RPC call; give --symptom and --target for live checks")
        return symptom, lambda _call: None
    call = result.calls[index]
    from wizard.traces.calls import describe

    print(f"note: {describe(call)}", file=sys.stderr)
    for key, value in context_from(call).items():
        given.setdefault(key, value)
        if not given.get(key):
            given[key] = value
    return symptom or suggested_symptom(call), lambda pending: answer(call, pending, path)
