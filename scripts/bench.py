"""Speed and memory of rpc-wizard, measured here rather than by timed tests.

Usage: .venv/bin/python scripts/bench.py [--repeat N]     (Linux; N runs per process row, default 7)
Outside the lab, sends no traffic beyond loopback (tcp_ports against 127.0.0.1). With the practice lab
up and as root, part 4 sends traffic only inside the lab's namespaces (198.51.100.0/24).

Four parts, all in one run so that the rows of a comparison share the machine's state:
  1. start-up of whole processes: `rpc-wizard --help` against `python -c pass` and against a bare import
     of dnspython + impacket (the libraries --help must not load);
  2. time to the first frame of the TUI in a 100x30 pseudo-terminal, against a Textual hello world;
  3. the pure core in this process: flows load, a walk, tcp_ports on loopback, parse_text;
  4. against the tools people use (issue 10), in the lab's client namespace: `check epm_lookup` against
     impacket's rpcdump.py on a healthy DC and on one that drops TCP 135 (fault epm-blocked),
     `diagnose` against the manual chain (DNS query, NetBIOS node status, rpcdump.py), and a 32-DC
     sweep (fault many-dcs) against one DC that drops packets, with the sweep's peak memory. Skipped,
     with one line saying why, unless the lab is up, healthy and this runs as root. Each fault is
     applied only for its own rows and always healed (try/finally).
Process rows are the median of N runs, started round-robin so that drift hits every row alike. Absolute
times depend on the machine; the README quotes only the ratio column.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench_frame import (
    COLUMNS,
    HELLO_APP,
    LINES,
    SLOW_HELLO_APP,
    Run,
    first_frame,
    peak_rss_plain,
    run_captured,
    run_plain,
)

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
           "epm": "registered", "dynamic-port": "listening", "ntds-guid": "match", "port-config": "default",
           "client-protocols": "complete", "services": "defaults"}


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


# -- whole processes -----------------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    # no Textual devtools or drivers; and no PYTHONDONTWRITEBYTECODE, so that the warm-up run writes the .pyc
    # files a user's machine has (without them every timed run recompiles whatever source changed since)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k != "PYTHONDONTWRITEBYTECODE"}
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
    base = rows[0].median
    width = max(56, *(len(row.label) for row in rows))
    print(f"\n{title}\n  {'':<{width}} {'median':>9} {'ratio':>7} {'min-max':>13} {'peak RSS':>10}")
    for row in rows:
        if row.median is None:
            print(f"  {row.label:<{width}} FAILED: {row.error}")
        else:
            secs = [r.seconds for r in row.runs]
            ratio = f"{row.median / base:6.2f}x" if base else "    n/a"
            rss = f"{row.rss_kib / 1024:6.1f} MiB" if row.rss_kib else "       n/a"
            spread = f"{min(secs) * 1000:.0f}-{max(secs) * 1000:.0f} ms"
            print(f"  {row.label:<{width}} {row.median * 1000:6.0f} ms {ratio} {spread:>13} {rss}")
        if row.note:
            print(f"      {row.note}")


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
    """Time `repeat` calls as they run, then one more under tracemalloc for its peak (tracemalloc slows
    Python code several times over, so it never runs while the clock does)."""
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    per_call = (time.perf_counter() - started) / repeat
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:<44} {per_call * 1000:9.3f} ms/call   peak {peak / 1024:8.1f} KiB   (x{repeat})")


def walk_healthy(flows) -> None:
    walk = Walk(flows.flow("ad-replication-1753"), {"target": "dc2.lab.example", "dest": "dc1.lab.example"})
    while not walk.done:
        walk.record(ProbeResult(walk.pending().probe, HEALTHY[walk.node.id], "bench", facts={"endpoint_port": 49153}))


def bench_core() -> None:
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


# -- against the tools people use, in the practice lab (issue 10) ---------------------------------------

LAB_TIMEOUT = 3.0  # --timeout of every rpc-wizard row (its default), and the bound of the manual chain's steps
LAB_RUN_TIMEOUT = 60.0  # seconds any one lab process may take before it is killed and its row fails
SWEEP_RUN_TIMEOUT = 180.0
FAULT_TIMEOUT = 180.0  # `rpc-wizard lab fault NAME` / `lab heal`
EPM_GOAL_RATIO = 0.8
BLOCKED_GOAL_SLACK = 0.3  # rpc-wizard on a DC that drops TCP 135: at most its timeout plus this
DIAGNOSE_GOAL_RATIO = 1.0
SWEEP_GOAL_RATIO = 3.0
RPC_WIZARD = (PY, "-m", "wizard")
RPCDUMP = Path(PY).parent / "rpcdump.py"  # impacket's example script, installed next to the venv's python

DNS_QUERY = """\
import sys, dns.resolver
r = dns.resolver.Resolver(configure=False)
r.nameservers, r.lifetime = [sys.argv[2]], float(sys.argv[3])
print(sys.argv[1], "A", [a.address for a in r.resolve(sys.argv[1], "A")])
"""
NODE_STATUS = """\
import sys
from impacket.nmb import NetBIOS
names = NetBIOS().getnodestatus("*", sys.argv[1], timeout=float(sys.argv[2]))
print(sys.argv[1], "node status", sorted({n["NAME"].decode(errors="replace").strip() for n in names}))
"""


@dataclass
class Lab:
    """What the lab rows need: the client namespace prefix and the lab's names and addresses."""

    prefix: tuple[str, ...]  # ip netns exec <client namespace>: execs the command in place
    env: dict[str, str]
    forest: str
    dns_server: str
    dc1: str
    dc2: str
    dc2_fqdn: str
    dc1_fqdn: str

    def wizard(self, *args: str) -> list[str]:
        return [*RPC_WIZARD, *args]


