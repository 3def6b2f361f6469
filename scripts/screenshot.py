"""Render a real `rpc-wizard` run into an SVG terminal screenshot for the README.

Usage (in the lab's client namespace): rpc-wizard lab exec -- .venv/bin/python scripts/screenshot.py OUT.svg -- ARGS...
"""

from __future__ import annotations

import subprocess
import sys

from rich.console import Console
from rich.text import Text


def main(argv: list[str]) -> int:
    out, _, args = argv[0], argv[1], argv[2:]
    proc = subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True, timeout=120)
    console = Console(record=True, width=110, file=open("/dev/null", "w"))
    console.print(Text("$ rpc-wizard " + " ".join(args), style="bold green"))
    console.print(Text(proc.stdout.rstrip()))
    console.save_svg(out, title="rpc-wizard")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
