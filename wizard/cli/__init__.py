"""Headless command line: `rpc-wizard COMMAND ...`.

Each command lives in its own module exposing `register(subparsers)`; the parser it adds
sets `func`, called with the parsed namespace and returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from wizard import WizardError, __version__
from wizard.exitcodes import EXIT_INTERRUPTED, EXIT_PIPE_CLOSED, EXIT_USAGE

# command -> its line in `rpc-wizard --help`; a command's module is imported only when it runs (or
# its own --help is asked for), so that start-up loads nothing a command does not need
COMMANDS = {
    "tui": "the guided wizard (the default when no command is given)",
    "diagnose": "run a symptom's decision tree to a root cause (headless)",
    "check": "run one check (probe) now",
    "sweep": "every DC of a forest: the 1753 checks on each, in parallel",
    "replication": "every DC's replication status (inbound partners per naming context), read or pasted",
    "parse": "read a pasted log or command output (dcdiag, repadmin, netsetup.log, ...)",
    "trace": "read a network trace (pcap, pcapng) of the failing computer: each RPC call as it really went",
    "flows": "check, list and show the decision trees",
    "lab": "a Samba AD lab in network namespaces, with faults to inject (Linux, root)",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit 2, which means "inconclusive" here
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def command_parser(sub: argparse._SubParsersAction, name: str, **kwargs) -> argparse.ArgumentParser:
    """The sub-parser of one command, with its line from COMMANDS."""
    return sub.add_parser(name, help=COMMANDS[name], **kwargs)


def chosen_command(argv: Sequence[str]) -> str | None:
    return next((arg for arg in argv if arg in COMMANDS), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; only `command`'s module is loaded, the others stand as their help line."""
    parser = _Parser(prog="rpc-wizard",
                     description="Troubleshoot Windows RPC endpoint-mapper failures (1753, 1722, 0x6D9, ...).")
    parser.add_argument("--version", action="version", version=f"rpc-wizard {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for name in COMMANDS:
        if name == command:
            importlib.import_module(f"wizard.cli.{name}_cmd").register(sub)
        else:
            command_parser(sub, name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:  # the reader went away (`| head -1`): stop quietly, as Unix tools do
        _drop_stdout()
        return EXIT_PIPE_CLOSED


def _drop_stdout() -> None:
    """Send what is still buffered for stdout nowhere, so that the flush at exit fails no more."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # a stdout without a descriptor (tests) has nothing to flush at exit
        pass


def _run(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv) or ["tui"]  # no command: the wizard
    parser = build_parser(chosen_command(argv))
    args = parser.parse_args(argv)
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
