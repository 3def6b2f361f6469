"""What a diagnosis starts from on the command line: `diagnose` and `tui` take the same inputs.

Light on purpose: the wizard's first frame waits for this module, not for the probes or the flows.
"""

from __future__ import annotations

import argparse
import sys

from wizard import WizardError
from wizard.engine.rpc_interfaces import INTERFACES
from wizard.files import read_regular
from wizard.probes.budget import DEFAULT_TIMEOUT


def add_inputs(p: argparse.ArgumentParser) -> None:
    """What a diagnosis starts from: `diagnose` and `tui` take the same."""
    p.add_argument("--symptom", help="symptom id or error code (1753, 0x6d9, -2146893022, ...)")
    p.add_argument("--target", help="the host the failing call goes to (for replication: the source DC)")
    p.add_argument("--dest", help="the destination DC (replication), whose view of the source is checked")
    p.add_argument("--forest", help="forest root domain (default: the target's domain)")
    p.add_argument("--guid", help="objectGUID of the source DC's NTDS Settings (from dcdiag/repadmin)")
    p.add_argument("--interface", metavar="ALIAS|UUID",
                   help=f"the RPC interface the error is about: one of {', '.join(INTERFACES)} or its UUID "
                        "(default drs)")
    p.add_argument("--proxy", metavar="HOST", help="the Exchange RPC proxy (Client Access server) whose "
                                                   "registry is read (default: the target's)")
    p.add_argument("--dns-server", action="append", default=[], metavar="IP",
                   help="ask this DNS server (repeat: the destination's primary and secondary)")
    p.add_argument("--hosts-file", metavar="PATH", help="hosts file to check (default: this machine's)")
    p.add_argument("--user", metavar="DOMAIN\\USER",
                   help="account for read-only LDAP/registry checks; password from RPC_WIZARD_PASSWORD, "
                        "KRB5CCNAME or a prompt, never the command line")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S", help="per-probe timeout (3 s)")
    p.add_argument("--log", metavar="FILE", help="a pasted log (dcdiag, repadmin, netsetup.log, ...) that picks "
                                                 "the symptom and fills the targets")


def check_timeout(timeout: float) -> float:
    if not 0.1 <= timeout <= 120:
        raise WizardError("--timeout must be between 0.1 and 120 seconds")
    return timeout


def read_input(path: str) -> str:
    """A paste from a regular file or `-` (standard input), decoded. At most the limit + 1 byte is read:
    the one byte more says "too big" without reading on; a FIFO or a device is refused (wizard.files)."""
    from wizard.parsers import MAX_BYTES, decode_paste
    from wizard.parsers.cleanup import too_big

    if path == "-":
        data, size, name = sys.stdin.buffer.read(MAX_BYTES + 1), None, "standard input"
    else:
        (data, size), name = read_regular(path, MAX_BYTES), path
    if len(data) > MAX_BYTES:
        raise too_big(name, size)
    return decode_paste(data)


def given_inputs(args: argparse.Namespace) -> tuple[str | None, dict[str, object]]:
    """The symptom and the context the command line gives: a --log first, the flags over it."""
    context: dict[str, object] = {}
    symptom = args.symptom
    if args.log:
        from wizard.parsers import context_from, parse_text

        parsed = parse_text(read_input(args.log))
        if not parsed.symptoms and not symptom:
            raise WizardError(f"{args.log}: no known RPC error found in it (kind: {parsed.kind})")
        context, symptom = context_from(parsed), symptom or parsed.symptoms[0]
    given = {"target": args.target, "dest": args.dest, "forest": args.forest, "guid": args.guid,
             "hosts_file": args.hosts_file, "dns_servers": args.dns_server or None, "interface": args.interface,
             "proxy": args.proxy}
    # a flag given empty on purpose stays (diagnose.checked_context refuses an empty --interface or --proxy)
    context.update({k: v for k, v in given.items() if v is not None})
    return symptom, context


