"""Speed and memory of the pure core, measured here rather than by timed tests.

Usage: .venv/bin/python scripts/bench.py   (no network beyond 127.0.0.1)
"""

from __future__ import annotations

import resource
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from wizard.engine import Walk, load_flows
from wizard.engine.results import ProbeResult
from wizard.probes.base import Session
from wizard.probes.run import run_probe

HEALTHY = {"dest-guid": "found", "cname": "matches-target", "host": "resolved", "identity": "match",
           "epm": "registered", "dynamic-port": "listening", "ntds-guid": "match", "port-config": "default"}


def timed(label: str, fn: Callable[[], object], repeat: int) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    per_call = (time.perf_counter() - started) / repeat
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<44} {per_call * 1000:9.3f} ms/call   peak {peak / 1024:8.1f} KiB   (x{repeat})")


def walk_healthy(flows) -> None:
    walk = Walk(flows.flow("ad-replication-1753"), {"target": "dc2.lab.example", "dest": "dc1.lab.example"})
    while not walk.done:
        walk.record(ProbeResult(walk.pending().probe, HEALTHY[walk.node.id], "bench", facts={"endpoint_port": 49153}))


def main() -> None:
    flows = load_flows()
    timed("load and validate flows/", load_flows, 20)
    timed("walk ad-replication-1753 to no-fault-found", lambda: walk_healthy(flows), 500)
    session = Session(timeout=1.0)
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
    del session
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
