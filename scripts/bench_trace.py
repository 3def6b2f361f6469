"""Bench row of issue 16: `rpc-wizard trace` on a 1 GB capture built from lab traffic, side by side with
`tshark -r FILE -Y "dcerpc || dns || kerberos || tcp.flags.syn==1"` in the same run.

The file is the lab captures of tests/traces/captures/ (DC1's eth0, every fault) written again and again,
DC1's address changed in each round (10.R.R.10) so that every round is new connections, DNS answers and
calls, until it holds 1 GB. Goal: at most 0.5x tshark's time, peak memory at most 100 MiB.

Alone: .venv/bin/python scripts/bench_trace.py [--repeat N] [--size-mb MB]; bench.py calls bench_trace().
tshark (apt-get install tshark) is for this bench only; without it the row says so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAPTURES = ROOT / "tests" / "traces" / "captures"
DC1 = bytes([198, 51, 100, 10])
FILTER = "dcerpc || dns || kerberos || tcp.flags.syn==1"


def _records(path: Path) -> bytes:
    """The packet records of a little-endian microsecond pcap (its 24-byte header dropped)."""
    data = path.read_bytes()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4 and struct.unpack("<I", data[20:24])[0] == 1, path
    return data[24:]


def build(path: Path, size: int) -> int:
    """A pcap of about `size` bytes from the lab's eth0 captures; returns the number of rounds."""
    template = b"".join(_records(p) for p in sorted(CAPTURES.glob("*-dc1-eth0.pcap")))
    offsets, at = [], 0  # where each record's seconds field sits: each round is two minutes later
    while at + 16 <= len(template):
        offsets.append(at)
        at += 16 + struct.unpack_from("<I", template, at + 8)[0]
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
    rounds = 0
    with path.open("wb") as fh:
        fh.write(header)
        written = len(header)
        while written < size:
            rounds += 1
            fresh = bytearray(template.replace(DC1, bytes([10, (rounds >> 8) & 255, rounds & 255, 10])))
            for at in offsets:
                struct.pack_into("<I", fresh, at, struct.unpack_from("<I", fresh, at)[0] + 120 * rounds)
            fh.write(fresh)
            written += len(fresh)
    return rounds


def run(argv: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, the last line of output) of one whole process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0, os.SEEK_END)
        size = out.tell()
        out.seek(max(0, size - 400))
        tail = out.read().decode(errors="replace").strip().splitlines()
    return elapsed, usage.ru_maxrss / 1024, (tail[-1] if tail else f"exit {os.waitstatus_to_exitcode(status)}")


def bench_trace(repeat: int = 3, size_mb: int = 1024) -> None:
    print(f"\n== trace: a {size_mb} MB capture of lab traffic, rpc-wizard trace against tshark's display filter ==")
    tshark = shutil.which("tshark")
    with tempfile.TemporaryDirectory(prefix="rpcw-bench-trace-") as tmp:
        path = Path(tmp) / "lab-1g.pcap"
        t0 = time.perf_counter()
        rounds = build(path, size_mb * 1024 * 1024)
        print(f"built {path.stat().st_size / 2**20:.0f} MiB ({rounds} rounds of the lab captures) "
              f"in {time.perf_counter() - t0:.0f} s")
        wizard = [sys.executable, "-m", "wizard", "trace", str(path), "--format", "json"]
        rows = {"rpc-wizard trace": wizard}
        if tshark:
            rows["tshark -Y ..."] = [tshark, "-r", str(path), "-Y", FILTER]
        else:
            print("tshark is not installed (apt-get install tshark): no side-by-side row")
        results: dict[str, list[tuple[float, float, str]]] = {name: [] for name in rows}
        for _ in range(repeat):  # round-robin, so that drift hits both alike
            for name, argv in rows.items():
                results[name].append(run(argv))
    print(f"{'what':<20} {'median s':>9} {'peak MiB':>9}")
    medians = {}
    for name, runs in results.items():
        times = sorted(r[0] for r in runs)
        medians[name] = times[len(times) // 2]
        print(f"{name:<20} {medians[name]:9.1f} {max(r[1] for r in runs):9.1f}")
    peak = max(r[1] for r in results["rpc-wizard trace"])
    if "tshark -Y ..." in medians:
        ratio = medians["rpc-wizard trace"] / medians["tshark -Y ..."]
        print(f"ratio {ratio:.2f}x tshark (goal <= 0.5x): {'met' if ratio <= 0.5 else 'NOT met'}")
    print(f"peak {peak:.0f} MiB (goal <= 100 MiB): {'met' if peak <= 100 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    os.chdir(ROOT)
    bench_trace(args.repeat, args.size_mb)


if __name__ == "__main__":
    main()