class LabUnavailable(Exception):
    """Why the lab section cannot run (one line)."""


def lab_fault_now() -> str | None:
    from wizard.lab import state
    return (state.load() or {}).get("fault")


def find_lab(env: dict[str, str]) -> Lab:
    if not sys.platform.startswith("linux"):
        raise LabUnavailable(f"the lab needs Linux; this is {sys.platform}")
    if os.geteuid() != 0:
        raise LabUnavailable("the bench does not run as root (the lab's namespaces need root)")
    ip = shutil.which("ip", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if not ip:
        raise LabUnavailable("no `ip` command (iproute2) on this machine")
    if not RPCDUMP.is_file():
        raise LabUnavailable(f"impacket's rpcdump.py is not at {RPCDUMP}")
    try:
        from wizard.lab.status import problems
        from wizard.lab.topology import CLIENT_NS, DC1, DC2, FOREST
    except ImportError as exc:
        raise LabUnavailable(f"the lab code does not import: {exc}") from None
    trouble = problems()
    if trouble:
        raise LabUnavailable("the lab is not up (`rpc-wizard lab up` builds it)" if trouble == ["the lab is not up"]
                             else "the lab is not healthy: " + "; ".join(trouble))
    fault = lab_fault_now()
    if fault:
        raise LabUnavailable(f"lab fault {fault} is active (another user of the lab?); `rpc-wizard lab heal` first")
    lab_env = env | {"PATH": os.pathsep.join([str(Path(PY).parent), env.get("PATH", "")])}
    return Lab((ip, "netns", "exec", CLIENT_NS), lab_env, FOREST, DC1.address, DC1.address, DC2.address,
               DC2.fqdn, DC1.fqdn)


def _last_line(text: str) -> str:
    return next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "(no output)")


def lab_row(lab: Lab, label: str, argv: Sequence[str], describe: Callable[[str], str] | None = None,
            ok_codes: Sequence[int] = (0,), timeout: float = LAB_RUN_TIMEOUT, once: bool = False) -> Row:
    """A whole process in the client namespace; describe() turns its output into the row's note.

    The warm-up run goes under GNU time (exact peak RSS); timed runs poll VmHWM. A once-row has no
    warm-up and runs in the first round only.
    """
    def run(gnu_time: bool = False) -> Run:
        result = run_captured(argv, lab.env, timeout, ok_codes, lab.prefix, gnu_time)
        if result.error:
            result.error = f"{result.error}; last line: {_last_line(result.output)[:160]}"
        elif describe:
            row.note = describe(result.output)
        return result

    def warm_up() -> int | None:
        first = run(gnu_time=True)
        if first.error:
            raise RuntimeError(first.error)
        return first.rss_kib

    row = Row(label, run, (lambda: None) if once else warm_up, once=once)
    return row


