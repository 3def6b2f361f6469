"""Issue 19: how fast `parse` reads a big paste of mixed real samples, side by side with `grep -c` over the
same file (the floor: one pass that reads every byte and matches one word), and its peak memory.

Called from scripts/bench.py; alone: .venv/bin/python scripts/bench_parse.py [--repeat N] [--mb M]
The paste is every sample in tests/parsers/samples (posted outputs and lab captures), repeated to M MB.
Rows: `grep -c -i error FILE`, `rpc-wizard parse FILE --format json` (a whole process, start-up included) and
parse_text in this process (wall clock and CPU time: on a busy shared machine the CPU figure is the steadier
one). Peak memory is the peak of Python allocations during one more parse_text (tracemalloc),
over the paste as Python holds it (sys.getsizeof: 1, 2 or 4 bytes a character, as the text needs; the paste
itself, allocated before, is not counted).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from wizard.parsers import parse_text  # noqa: E402 - after the path, as the bench runs from scripts/

SAMPLES = ROOT / "tests" / "parsers" / "samples"
GOAL_MB_S = 10.0
GOAL_MEMORY = 3.0  # peak allocations over the paste's size


def mixed_paste(megabytes: float) -> str:
    """Every sample once (its source line dropped), then the whole set again until the size is reached."""
    parts = []
    for path in sorted(SAMPLES.iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        parts.append(text.partition("\n")[2] if path.name.startswith("posted_") else text)
    one = "\n".join(parts) + "\n"
    return one * max(1, int(megabytes * 1e6 / len(one)))


def timed_process(argv: list[str], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=600)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def timed_call(text: str, repeat: int) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of parse_text(text)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        parse_text(text)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def peak_ratio(text: str) -> float:
    tracemalloc.start()
    parse_text(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / sys.getsizeof(text)  # the paste as Python holds it (1, 2 or 4 bytes a character)


def run(repeat: int = 3, megabytes: float = 5.0) -> None:
    text = mixed_paste(megabytes)
    size = len(text.encode("utf-8")) / 1e6
    print(f"\nparse of {size:.1f} MB of mixed real samples (issue 19), median of {repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mixed.txt"
        path.write_text(text, encoding="utf-8")
        grep = timed_process(["grep", "-c", "-i", "error", str(path)], repeat)
        process = timed_process([sys.executable, "-m", "wizard", "parse", str(path), "--format", "json"], repeat)
    wall, cpu = timed_call(text, repeat)
    ratio = peak_ratio(text)
    rows = [("grep -c -i error FILE (the floor)", grep, None), ("rpc-wizard parse FILE (process)", process, None),
            ("parse_text in this process, wall clock", wall, None), ("parse_text in this process, CPU time", cpu, None)]
    for label, seconds, _ in rows:
        print(f"  {label:<44} {seconds:8.3f} s  {size / seconds:8.2f} MB/s  {seconds / grep:8.1f}x grep")
    print(f"  goal >= {GOAL_MB_S:g} MB/s (parse_text, CPU time): {'met' if size / cpu >= GOAL_MB_S else 'NOT MET'}"
          f" ({size / cpu:.2f} MB/s); load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"  peak memory of parse_text: {ratio:.2f}x the paste (goal <= {GOAL_MEMORY:g}x): "
          f"{'met' if ratio <= GOAL_MEMORY else 'NOT MET'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, metavar="N")
    parser.add_argument("--mb", type=float, default=5.0, metavar="M", help="size of the paste in MB (default 5)")
    args = parser.parse_args()
    run(max(1, args.repeat), args.mb)
