"""`rpc-wizard lab`: placeholder until its issue lands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lab", help="(not built yet)")
    p.set_defaults(func=lambda args: print("rpc-wizard lab: not built yet") or 3)