def chain_row(lab: Lab, label: str, steps: Sequence[tuple[str, Sequence[str]]]) -> Row:
    """Several processes one after another, as a person runs them: the row's time is their sum."""
    times: dict[str, list[float]] = {name: [] for name, _ in steps}

    def run() -> Run:
        total, rss = 0.0, None
        for name, argv in steps:
            one = run_captured(argv, lab.env, LAB_RUN_TIMEOUT, (0,), lab.prefix)
            total += one.seconds
            rss = _max(rss, one.rss_kib)
            if one.error:
                return Run(total, rss, f"{name}: {one.error}; last line: {_last_line(one.output)[:160]}")
            times[name].append(one.seconds)
        row.note = "median per step: " + " + ".join(
            f"{name} {statistics.median(secs) * 1000:.0f} ms" for name, secs in times.items() if secs)
        return Run(total, rss)

    def warm_up() -> int | None:
        first = run()
        if first.error:
            raise RuntimeError(first.error)
        return first.rss_kib

    row = Row(label, run, warm_up)
    return row


def _json(text: str) -> dict:
    """The JSON document in a process's output (stderr shares the file, so skip anything before it)."""
    start = text.find("{")
    if start < 0:
        raise ValueError("no JSON in the output")
    return json.JSONDecoder().raw_decode(text[start:])[0]


def wizard_listed(text: str) -> str:
    try:
        data = _json(text)
        endpoints = (data.get("evidence") or {}).get("endpoints") or []
        return f"listed {len(endpoints)} endpoints (evidence.endpoints); outcome {data.get('outcome')}"
    except ValueError as exc:
        return f"listed ? ({exc})"


def rpcdump_listed(text: str) -> str:
    """How many bindings rpcdump.py printed (one indented line each), and why none if it says so."""
    bindings = sum(1 for line in text.splitlines() if line.startswith(" " * 10) and line.strip())
    errors = [line.strip()[4:] for line in text.splitlines() if line.startswith("[-]")]
    said = '; printed "No endpoints found."' if "No endpoints found" in text else ""
    if errors and "ept_s_not_registered" in errors[-1]:
        why = " (Samba ends the lookup with ept_s_not_registered; rpcdump.py drops the whole list)"
    else:
        why = f" after: {errors[-1][:100]}" if errors else ""
    return f"listed {bindings} endpoints{said}{why}"


def diagnosis_found(text: str) -> str:
    try:
        cause = _json(text).get("root_cause") or {}
        return f"root cause: {cause.get('id', 'none')}"
    except ValueError as exc:
        return f"root cause: ? ({exc})"


def diagnosis_text_found(text: str) -> str:
    line = next((line for line in text.splitlines() if line.startswith("Root cause:")), None)
    if line is None:
        return f"no root cause line; last line: {_last_line(text)[:100]}"
    return "root cause: " + (line.rsplit("(", 1)[-1].rstrip(")") if line.endswith(")") else line[12:80])


def sweep_found(text: str) -> str:
    try:
        data = _json(text)
    except ValueError as exc:
        return f"? DCs ({exc})"
    causes: dict[str, int] = {}
    for dc in data.get("dcs") or []:
        cause = (dc.get("root_cause") or {}).get("id", "inconclusive")
        causes[cause] = causes.get(cause, 0) + 1
    return f"{len(data.get('dcs') or [])} DCs: " + ", ".join(f"{n} {c}" for c, n in sorted(causes.items()))


def _lab_cmd(lab: Lab, *args: str) -> str | None:
    """Run `rpc-wizard lab ARGS` in the root namespace; None when it worked, else why not."""
    result = run_captured([*RPC_WIZARD, "lab", *args], lab.env, FAULT_TIMEOUT)
    return f"`rpc-wizard lab {' '.join(args)}`: {result.error}; {_last_line(result.output)[:160]}" \
        if result.error else None


