"""The lab rows of scripts/bench.py: rpc-wizard against the tools people use (issue 10), as whole
processes in the practice lab's client namespace (198.51.100.0/24; no traffic leaves the lab).

`check epm_lookup` against impacket's rpcdump.py on a healthy DC and on one that drops TCP 135 (fault
epm-blocked), `diagnose` against the manual chain (DNS query, NetBIOS node status, rpcdump.py), and a
32-DC sweep (fault many-dcs) against one DC that drops packets, with the sweep's peak memory. Skipped,
with one line saying why, unless the lab is up, healthy and this runs as root. Each fault is applied
only for its own rows and always healed (try/finally). A section of another module that needs the lab
takes it from `lab_or_skip(bench, title)`.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_frame import Run, run_captured
from bench_rows import PY, Bench, Row, _max, measure, print_table, ratio_verdict, verdict

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


def lab_or_skip(bench: Bench, title: str) -> Lab | None:
    """The lab, or None after printing the title and why it is skipped."""
    try:
        return find_lab(bench.env)
    except LabUnavailable as why:
        print(f"\n{title}: skipped, {why}")
        return None


def bench_lab(bench: Bench) -> None:
    title = "Against the tools people use (issue 10), in the lab's client namespace"
    lab = lab_or_skip(bench, title)
    if lab is None:
        return
    print(f"\n{title}: whole processes, `ip netns exec {lab.prefix[-1]} ...`, rpc-wizard --timeout "
          f"{LAB_TIMEOUT:g}")
    bench_lab_healthy(lab, bench.repeat)
    bench_lab_epm_blocked(lab, bench.repeat)
    bench_lab_many_dcs(lab, bench.repeat)


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
    print_table(f"Endpoint list of healthy DC1 ({repeat} interleaved runs, ratio to rpcdump.py)", rows[:2])
    ratio_verdict(f"check epm_lookup <= {EPM_GOAL_RATIO}x rpcdump.py", check, rpcdump, EPM_GOAL_RATIO)
    print_table(f"Diagnosis of healthy DC2 as source ({repeat} interleaved runs, ratio to the manual chain)",
                rows[2:])
    ratio_verdict(f"diagnose <= {DIAGNOSE_GOAL_RATIO}x the manual chain", diagnose, chain, DIAGNOSE_GOAL_RATIO)


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
    times = [r.seconds for r in check.runs] if not check.error else []
    shown = f"{min(times):.2f}-{max(times):.2f} s over {len(times)} runs" if times else ""
    if shown and rpcdump.median:
        shown += f"; rpcdump.py {rpcdump.median:.1f} s"
    verdict(f"check epm_lookup on a dropping DC <= timeout + {BLOCKED_GOAL_SLACK:g} s = {limit:g} s in every run",
            max(times) if times else None, limit, shown, why_not or check.error)


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
        print_table(f"Sweep under fault many-dcs: 32 DCs, 20 dropping packets ({repeat} interleaved runs, "
                    "ratio to one DC)",
                    rows)
    if why_not:
        print(f"  goal 32-DC sweep <= {SWEEP_GOAL_RATIO:g}x one DC: NOT MEASURED ({why_not})")
    else:
        ratio_verdict(f"32-DC sweep <= {SWEEP_GOAL_RATIO:g}x one DC", sweep, one, SWEEP_GOAL_RATIO)
    how = "GNU time %M of the warm-up run, VmHWM polled in the timed runs" \
        if shutil.which("time", path="/usr/bin:/bin") else "VmHWM polled every 50 ms"
    peak = f"{sweep.rss_kib / 1024:.1f} MiB ({how})" if sweep.rss_kib else f"NOT MEASURED ({why_not or sweep.error})"
    print(f"  peak memory of the 32-DC sweep: {peak}")
