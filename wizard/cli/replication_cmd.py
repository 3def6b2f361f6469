"""`rpc-wizard replication --forest FOREST --user ...`: every DC's inbound replication partners, as the DCs
record them; `--paste FILE` reads `repadmin /showrepl * /csv` or /replsum instead; `--diagnose` runs the
tree of each failing pair."""

from __future__ import annotations

import argparse
import sys

from wizard import WizardError
from wizard.cli import command_parser
from wizard.cli.inputs import check_timeout, read_input
from wizard.engine.names import check_address, check_host
from wizard.probes.budget import DEFAULT_TIMEOUT
from wizard.probes.session import Session
from wizard.sweep import CONCURRENCY_WHY, DEFAULT_CONCURRENCY


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "replication",
        description=(
            "Find every DC of the forest (DC locator SRV records on each DNS server, as `sweep` does) and read, "
            "signed in and read-only, each one's inbound replication partners per naming context (repsFrom on "
            "each naming context head, over LDAP): source DC and its NTDS Settings objectGUID, last attempt and "
            "its result, consecutive failures, last success. Or read the same from a paste of `repadmin "
            "/showrepl * /csv` or `repadmin /replsum` (--paste). A failing pair's code names the tree that "
            "examines it; --diagnose runs those trees. Exit codes: 0 every pair healthy, 1 some pair failing, "
            "2 some DC could not be read (or none was found), 3 bad input."))
    p.add_argument("--forest", help="forest root domain (required unless --paste)")
    p.add_argument("--dns-server", action="append", default=[], metavar="IP", help="ask this DNS server (repeat)")
    p.add_argument("--user", metavar="DOMAIN\\USER",
                   help="the account that reads the DCs (read-only); password from RPC_WIZARD_PASSWORD, KRB5CCNAME "
                        "or a prompt, never the command line")
    p.add_argument("--paste", metavar="FILE", help="read `repadmin /showrepl * /csv` or /replsum output (- for stdin)")
    p.add_argument("--diagnose", action="store_true", help="run the tree of each failing pair and print its cause")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S", help="per-probe timeout (3 s)")
    p.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, metavar="N",
                   help=f"DCs read (and pairs diagnosed) at once ({DEFAULT_CONCURRENCY}: {CONCURRENCY_WHY})")
    p.add_argument("--format", choices=("text", "json", "markdown", "csv"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from wizard.cli.credentials import credentials_for
    from wizard.engine.loader import load_flows
    from wizard.replication import Replication, diagnose_failing, replication
    from wizard.report import replication as report

    check_timeout(args.timeout)
    if not 1 <= args.concurrency <= 256:
        raise WizardError("--concurrency must be between 1 and 256")
    forest = check_host(args.forest, "--forest") if args.forest else ""
    servers = [check_address(s, "--dns-server") for s in args.dns_server] or None
    if not args.paste and not forest:
        raise WizardError("give --forest (to read the DCs) or --paste FILE (repadmin /showrepl * /csv output)")
    session = Session(args.timeout, credentials_for(args.user))
    if args.paste:
        run_ = Replication(_pasted(read_input(args.paste), forest), servers)
    else:
        if session.credentials is None:
            raise WizardError("reading the DCs' replication status needs --user (or give --paste FILE)")
        watching = sys.stderr.isatty()
        run_ = replication(forest, servers, session, args.concurrency, on_done=_progress if watching else None)
    flows = load_flows()
    if args.diagnose:
        run_.diagnoses = diagnose_failing(run_.status, servers, session, flows, args.concurrency)
    if args.format == "json":
        print(report.to_json(run_, flows))
    elif args.format == "markdown":
        print(report.to_markdown(run_, flows))
    elif args.format == "csv":
        print(report.to_csv(run_), end="")
    else:
        print(report.to_text(run_, colour=sys.stdout.isatty()))
    return run_.exit_code()


def _pasted(text: str, forest: str):
    from wizard.parsers.replication import from_paste

    status = from_paste(text)
    if not status.pairs and not status.unreadable:
        raise WizardError("the paste holds no replication status: paste `repadmin /showrepl * /csv` or "
                          "`repadmin /replsum` output")
    status.forest = forest
    return status


def _progress(fqdn: str, read) -> None:
    print(f"  read {fqdn}: {read.outcome}", file=sys.stderr, flush=True)
