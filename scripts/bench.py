"""Speed and memory of rpc-wizard, measured here rather than by timed tests.

Usage: .venv/bin/python scripts/bench.py [--repeat N] [SECTION ...]   (Linux; N runs per row, default 10)
Outside the lab, sends no traffic beyond loopback (tcp_ports against 127.0.0.1). With the practice lab
up and as root, the lab section sends traffic only inside the lab's namespaces (198.51.100.0/24).

Sections, all in one run so that the rows of a comparison share the machine's state:
  startup      `rpc-wizard --help` against `python -c pass` and against a bare import of dnspython +
               impacket (the libraries --help must not load);
  first_frame  time to the first frame of the TUI in a 100x30 pseudo-terminal, against a Textual hello world;
  core         the pure core in this process: flows load, a walk, tcp_ports on loopback, parse_text;
  parse        `rpc-wizard parse` of a big mixed paste against `grep -c`, and its peak memory (bench_parse.py);
  lab          against the tools people use (bench_lab.py): check epm_lookup vs rpcdump.py, diagnose vs
               the manual chain, a 32-DC sweep vs one DC.
The rows of a comparison run interleaved (A B A B ...), and a ratio goal is judged on every run against
the run beside it, not on medians (bench_rows.py). Absolute times depend on the machine; the README
quotes the ratios' range over the runs.

Adding a section: write `def bench_x(bench: Bench) -> None` in scripts/bench_x.py with bench_rows' helpers
(its docstring has an example) and add its one line to SECTIONS below: `"x": "bench_x:bench_x",`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import statistics
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from bench_frame import COLUMNS, HELLO_APP, LINES, SLOW_HELLO_APP
from bench_rows import (
    PY,
    ROOT,
    Bench,
    child_env,
    cpu_ratios,
    frame_row,
    measure,
    plain_row,
    print_table,
    ratio_verdict,
    span,
    timed,
    verdict,
)

from wizard.engine import Walk, load_flows
from wizard.engine.results import ProbeResult
from wizard.probes.run import run_probe
from wizard.probes.session import Session

RPC_WIZARD_SCRIPT = str(Path(PY).parent / "rpc-wizard")  # what a person runs (no runpy, unlike python -m)
HELP_GOAL_S = 0.15
FRAME_GOAL_RATIO = 1.3
# The start screen's heading. bench_frame matches it ignoring whitespace, so a gap drawn as a cursor
# move still matches; "What error" alone still matches if a narrow layout wraps the heading.
WIZARD_MARKERS = ("What error do you see?", "What error")

HEALTHY = {"dest-guid": "found", "cname": "matches-target", "host": "resolved", "identity": "match",
           "epm": "registered", "dynamic-port": "listening", "ntds-guid": "match", "port-config": "default",
           "client-protocols": "complete", "services": "defaults"}


# -- whole processes ---------------------------------------------------------------------------------


def bench_startup(bench: Bench) -> None:
    repeat, env = bench.repeat, bench.env
    rows = [plain_row("python -c pass", [PY, "-c", "pass"], env),
            plain_row('python -c "import dns.resolver, impacket.dcerpc.v5.epm"',
                      [PY, "-c", "import dns.resolver, impacket.dcerpc.v5.epm"], env),
            plain_row("rpc-wizard --help   (python -m wizard --help)", [PY, "-m", "wizard", "--help"], env)]
    measure(rows, repeat)
    print_table(f"Start-up, whole processes ({repeat} interleaved runs, ratio to python -c pass)", rows)
    help_s = rows[2].median
    verdict(f"rpc-wizard --help <= {HELP_GOAL_S} s", help_s, HELP_GOAL_S,
            f"{help_s:.3f} s" if help_s else "", rows[2].error)


def bench_first_frame(bench: Bench) -> None:
    repeat, env = bench.repeat, bench.env
    with tempfile.TemporaryDirectory(prefix="rpc-wizard-bench-") as tmp:
        hello, slow = Path(tmp, "hello.py"), Path(tmp, "slow_hello.py")
        hello.write_text(HELLO_APP)
        slow.write_text(SLOW_HELLO_APP)
        rows = [frame_row("textual hello world", [PY, str(hello)], ["Hello, world"], env),
                frame_row("rpc-wizard   (the installed command, no arguments)", [RPC_WIZARD_SCRIPT], WIZARD_MARKERS,
                          env),
                frame_row("hello world 0.5 s late in on_mount (harness check)", [PY, str(slow)], ["Hello, world"],
                          env)]
        measure(rows, repeat)
    print_table(f"Time to first frame in a {COLUMNS}x{LINES} pty ({repeat} interleaved runs, ratio to hello world)",
                rows)
    hello, wizard, slow = rows
    ratio_verdict(f"rpc-wizard <= {FRAME_GOAL_RATIO}x hello world", wizard, hello, FRAME_GOAL_RATIO)
    cpu = cpu_ratios(wizard, hello)
    if cpu:  # what the wall-time ratio would be on an idle machine, near enough
        print(f"  CPU time to the first frame, rpc-wizard / hello world: {span(cpu)} (median "
              f"{statistics.median(cpu):.2f}x; little moved by other load)")
    if hello.median and slow.median:  # the late app must read ~0.5 s slower, or the harness times the wrong thing
        print(f"  harness check: late hello - hello = {slow.median - hello.median:.2f} s (expect about 0.50 s)")


# -- the pure core, in this process ---------------------------------------------------------------------


def walk_healthy(flows) -> None:
    walk = Walk(flows.flow("ad-replication-1753"), {"target": "dc2.lab.example", "dest": "dc1.lab.example"})
    while not walk.done:
        walk.record(ProbeResult(walk.pending().probe, HEALTHY[walk.node.id], "bench", facts={"endpoint_port": 49153}))


def bench_core(bench: Bench) -> None:
    print("\nPure core, in this process (peak memory from one more call under tracemalloc)")
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


# -- the sections, in the order they run ------------------------------------------------------------------

Section = Callable[[Bench], None]
# a function here, or "module:function" for a section in a module of its own (imported when it runs)
SECTIONS: dict[str, Section | str] = {
    "startup": bench_startup,
    "first_frame": bench_first_frame,
    "core": bench_core,
    "parse": lambda bench: importlib.import_module("bench_parse").run(min(bench.repeat, 3)),  # issue 19: vs grep -c
    "lab": "bench_lab:bench_lab",
    "trace": lambda bench: importlib.import_module("bench_trace").bench_trace(min(bench.repeat, 3)),  # issue 16
    "forest": "bench_forest:bench_forest",  # issue 17: sweep and replication of 500 DCs against one
}


def section_function(where: Section | str) -> Section:
    if callable(where):
        return where
    module, function = where.split(":")
    return getattr(importlib.import_module(module), function)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, metavar="N", help="runs per row (default 10)")
    parser.add_argument("sections", nargs="*", metavar="SECTION", help=f"of {', '.join(SECTIONS)} (default all)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    unknown = [name for name in args.sections if name not in SECTIONS]
    if unknown:
        parser.error(f"no section {', '.join(unknown)}; there are {', '.join(SECTIONS)}")
    os.chdir(ROOT)  # children and tests/parsers/samples are found from the repository root
    bench = Bench(args.repeat, child_env())
    for name in args.sections or SECTIONS:
        section_function(SECTIONS[name])(bench)
    print(f"\nmax RSS of this bench process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB"
          " (child processes: peak RSS column above)")


if __name__ == "__main__":
    main()
