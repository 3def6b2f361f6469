"""`rpc-wizard parse FILE|-`: what a pasted output says (kind, failure codes, hosts, GUIDs, symptoms, facts)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from wizard import WizardError
from wizard.cli import command_parser
from wizard.cli.inputs import read_input
from wizard.engine.untrusted import clean
from wizard.exitcodes import EXIT_OK, EXIT_UNSURE
from wizard.parsers import context_from, parse_text
from wizard.parsers.errorcodes import describe
from wizard.parsers.symptoms import explain


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "parse",
        description=(
            "Detect what a paste is (dcdiag, repadmin, netsetup.log, event text, PowerShell error "
            "records, nltest, netdom, rpcping, RPC proxy logs, Remote Connectivity Analyzer results, "
            "portqry, rpcdump, nslookup, nbtstat, ipconfig /all, netsh, reg query, sc) and read its "
            "failure codes, hosts, GUIDs, suggested symptoms (and why) and facts. "
            "Exit codes: 0 something recognised, 2 nothing recognised, 3 bad input."))
    p.add_argument("file", metavar="FILE", help="the file to read, or - for standard input")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = read_input(args.file)  # more than the limit, or not a regular file: a one-line WizardError
    if not text.strip():
        raise WizardError(f"{'standard input' if args.file == '-' else args.file} is empty: nothing to parse")
    parsed = parse_text(text)
    result = {**parsed.to_dict(), "context": context_from(parsed)}
    status = _replication(text)
    if status is not None:  # repadmin /showrepl * /csv or /replsum: the pairs, as `replication --paste` reads them
        result["replication"] = {"pairs": [p.to_dict() for p in status.pairs], "unreadable": status.unreadable}
    if args.format == "json":
        print(json.dumps(result, indent=2, default=str))
    else:
        print(render(result))
        if status is not None:
            print(_matrix(status, args.file))
    recognised = parsed.kinds or parsed.errors
    return EXIT_OK if recognised else EXIT_UNSURE


def render(result: dict[str, Any]) -> str:
    others = [k for k in result["kinds"] if k != result["kind"]]
    lines = [f"kind:      {result['kind']}" + (f" (also: {', '.join(others)})" if others else "")]
    lines += [f"errors:    {describe(result['errors'][0])}" if result["errors"] else "errors:    none reported"]
    lines += [f"           {describe(code)}" for code in result["errors"][1:]]
    lines.append(f"symptoms:  {', '.join(result['symptoms']) or 'none suggested'}")
    why = explain(result["why"])
    lines += [f"why:       {why[0]}"] + [f"           {line}" for line in why[1:]]
    lines.append(f"hosts:     {', '.join(result['hosts']) or '-'}")
    lines.append(f"guids:     {', '.join(result['guids']) or '-'}")
    if result["context"]:
        lines.append("diagnose:  " + " ".join(f"{k}={','.join(v) if isinstance(v, list) else v}"
                                            for k, v in result["context"].items()))
    if not result["kinds"]:
        lines.append("(not a known output: dcdiag, repadmin (/showrepl, /replsum, /syncall, /showobjmeta), "
                     "netsetup.log, event text, PowerShell error records, nltest, netdom, rpcping, RPC proxy "
                     "logs, Remote Connectivity Analyzer results, portqry, rpcdump, nslookup, nbtstat, "
                     "ipconfig /all, netsh dynamicport, reg query, sc)")
    for kind, facts in result["facts"].items():
        lines.append(f"{kind}:")
        lines += _tree(facts, "  ")
    # every value came from the paste: one sanitiser before the terminal (escape codes, bells, ...)
    return "\n".join(clean(line, 10_000) for line in lines)


def _tree(value: Any, indent: str) -> list[str]:
    """Facts as an indented outline; long lists are cut so that a terminal stays readable."""
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{indent}{key}:")
                lines += _tree(item, indent + "  ")
            elif item not in (None, "", [], {}):
                lines.append(f"{indent}{key}: {item}")
    elif isinstance(value, list):
        for item in value[:50]:
            if isinstance(item, dict):
                inner = _tree(item, indent + "  ")
                if inner:
                    lines.append(f"{indent}- {inner[0].strip()}")
                    lines += inner[1:]
            else:
                lines.append(f"{indent}- {item}")
        if len(value) > 50:
            lines.append(f"{indent}... {len(value) - 50} more (--format json shows all)")
    return lines


def _replication(text: str):
    from wizard.parsers.replication import from_paste

    status = from_paste(text)
    return status if status.pairs or status.unreadable else None


def _matrix(status, path: str) -> str:
    from wizard.report import md_inline
    from wizard.report.replication import matrix

    sources, rows = matrix(status)  # names from the paste: one sanitiser before the terminal, as everywhere
    table = [["destination \\ source", *map(md_inline, sources)], *([md_inline(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["replication status:"] + ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
                                       for row in table]
    lines.append(f"  {len(status.pairs)} pair(s), {len(status.failing)} failing: `rpc-wizard replication --paste "
                 f"{path}` diagnoses them")
    return "\n".join(lines)
