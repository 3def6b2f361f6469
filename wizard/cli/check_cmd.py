"""`rpc-wizard check PROBE key=value ...`: run one live check, straight away."""

from __future__ import annotations

import argparse
import json
import socket
import sys

from wizard import WizardError, diagnose
from wizard.cli import command_parser
from wizard.cli.credentials import credentials_for
from wizard.cli.inputs import check_timeout
from wizard.engine.catalog import ADVERTISED, CATALOG, CHECKS
from wizard.engine.names import is_valid_address, is_valid_host
from wizard.engine.params import ADVERTISED_NOTE, check_params, usage
from wizard.engine.results import ProbeResult
from wizard.engine.rpc_interfaces import INTERFACES
from wizard.engine.untrusted import PROSE_LIMIT, clean
from wizard.exitcodes import EXIT_OK, EXIT_UNSURE
from wizard.probes.budget import DEFAULT_TIMEOUT
from wizard.probes.guard import parallel
from wizard.probes.session import Session


def reads_a_computer(probe: str) -> bool:
    """A registry or service check: it reads the computer at address=, or the one expected= names (on Windows,
    with neither, this computer). Its usage shows both as optional, so the help says one is needed."""
    params = CATALOG[probe].params
    return "address" in params and "expected" in params and "address" not in CATALOG[probe].required


def usage_line(probe: str) -> str:
    note = ""
    if reads_a_computer(probe):  # valid_ports reads the RPC proxy named, else the server= itself
        note = "  (the proxy: address= or expected=, else server=)" if "server" in CATALOG[probe].required \
            else "  (address= or expected=)"
    return f"  {probe:<18} {usage(probe)}{note}"


def register(sub: argparse._SubParsersAction) -> None:
    lines = [usage_line(name) for name in CHECKS]
    p = command_parser(sub, "check", formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Run one probe. Parameters as key=value; lists comma-separated. A host name "
                                   "is accepted for address= (resolved here; the address used is shown).\n"
                                   "Exit codes: 0 ran (any outcome but error), 2 the check could not tell, "
                                   "3 bad input; tcp_ports exits as portqry does: 0 every port LISTENING, "
                                   "1 some NOT LISTENING, 2 some FILTERED (or unreachable)."
                                   "\n\nprobes and their parameters ([optional]):\n" + "\n".join(lines),
                       epilog=f"interface=: one of {', '.join(INTERFACES)} or an interface UUID (default drs)\n"
                              "examples: rpc-wizard check epm_map address=198.51.100.30\n"
                              "          rpc-wizard check epm_transports address=198.51.100.30 interface=wmi\n"
                              "          rpc-wizard check valid_ports server=exch1.contoso.com")
    p.add_argument("probe", help="probe name (see above)")
    p.add_argument("params", nargs="*", metavar="key=value")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S")
    p.add_argument("--user", metavar="DOMAIN\\USER", help="password from RPC_WIZARD_PASSWORD, KRB5CCNAME or a prompt")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run)


def parse_params(probe: str, items: list[str]) -> dict[str, str]:
    given: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise WizardError(f"{item!r}: {probe} takes {usage(probe)}")
        given[key] = value
    return given


def resolve_address(given: dict[str, str], timeout: float) -> str | None:
    """A host name typed as address= becomes the first address this machine's resolver (hosts file,
    then DNS, as every other tool here would) gives for it; the words say which, so the person sees
    what was checked. Bounded by the timeout: a resolver that hangs is left behind, not waited for."""
    name = given.get("address", "").strip()
    if not name or is_valid_address(name) or not is_valid_host(name):
        return None  # an address, nothing, or garbage: check_params says what is wrong with the latter
    found = parallel({"addresses": lambda: socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)}, timeout)
    infos = found["addresses"]
    if isinstance(infos, BaseException) or not infos:
        why = "no answer in time" if isinstance(infos, TimeoutError) else "it does not resolve"
        raise WizardError(f"address={name}: {why} here; give the address")
    given["address"] = str(infos[0][4][0])
    return f"{name} resolved to {given['address']} (this machine's resolver)"


def run(args: argparse.Namespace) -> int:
    probe = args.probe.replace("-", "_")
    if probe not in CHECKS:
        raise WizardError(f"no check named {args.probe!r}; choose from: {', '.join(CHECKS)}")
    check_timeout(args.timeout)
    given = parse_params(probe, args.params)
    resolved = resolve_address(given, args.timeout) if "address" in CATALOG[probe].params else None
    params = check_params(probe, given)
    _needs_a_computer(probe, params)
    result = diagnose.live_runner()(probe, params, Session(args.timeout, credentials_for(args.user)))
    if args.format == "json":
        print(json.dumps({**result.to_dict(), "resolved": resolved}, indent=2, default=str))
    else:
        print((f"  {resolved}\n" if resolved else "") + render(result, ADVERTISED in (params.get("ports") or [])))
    return exit_code(result)


def _needs_a_computer(probe: str, params: dict[str, object]) -> None:
    """Off Windows there is no `this computer` to read: no address= or expected= is bad input, not a check
    that could not tell (valid_ports reads the server= itself when nothing else is named)."""
    if sys.platform == "win32" or not reads_a_computer(probe):
        return
    if not any(params.get(key) for key in ("address", "expected", "server")):
        raise WizardError(f"{probe} needs address=... or expected=...: the computer to read "
                          f"(it takes {usage(probe)})")


# portqry's own exit codes, which scripts around it already test for
PORTQRY_EXIT = {"listening": EXIT_OK, "not-listening": 1, "filtered": 2, "unreachable": 2}


def exit_code(result: ProbeResult) -> int:
    if result.probe == "tcp_ports" and result.outcome in PORTQRY_EXIT:
        return PORTQRY_EXIT[result.outcome]
    return EXIT_UNSURE if result.outcome == "error" else EXIT_OK


def render(result: ProbeResult, advertised: bool) -> str:
    commands = "\n           ".join(clean(line, PROSE_LIMIT) for line in result.command.splitlines())
    note = f"\n  ({ADVERTISED_NOTE})" if advertised else ""
    return (f"[{result.outcome}] {clean(result.summary, PROSE_LIMIT)}\n  Windows: {commands}{note}\n"
            f"  ({result.elapsed_s:.2f} s)")
