"""`rpc-wizard sweep --forest FOREST`: every DC of a forest, the 1753 checks on each, in parallel."""

from __future__ import annotations

import argparse
import sys

from wizard import WizardError
from wizard.cli import command_parser
from wizard.cli.inputs import check_timeout
from wizard.engine.names import check_address, check_host
from wizard.probes.budget import DEFAULT_TIMEOUT
from wizard.probes.session import Session
from wizard.sweep import CONCURRENCY_WHY, DEFAULT_CONCURRENCY, DcResult


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "sweep",
        description=(
            "Find every DC of the forest (DC locator SRV records on each DNS server; signed in, the "
            "directory's NTDS Settings objects too) and run the 1753 checks against each, in parallel. "
            "Exit codes: 0 every DC healthy, 1 a cause found for at least one DC, 2 some DC could not be "
            "checked (or none was found), 3 bad input."))
    p.add_argument("--forest", required=True, help="forest root domain")
    p.add_argument("--dns-server", action="append", default=[], metavar="IP", help="ask this DNS server (repeat)")
    p.add_argument("--user", metavar="DOMAIN\\USER",
                   help="read the directory's list of DCs too; password from RPC_WIZARD_PASSWORD, KRB5CCNAME "
                        "or a prompt, never the command line")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S", help="per-probe timeout (3 s)")
    p.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, metavar="N",
                   help=f"DCs checked at once ({DEFAULT_CONCURRENCY}: {CONCURRENCY_WHY})")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from wizard.cli.credentials import credentials_for
    from wizard.engine.loader import load_flows
    from wizard.report import sweep as sweep_report
    from wizard.sweep import sweep

    check_timeout(args.timeout)
    if not 1 <= args.concurrency <= 256:
        raise WizardError("--concurrency must be between 1 and 256")
    forest = check_host(args.forest, "--forest")
    servers = [check_address(s, "--dns-server") for s in args.dns_server] or None
    session = Session(args.timeout, credentials_for(args.user))
    watching = sys.stderr.isatty()  # a person watching: a line per DC as it finishes
    flows = load_flows()
    result = sweep(forest, servers, session, flows, args.concurrency, on_done=_progress if watching else None)
    if args.format == "json":
        print(sweep_report.to_json(result, flows))
    elif args.format == "markdown":
        print(sweep_report.to_markdown(result, flows))
    else:
        print(sweep_report.to_text(result, colour=sys.stdout.isatty()))
    return result.exit_code()


def _progress(dc: DcResult) -> None:
    cause = dc.walk.cause.id if dc.walk.cause else "inconclusive"
    print(f"  checked {dc.fqdn}: {cause}", file=sys.stderr, flush=True)