def with_fault(lab: Lab, name: str, body: Callable[[], None]) -> str | None:
    """Apply fault `name`, run body, heal (always, also when applying failed half-way or body raised).

    Returns why the rows could not be measured, or None.
    """
    try:
        error = _lab_cmd(lab, "fault", name)
        if error:
            return error
        body()
        now = lab_fault_now()
        if now != name:
            print(f"  WARNING: the lab's fault changed to {now or 'none'} while these rows ran (another user of"
                  f" the lab?): the rows above may not show fault {name}")
        return None
    finally:
        healed = _lab_cmd(lab, "heal")
        if healed:
            print(f"  WARNING: could not heal fault {name}: {healed}. Run `rpc-wizard lab heal`.")


def bench_lab(repeat: int, env: dict[str, str]) -> None:
    title = "Against the tools people use (issue 10), in the lab's client namespace"
    try:
        lab = find_lab(env)
    except LabUnavailable as why:
        print(f"\n{title}: skipped, {why}")
        return
    print(f"\n{title}: whole processes, `ip netns exec {lab.prefix[-1]} ...`, rpc-wizard --timeout "
          f"{LAB_TIMEOUT:g}")
    bench_lab_healthy(lab, repeat)
    bench_lab_epm_blocked(lab, repeat)
    bench_lab_many_dcs(lab, repeat)
    __import__("bench_forest").bench_forest_500(lab, repeat)  # issue 17: 500 DCs (scripts/bench_forest.py)


def bench_lab_healthy(lab: Lab, repeat: int) -> None:
    rpcdump = lab_row(lab, f"rpcdump.py {lab.dc1}", [PY, str(RPCDUMP), lab.dc1], rpcdump_listed)
    check = lab_row(lab, f"rpc-wizard check epm_lookup address={lab.dc1} --format json",
                    lab.wizard("check", "epm_lookup", f"address={lab.dc1}", "--timeout", f"{LAB_TIMEOUT:g}",
                               "--format", "json"), wizard_listed)
    chain = chain_row(lab, f"manual chain on {lab.dc2}: DNS A query, NetBIOS node status, rpcdump.py", [
        ("DNS A (dnspython)", [PY, "-c", DNS_QUERY, lab.dc2_fqdn, lab.dns_server, f"{LAB_TIMEOUT:g}"]),
        ("node status (impacket nmb)", [PY, "-c", NODE_STATUS, lab.dc2, f"{LAB_TIMEOUT:g}"]),
        ("rpcdump.py", [PY, str(RPCDUMP), lab.dc2])])
    diagnose = lab_row(lab, "rpc-wizard diagnose ad-replication-1753 dc2 -> dc1 --format json",
                       lab.wizard("diagnose", "--symptom", "ad-replication-1753", "--target", lab.dc2_fqdn,
                                  "--dest", lab.dc1_fqdn, "--dns-server", lab.dns_server, "--timeout",
                                  f"{LAB_TIMEOUT:g}", "--format", "json"), diagnosis_found)
    rows = [rpcdump, check, chain, diagnose]
    measure(rows, repeat)
    if lab_fault_now():
        print(f"  WARNING: lab fault {lab_fault_now()} appeared while the healthy rows ran (another user of the lab?)")
    print_table(f"Endpoint list of healthy DC1 (median of {repeat}, ratio to rpcdump.py)", rows[:2])
    ratio = check.median / rpcdump.median if check.median and rpcdump.median else None
    verdict(f"check epm_lookup <= {EPM_GOAL_RATIO}x rpcdump.py", ratio, EPM_GOAL_RATIO,
            f"{ratio:.2f}x" if ratio else "", check.error or rpcdump.error)
    print_table(f"Diagnosis of healthy DC2 as source (median of {repeat}, ratio to the manual chain)", rows[2:])
    ratio = diagnose.median / chain.median if diagnose.median and chain.median else None
    verdict(f"diagnose <= {DIAGNOSE_GOAL_RATIO}x the manual chain", ratio, DIAGNOSE_GOAL_RATIO,
            f"{ratio:.2f}x" if ratio else "", diagnose.error or chain.error)


