"""Headless command line: `rpc-wizard COMMAND ...`.

Each command lives in its own module exposing `register(subparsers)`; the parser it adds
sets `func`, called with the parsed namespace and returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from wizard import WizardError, __version__
from wizard.exitcodes import EXIT_INTERRUPTED, EXIT_USAGE

COMMANDS = ["tui", "diagnose", "check", "parse", "flows", "lab"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit 2, which means "inconclusive" here
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rpc-wizard",
                     description="Troubleshoot Windows RPC endpoint-mapper failures (1753, 1722, 0x6D9, ...).")
    parser.add_argument("--version", action="version", version=f"rpc-wizard {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"wizard.cli.{name}_cmd")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv or ["tui"])  # no command: the wizard
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except WizardError as exc:
        print(f"rpc-wizard: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
        print("\nrpc-wizard: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
