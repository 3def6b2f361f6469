"""The 500-DC rows of scripts/bench.py (issue 17): under lab fault forest-500 (500 DNS-only DCs: 450 dropping
packets, 25 refusing, 25 answering as MEMBER1), side by side in one run:
  - `sweep` of the 502-DC forest against one dropping DC (`diagnose --target fake001`): goal <= 3x, peak
    memory <= 150 MiB;
  - `replication` (signed in) over the same forest, bounded likewise;
  - the sweep at several --concurrency values, once each: the measurement its default comes from.
Run as bench.py's section `forest`: `.venv/bin/python scripts/bench.py forest` (as root, with the lab up).
"""

from __future__ import annotations

from collections.abc import Sequence

from bench_lab import (
    LAB_TIMEOUT,
    SWEEP_GOAL_RATIO,
    Lab,
    _json,
    diagnosis_text_found,
    lab_or_skip,
    lab_row,
    sweep_found,
    with_fault,
)
from bench_rows import Bench, measure, print_table, verdict

FOREST_RUN_TIMEOUT = 600.0  # seconds one 500-DC run may take before its row fails
PEAK_GOAL_MIB = 150
CONCURRENCIES = (16, 64, 128, 256)


def _replication_found(text: str) -> str:
    try:
        data = _json(text)
    except ValueError as exc:
        return f"? pairs ({exc})"
    return f"{len(data.get('pairs') or [])} pairs read, {len(data.get('unreadable') or [])} DCs unreadable"


def _rows(lab: Lab, concurrency: Sequence[str] = ()) -> tuple:
    one = lab_row(lab, "one DC: rpc-wizard diagnose --target fake001 (drops packets)",
                  lab.wizard("diagnose", "--symptom", "ad-replication-1753", "--target", f"fake001.{lab.forest}",
                             "--dns-server", lab.dns_server, "--timeout", f"{LAB_TIMEOUT:g}"),
                  diagnosis_text_found, ok_codes=(0, 1, 2))
    sweep = lab_row(lab, f"rpc-wizard sweep --forest {lab.forest} (502 DCs) --format json {' '.join(concurrency)}",
                    lab.wizard("sweep", "--forest", lab.forest, "--dns-server", lab.dns_server, "--timeout",
                               f"{LAB_TIMEOUT:g}", "--format", "json", *concurrency), sweep_found, ok_codes=(0, 1, 2),
                    timeout=FOREST_RUN_TIMEOUT)
    replication = lab_row(lab, f"rpc-wizard replication --forest {lab.forest} --user ... --format json",
                          lab.wizard("replication", "--forest", lab.forest, "--dns-server", lab.dns_server,
                                     "--user", _admin()[0], "--timeout", f"{LAB_TIMEOUT:g}", "--format", "json",
                                     *concurrency),
                          _replication_found, ok_codes=(0, 1, 2), timeout=FOREST_RUN_TIMEOUT)
    return one, sweep, replication


def _admin() -> tuple[str, str]:
    from wizard.lab.topology import ADMIN_PASSWORD, ADMIN_USER
    return ADMIN_USER, ADMIN_PASSWORD


def _concurrency_rows(lab: Lab) -> list:
    return [lab_row(lab, f"sweep --concurrency {n}",
                    lab.wizard("sweep", "--forest", lab.forest, "--dns-server", lab.dns_server, "--timeout",
                               f"{LAB_TIMEOUT:g}", "--format", "json", "--concurrency", str(n)),
                    sweep_found, ok_codes=(0, 1, 2), timeout=FOREST_RUN_TIMEOUT, once=True) for n in CONCURRENCIES]


def bench_forest(bench: Bench) -> None:
    title = "500 DCs (issue 17): fault forest-500, in the lab's client namespace"
    lab = lab_or_skip(bench, title)
    if lab is not None:
        print(f"\n{title}: whole processes, rpc-wizard --timeout {LAB_TIMEOUT:g}")
        bench_forest_500(lab, min(bench.repeat, 3))  # a 500-DC run takes half a minute or more


def bench_forest_500(lab: Lab, repeat: int) -> None:
    lab.env = lab.env | {"RPC_WIZARD_PASSWORD": _admin()[1]}  # the replication row signs in; never on argv
    one, sweep, replication = _rows(lab)
    by_concurrency = _concurrency_rows(lab)
    rows = [one, sweep, replication]

    def body() -> None:
        measure(rows, repeat)
        measure(by_concurrency, 1)

    why_not = with_fault(lab, "forest-500", body)
    if not why_not:
        print_table(f"Under fault forest-500: 502 DCs, 450 dropping packets (median of {repeat}, ratio to one DC)",
                    rows)
        print_table("The sweep at each --concurrency (one run each, ratio to the first)", by_concurrency)
    for row, what in ((sweep, "500-DC sweep"), (replication, "500-DC replication")):
        ratio = row.median / one.median if row.median and one.median else None
        verdict(f"{what} <= {SWEEP_GOAL_RATIO:g}x one DC", ratio, SWEEP_GOAL_RATIO, f"{ratio:.2f}x" if ratio else "",
                why_not or row.error or one.error)
        peak = row.rss_kib / 1024 if row.rss_kib else None
        verdict(f"{what} peak memory <= {PEAK_GOAL_MIB} MiB", peak, PEAK_GOAL_MIB, f"{peak:.1f} MiB" if peak else "",
                why_not or row.error)
