"""How slow this machine is right now, for the few tests that bound wall time.

A test bounds time only where the bound is a product promise (README, "What rpc-wizard promises": a
check ends within three times --timeout; a dropped host costs about one timeout; a paste is read in
time linear in its size). The promise itself is the product's; what a test adds on top of it is slack
for the machine: threads waking late, the last page being decoded, Python starting. That slack is
not a constant: on a 2-core machine shared with a CPU-bound process (CI, other engineers' test runs)
the same work takes several times longer. So the slack is scaled by `slowness()`: a small CPU-bound
workload, timed here against what it takes on an idle machine of the project's kind. Work done in the
test's own thread (a parser) is bounded by its CPU time instead (`time.thread_time()`), which other
load does not inflate.

The same goes for the --timeout a test gives the servers it talks to (the lab's Samba, loopback
servers run by the test process itself): a server starved of CPU answers late, and a timeout that
holds on an idle machine does not hold there. `busy_timeout` scales it (within limits); what a test
then asserts about time stays relative to that timeout, as the product's promises are.
"""

from __future__ import annotations

import statistics
import time

IDLE_S = 0.02  # the workload below on an idle core of the project's 2-core machine (thread CPU time there)
RUNS = 5
FRESH_S = 15.0  # a measurement older than this is taken again: the machine's load changes during a run
MAX_SLOWNESS = 20.0  # beyond this the machine is not busy but stuck; a bound that wide would test nothing
MAX_TIMEOUT_SCALE = 4.0  # a test's --timeout grows at most this much (a dropped packet costs a whole one)

_measured: tuple[float, float] | None = None  # (when, slowness)


def _workload() -> int:
    table = {}
    for i in range(60_000):
        table[str(i)] = i * 2
    return sum(len(key) for key in table)


def measure() -> float:
    """The workload's median wall time over a few runs, relative to an idle machine (1.0 at best)."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        _workload()
        times.append(time.perf_counter() - started)
    return min(MAX_SLOWNESS, max(1.0, statistics.median(times) / IDLE_S))


def slowness() -> float:
    """How many times slower than an idle machine this one runs now (measured again after FRESH_S)."""
    global _measured
    now = time.monotonic()
    if _measured is None or now - _measured[0] > FRESH_S:
        _measured = (now, measure())
    return _measured[1]


def slack(seconds: float) -> float:
    """`seconds` of slack on an idle machine, scaled to this one's measured speed."""
    return seconds * slowness()


def busy_timeout(seconds: float) -> float:
    """A --timeout for a test against real servers: `seconds` on an idle machine, up to MAX_TIMEOUT_SCALE
    times that on a busy one, so that a server slowed down by the load still answers within it."""
    return round(seconds * min(MAX_TIMEOUT_SCALE, slowness()), 1)
