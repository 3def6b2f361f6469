"""Speed and memory of rpc-wizard, measured here rather than by timed tests.

Usage: .venv/bin/python scripts/bench.py [--repeat N]     (Linux; N runs per process row, default 7)
Sends no traffic beyond loopback: the only network use is tcp_ports against 127.0.0.1.

Three parts, all in one run so that the rows of a comparison share the machine's state:
  1. start-up of whole processes: `rpc-wizard --help` against `python -c pass` and against a bare import
     of dnspython + impacket (the libraries --help must not load);
  2. time to the first frame of the TUI in a 100x30 pseudo-terminal, against a Textual hello world;
  3. the pure core in this process: flows load, a walk, tcp_ports on loopback, parse_text.
Process rows are the median of N runs, started round-robin so that drift hits every row alike. Absolute
times depend on the machine; the README quotes only the ratio column.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench_frame import COLUMNS, HELLO_APP, LINES, SLOW_HELLO_APP, Run, first_frame, peak_rss_plain, run_plain

from wizard.engine import Walk, load_flows
from wizard.engine.results import ProbeResult
from wizard.probes.base import Session
from wizard.probes.run import run_probe

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable  # the venv's python: every row starts the same interpreter
HELP_GOAL_S = 0.15
FRAME_GOAL_RATIO = 1.5
# The start screen's heading. bench_frame matches it ignoring whitespace, so a gap drawn as a cursor
# move still matches; "What error" alone still matches if a narrow layout wraps the heading.
WIZARD_MARKERS = ("What error do you see?", "What error")

HEALTHY = {"dest-guid": "found", "cname": "matches-target", "host": "resolved", "identity": "match",
           "epm": "registered", "dynamic-port": "listening", "ntds-guid": "match", "port-config": "default"}


@dataclass
class Row:
    """One line of a comparison table: a way to run the process once, and what its runs gave."""

    label: str
    run: Callable[[], Run]
    warm_up: Callable[[], int | None]  # one untimed run (caches, .pyc); returns peak RSS in KiB if it knows it
    runs: list[Run] = field(default_factory=list)
    rss_kib: int | None = None
    error: str | None = None

    @property
    def median(self) -> float | None:
        return None if self.error or not self.runs else statistics.median(r.seconds for r in self.runs)


# -- whole processes -----------------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}  # no devtools or drivers
    return env | {"TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES)}


def plain_row(label: str, argv: Sequence[str], env: dict[str, str]) -> Row:
    return Row(label, lambda: run_plain(argv, env), lambda: peak_rss_plain(argv, env))


def frame_row(label: str, argv: Sequence[str], markers: Sequence[str], env: dict[str, str]) -> Row:
    def warm_up() -> int | None:
        first = first_frame(argv, markers, env)
        if first.error:  # a row that fails once is not retried N times at up to 20 s each
            raise RuntimeError(first.error)
        return first.rss_kib
    return Row(label, lambda: first_frame(argv, markers, env), warm_up)


def measure(rows: list[Row], repeat: int) -> None:
    """Warm every row up, then run them round-robin; a row stops at its first failure."""
    for row in rows:
        try:
            row.rss_kib = row.warm_up()
        except RuntimeError as exc:
            row.error = str(exc)
    for _ in range(repeat):
        for row in (r for r in rows if not r.error):
            result = row.run()
            if result.error:
                row.error = result.error
            else:
                row.runs.append(result)
                row.rss_kib = _max(row.rss_kib, result.rss_kib)


def _max(a: int | None, b: int | None) -> int | None:
    return max((x for x in (a, b) if x is not None), default=None)


def print_table(title: str, rows: list[Row]) -> None:
    base = rows[0].median
    print(f"\n{title}\n  {'':<56} {'median':>9} {'ratio':>7} {'min-max':>13} {'peak RSS':>10}")
    for row in rows:
        if row.median is None:
            print(f"  {row.label:<56} FAILED: {row.error}")
            continue
        secs = [r.seconds for r in row.runs]
        ratio = f"{row.median / base:6.2f}x" if base else "    n/a"
        rss = f"{row.rss_kib / 1024:6.1f} MiB" if row.rss_kib else "       n/a"
        spread = f"{min(secs) * 1000:.0f}-{max(secs) * 1000:.0f} ms"
        print(f"  {row.label:<56} {row.median * 1000:6.0f} ms {ratio} {spread:>13} {rss}")


def verdict(goal: str, value: float | None, limit: float, shown: str, why_not: str | None) -> None:
    if value is None:
        print(f"  goal {goal}: NOT MEASURED ({why_not})")
    else:
        print(f"  goal {goal}: {'met' if value <= limit else 'MISSED'} ({shown})")


def bench_startup(repeat: int, env: dict[str, str]) -> None:
    rows = [plain_row("python -c pass", [PY, "-c", "pass"], env),
            plain_row('python -c "import dns.resolver, impacket.dcerpc.v5.epm"',
                      [PY, "-c", "import dns.resolver, impacket.dcerpc.v5.epm"], env),
            plain_row("rpc-wizard --help   (python -m wizard --help)", [PY, "-m", "wizard", "--help"], env)]
    measure(rows, repeat)
    print_table(f"Start-up, whole processes (median of {repeat}, ratio to python -c pass)", rows)
    help_s = rows[2].median
    verdict(f"rpc-wizard --help <= {HELP_GOAL_S} s", help_s, HELP_GOAL_S,
            f"{help_s:.3f} s" if help_s else "", rows[2].error)


def bench_first_frame(repeat: int, env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory(prefix="rpc-wizard-bench-") as tmp:
        hello, slow = Path(tmp, "hello.py"), Path(tmp, "slow_hello.py")
        hello.write_text(HELLO_APP)
        slow.write_text(SLOW_HELLO_APP)
        rows = [frame_row("textual hello world", [PY, str(hello)], ["Hello, world"], env),
                frame_row("rpc-wizard   (python -m wizard, no arguments)", [PY, "-m", "wizard"], WIZARD_MARKERS, env),
                frame_row("hello world 0.5 s late in on_mount (harness check)", [PY, str(slow)], ["Hello, world"],
                          env)]
        measure(rows, repeat)
    print_table(f"Time to first frame in a {COLUMNS}x{LINES} pty (median of {repeat}, ratio to hello world)", rows)
    hello_s, wizard_s, slow_s = (r.median for r in rows)
    ratio = wizard_s / hello_s if wizard_s and hello_s else None
    verdict(f"rpc-wizard <= {FRAME_GOAL_RATIO}x hello world", ratio, FRAME_GOAL_RATIO,
            f"{ratio:.2f}x" if ratio else "", rows[1].error or rows[0].error)
    if hello_s and slow_s:  # the late app must read ~0.5 s slower, or the harness times the wrong thing
        print(f"  harness check: late hello - hello = {slow_s - hello_s:.2f} s (expect about 0.50 s)")


# -- the pure core, in this process ---------------------------------------------------------------------


def timed(label: str, fn: Callable[[], object], repeat: int) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    per_call = (time.perf_counter() - started) / repeat
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:<44} {per_call * 1000:9.3f} ms/call   peak {peak / 1024:8.1f} KiB   (x{repeat})")


def walk_healthy(flows) -> None:
    walk = Walk(flows.flow("ad-replication-1753"), {"target": "dc2.lab.example", "dest": "dc1.lab.example"})
    while not walk.done:
        walk.record(ProbeResult(walk.pending().probe, HEALTHY[walk.node.id], "bench", facts={"endpoint_port": 49153}))


def bench_core() -> None:
    print("\nPure core, in this process (tracemalloc on, so times are upper bounds)")
    flows = load_flows()
    timed("load and validate flows/", load_flows, 20)
    timed("walk ad-replication-1753 to no-fault-found", lambda: walk_healthy(flows), 500)
    timed("tcp_ports on 127.0.0.1 (8 closed ports)",
          lambda: run_probe("tcp_ports", {"address": "127.0.0.1", "ports": "ad"}, Session(timeout=1.0)), 50)
    try:
        from wizard.parsers import parse_text
    except ImportError:
        parse_text = None
    if parse_text:
        sample = "\n".join(p.read_text(errors="replace") for p in sorted(Path("tests/parsers/samples").glob("*")))
        big = (sample + "\n") * max(1, 1_000_000 // max(1, len(sample)))
        timed(f"parse_text on {len(big) // 1024} KiB of pasted samples", lambda: parse_text(big), 3)
        netsetup = "NetpLsaOpenSecret: status: 0xc0000034\nerror 5\n" * 108_695  # issue 11 case 3: was quadratic
        timed(f"parse_text on a {len(netsetup) / 1e6:.1f} MB netsetup-like paste", lambda: parse_text(netsetup), 1)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, metavar="N", help="runs per process row (default 7)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    os.chdir(ROOT)  # children and tests/parsers/samples are found from the repository root
    env = child_env()
    bench_startup(args.repeat, env)
    bench_first_frame(args.repeat, env)
    bench_core()
    print(f"\nmax RSS of this bench process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB"
          " (child processes: peak RSS column above)")


if __name__ == "__main__":
    main()
