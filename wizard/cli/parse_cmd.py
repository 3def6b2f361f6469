"""`rpc-wizard parse`: placeholder until its issue lands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("parse", help="(not built yet)")
    p.set_defaults(func=lambda args: print("rpc-wizard parse: not built yet") or 3)
