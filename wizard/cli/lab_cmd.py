"""`rpc-wizard lab`: the Samba AD practice lab (Linux, root): up, down, status, faults, exec."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from wizard import WizardError
from wizard.cli import command_parser
from wizard.exitcodes import EXIT_FAILED, EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "lab",
        description=(
            "A Samba AD lab (DC1, DC2, MEMBER1, EXCH1 and a client) in network "
            "namespaces, with faults to inject. Linux and root only."))
    actions = p.add_subparsers(dest="lab_action", metavar="ACTION", required=True, parser_class=type(p))
    up = actions.add_parser("up", help="build the lab (about 30 s), optionally with a fault")
    up.add_argument("--fault", metavar="NAME", help="fault to apply once the lab is up (see `lab faults`)")
    actions.add_parser("down", help="stop the lab and remove every trace of it")
    st = actions.add_parser("status", help="hosts, addresses, forest, DC GUIDs, active fault, memory")
    st.add_argument("--format", choices=["text", "json"], default="text")
    fault = actions.add_parser("fault", help="heal the active fault, then apply NAME")
    fault.add_argument("name", metavar="NAME")
    actions.add_parser("heal", help="undo the active fault")
    actions.add_parser("faults", help="list the faults with one line each")
    rep = actions.add_parser("replicate", help="DC1 pulls a naming context from DC2 now; DC1 records the result")
    rep.add_argument("--nc", metavar="DN", help="naming context (the domain's by default)")
    rep.add_argument("--forget", action="store_true",
                     help="restart DC1's Samba first, so that it asks DC2's endpoint mapper again")
    ex = actions.add_parser("exec", help="run a command in the client namespace: lab exec -- CMD ...")
    ex.add_argument("cmd", nargs=argparse.REMAINDER, metavar="CMD")
    p.set_defaults(func=run)


def _require_linux_root() -> None:
    if not sys.platform.startswith("linux"):
        raise WizardError("the lab needs Linux (network namespaces); this is " + sys.platform)
    if os.geteuid() != 0:
        raise WizardError("the lab needs root (it creates network namespaces): run it with sudo")


def _print(msg: str) -> None:
    print(msg, flush=True)


def run(args: argparse.Namespace) -> int:
    from wizard.lab import faults as fault_list  # no root needed to list them

    if args.lab_action == "faults":
        width = max(map(len, fault_list.FAULTS))
        for name, line in fault_list.FAULTS.items():
            print(f"{name:<{width}}  {line}")
        from wizard.lab.replicate import RECORDED_CODES

        print("\nWhat DC1 records in repsFrom when it replicates from DC2 (`lab replicate`; `rpc-wizard replication` "
              "reads it): Samba's codes, not Windows'")
        for name, (samba, windows) in RECORDED_CODES.items():
            print(f"{name:<{width}}  {samba} (Windows: {windows})")
        return EXIT_OK
    _require_linux_root()
    from wizard import lab
    from wizard.lab.status import render_text

    try:
        return _dispatch(lab, render_text, args)
    except lab.LabError as exc:
        text = str(exc)
        if "\n" in text:  # a failed step: command and log tail, more than WizardError's one line
            print(f"rpc-wizard lab: {text}", file=sys.stderr)
            return EXIT_FAILED
        raise


def _dispatch(lab, render_text, args: argparse.Namespace) -> int:
    action = args.lab_action
    if action == "up":
        info = lab.up(fault=args.fault, log=_print)
        print(render_text(info))
    elif action == "down":
        lab.down(log=_print)
    elif action == "status":
        info = lab.status()
        if args.format == "json":
            print(json.dumps(info.to_dict() if info else None, indent=2))
        else:
            print(render_text(info) if info else "the lab is not up (`rpc-wizard lab up` builds it)")
        return EXIT_OK if info else EXIT_FAILED
    elif action == "fault":
        lab.apply_fault(args.name)
        print(f"fault applied: {args.name}")
    elif action == "replicate":
        from wizard.lab.replicate import DOMAIN_NC, replicate

        print(replicate(args.nc or DOMAIN_NC, forget=args.forget) or "replicated")
    elif action == "heal":
        lab.heal()
        print("healed: no fault active")
    elif action == "exec":
        cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not cmd:
            raise WizardError("lab exec needs a command: rpc-wizard lab exec -- CMD ...")
        if lab.status() is None:
            raise WizardError("the lab is not up: run `rpc-wizard lab up` first")
        # `lab exec -- rpc-wizard ...` must find this very installation, venv or not
        bindir = os.path.dirname(sys.executable)
        env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
        return subprocess.call(["ip", "netns", "exec", lab.CLIENT_NS, *cmd], env=env)
    return EXIT_OK