def bench_lab_epm_blocked(lab: Lab, repeat: int) -> None:
    rpcdump = lab_row(lab, f"rpcdump.py {lab.dc2}   (ONE run, not a median; killed at {LAB_RUN_TIMEOUT:.0f} s)",
                      [PY, str(RPCDUMP), lab.dc2], rpcdump_listed, ok_codes=(0, 1), once=True)
    check = lab_row(lab, f"rpc-wizard check epm_lookup address={lab.dc2} --timeout {LAB_TIMEOUT:g}",
                    lab.wizard("check", "epm_lookup", f"address={lab.dc2}", "--timeout", f"{LAB_TIMEOUT:g}",
                               "--format", "json"), wizard_listed, ok_codes=(0, 2))
    rows = [rpcdump, check]
    why_not = with_fault(lab, "epm-blocked", lambda: measure(rows, repeat))
    if not why_not:
        print_table(f"Endpoint list of DC2 under fault epm-blocked, TCP 135 dropped (rpc-wizard: median of {repeat};"
                    " ratio to rpcdump.py)", rows)
    limit = LAB_TIMEOUT + BLOCKED_GOAL_SLACK
    shown = ""
    if check.median:
        shown = f"{check.median:.2f} s" + (f"; rpcdump.py {rpcdump.median:.1f} s" if rpcdump.median else "")
    verdict(f"check epm_lookup on a dropping DC <= timeout + {BLOCKED_GOAL_SLACK:g} s = {limit:g} s",
            check.median, limit, shown, why_not or check.error)


def bench_lab_many_dcs(lab: Lab, repeat: int) -> None:
    fake = f"fake01.{lab.forest}"
    one = lab_row(lab, "one DC: rpc-wizard diagnose --target fake01 (drops packets; stands in for a one-DC sweep)",
                  lab.wizard("diagnose", "--symptom", "ad-replication-1753", "--target", fake, "--dns-server",
                             lab.dns_server, "--timeout", f"{LAB_TIMEOUT:g}"), diagnosis_text_found, ok_codes=(0, 1, 2))
    sweep = lab_row(lab, f"rpc-wizard sweep --forest {lab.forest} --timeout {LAB_TIMEOUT:g} --format json",
                    lab.wizard("sweep", "--forest", lab.forest, "--dns-server", lab.dns_server, "--timeout",
                               f"{LAB_TIMEOUT:g}", "--format", "json"), sweep_found, ok_codes=(0, 1, 2),
                    timeout=SWEEP_RUN_TIMEOUT)
    rows = [one, sweep]
    why_not = with_fault(lab, "many-dcs", lambda: measure(rows, repeat))
    if not why_not:
        print_table(f"Sweep under fault many-dcs: 32 DCs, 20 dropping packets (median of {repeat}, ratio to one DC)",
                    rows)
    ratio = sweep.median / one.median if sweep.median and one.median else None
    verdict(f"32-DC sweep <= {SWEEP_GOAL_RATIO:g}x one DC", ratio, SWEEP_GOAL_RATIO, f"{ratio:.2f}x" if ratio else "",
            why_not or sweep.error or one.error)
    how = "GNU time %M of the warm-up run, VmHWM polled in the timed runs" \
        if shutil.which("time", path="/usr/bin:/bin") else "VmHWM polled every 50 ms"
    peak = f"{sweep.rss_kib / 1024:.1f} MiB ({how})" if sweep.rss_kib else f"NOT MEASURED ({why_not or sweep.error})"
    print(f"  peak memory of the 32-DC sweep: {peak}")


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
    __import__("bench_parse").run(min(args.repeat, 3))  # issue 19: parse against grep -c, and its peak memory
    bench_lab(args.repeat, env)
    print(f"\nmax RSS of this bench process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB"
          " (child processes: peak RSS column above)")


if __name__ == "__main__":
    main()
