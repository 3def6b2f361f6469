"""The machinery of scripts/bench.py that every section shares: a row (one way to run a process), rows
measured interleaved, tables with the ratio of every run, and goals judged on every run.

A section is a function `section(bench: Bench) -> None` that builds its rows, measures them and prints
its table and verdicts; bench.py lists the sections (a module of its own is one line there). Example:

    def bench_parse(bench: Bench) -> None:
        rows = [plain_row("python -c pass", [PY, "-c", "pass"], bench.env),
                plain_row("rpc-wizard parse big.txt", [PY, "-m", "wizard", "parse", "big.txt"], bench.env)]
        measure(rows, bench.repeat)
        print_table("Parsing a 5 MB paste", rows)
        ratio_verdict("parse <= 20x python -c pass", rows[1], rows[0], 20.0)

Interleaved: round 1 runs A then B, round 2 A then B, ... so that a machine that gets busier or calmer
during the bench moves every row alike, and each run of B has a run of A beside it. A ratio goal is
judged on each such pair, not on the medians: "<= 0.8x in every run".
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench_frame import COLUMNS, LINES, Run, first_frame, peak_rss_plain, run_plain

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable  # the venv's python: every row starts the same interpreter


@dataclass
class Bench:
    """What every section gets: runs per row, and the environment of the processes it starts."""

    repeat: int
    env: dict[str, str]


@dataclass
class Row:
    """One line of a comparison table: a way to run the process once, and what its runs gave."""

    label: str
    run: Callable[[], Run]
    warm_up: Callable[[], int | None]  # one untimed run (caches, .pyc); returns peak RSS in KiB if it knows it
    runs: list[Run] = field(default_factory=list)
    rss_kib: int | None = None
    error: str | None = None
    note: str | None = None  # printed under the row: what the process listed, found, or how it was run
    once: bool = False  # run in the first round only (a row that waits 30 s is not run N times)

    @property
    def median(self) -> float | None:
        return None if self.error or not self.runs else statistics.median(r.seconds for r in self.runs)


def ratios(row: Row, base: Row) -> list[float]:
    """Each run of `row` over the run of `base` in the same round."""
    if row.error or base.error:
        return []
    return [r.seconds / b.seconds for r, b in zip(row.runs, base.runs) if b.seconds > 0]


def cpu_ratios(row: Row, base: Row) -> list[float]:
    """As ratios(), by the CPU time each child used (first-frame rows): hardly moved by other load."""
    if row.error or base.error:
        return []
    return [r.cpu / b.cpu for r, b in zip(row.runs, base.runs) if r.cpu and b.cpu]


def span(values: Sequence[float], unit: str = "x") -> str:
    return f"{min(values):.2f}-{max(values):.2f}{unit}" if values else "n/a"


def child_env() -> dict[str, str]:
    # no Textual devtools or drivers; and no PYTHONDONTWRITEBYTECODE, so that the warm-up run writes the .pyc
    # files a user's machine has (without them every timed run recompiles whatever source changed since)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES)}


def plain_row(label: str, argv: Sequence[str], env: dict[str, str]) -> Row:
    """A whole process, output to /dev/null, timed to its exit."""
    return Row(label, lambda: run_plain(argv, env), lambda: peak_rss_plain(argv, env))


def frame_row(label: str, argv: Sequence[str], markers: Sequence[str], env: dict[str, str]) -> Row:
    """A TUI in a pseudo-terminal, timed to its first frame (the first output showing one of markers)."""
    def warm_up() -> int | None:
        first = first_frame(argv, markers, env)
        if first.error:  # a row that fails once is not retried N times at up to 20 s each
            raise RuntimeError(first.error)
        return first.rss_kib
    return Row(label, lambda: first_frame(argv, markers, env), warm_up)


def measure(rows: list[Row], repeat: int) -> None:
    """Warm every row up, then run them interleaved (A B A B ...); a row stops at its first failure."""
    for row in rows:
        try:
            row.rss_kib = row.warm_up()
        except RuntimeError as exc:
            row.error = str(exc)
    for round_ in range(repeat):
        for row in (r for r in rows if not r.error and (round_ == 0 or not r.once)):
            result = row.run()
            if result.error:
                row.error = result.error
            else:
                row.runs.append(result)
                row.rss_kib = _max(row.rss_kib, result.rss_kib)


def _max(a: int | None, b: int | None) -> int | None:
    return max((x for x in (a, b) if x is not None), default=None)


def print_table(title: str, rows: list[Row]) -> None:
    """Median time of each row; its ratio to the first row, as the median and the range over the runs."""
    base = rows[0]
    width = max(56, *(len(row.label) for row in rows))
    print(f"\n{title}\n  {'':<{width}} {'median':>9} {'ratio':>7} {'ratio range':>12} {'min-max':>13} {'peak RSS':>10}")
    for row in rows:
        if row.median is None:
            print(f"  {row.label:<{width}} FAILED: {row.error}")
        else:
            secs = [r.seconds for r in row.runs]
            each = ratios(row, base) if row is not base else []
            ratio = f"{statistics.median(each):6.2f}x" if each else ("  1.00x" if row is base else "    n/a")
            rss = f"{row.rss_kib / 1024:6.1f} MiB" if row.rss_kib else "       n/a"
            spread = f"{min(secs) * 1000:.0f}-{max(secs) * 1000:.0f} ms"
            print(f"  {row.label:<{width}} {row.median * 1000:6.0f} ms {ratio} {span(each) if each else '':>12} "
                  f"{spread:>13} {rss}")
        if row.note:
            print(f"      {row.note}")


def verdict(goal: str, value: float | None, limit: float, shown: str, why_not: str | None) -> None:
    """One goal on one number (a median, a time)."""
    if value is None:
        print(f"  goal {goal}: NOT MEASURED ({why_not})")
    else:
        print(f"  goal {goal}: {'met' if value <= limit else 'MISSED'} ({shown})")


def ratio_verdict(goal: str, row: Row, base: Row, limit: float) -> list[float]:
    """A ratio goal judged on every run: met only if each run of `row` is within `limit` x its paired
    run of `base`. Returns the ratios."""
    each = ratios(row, base)
    if not each:
        print(f"  goal {goal}: NOT MEASURED ({row.error or base.error or 'no runs'})")
        return each
    over = sum(r > limit for r in each)
    said = "met in every run" if not over else f"MISSED in {over} of {len(each)} runs"
    print(f"  goal {goal}: {said} ({span(each)} over {len(each)} interleaved runs, median "
          f"{statistics.median(each):.2f}x)")
    return each


def timed(label: str, fn: Callable[[], object], repeat: int) -> None:
    """Time `repeat` calls in this process as they run, then one more under tracemalloc for its peak
    (tracemalloc slows Python code several times over, so it never runs while the clock does)."""
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    per_call = (time.perf_counter() - started) / repeat
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:<44} {per_call * 1000:9.3f} ms/call   peak {peak / 1024:8.1f} KiB   (x{repeat})")
