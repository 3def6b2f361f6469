"""`rpc-wizard flows`: placeholder until its issue lands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("flows", help="(not built yet)")
    p.set_defaults(func=lambda args: print("rpc-wizard flows: not built yet") or 3)
