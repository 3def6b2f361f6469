"""Every DC's replication status, as the DCs record it, and the diagnosis each failing pair opens.

Discovery is the sweep's (DC locator SRV records on each DNS server). Each DC is then read signed in
(wizard.probes.replication: repsFrom over LDAP), all in parallel with one session, so its connect cache
makes a forest of dead hosts cost about one timeout per batch. A failing pair opens the tree its code
leads to (parsers.symptoms.REPLICATION_RESULTS) with target = the source, dest = the destination, the
forest and the GUID the destination uses filled in; `diagnose_failing` runs those trees in parallel, each
distinct (symptom, source, destination, GUID) once.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from wizard import WizardError, diagnose
from wizard.diagnose import Runner
from wizard.engine import FlowSet
from wizard.engine.results import ProbeResult
from wizard.engine.trail import Trail
from wizard.parsers.replication import Pair, Status
from wizard.probes.session import Session
from wizard.sweep import DEFAULT_CONCURRENCY, _call

READ = ("healthy", "failing")


@dataclass
class PairDiagnosis:
    pairs: list[Pair]  # every naming context of one source and destination failing the same way
    trail: Trail | None  # None when the pair opens no tree or names a DC that cannot be checked
    note: str = ""  # why there is no trail


@dataclass
class Replication:
    status: Status
    dns_servers: list[str] | None = None
    discovery: list[ProbeResult] = field(default_factory=list)
    reads: dict[str, ProbeResult] = field(default_factory=dict)  # per DC, the repl_status read
    diagnoses: list[PairDiagnosis] = field(default_factory=list)

    def exit_code(self) -> int:
        return self.status.exit_code()


def replication(forest: str, dns_servers: list[str] | None, session: Session, concurrency: int = DEFAULT_CONCURRENCY,
                runner: Runner | None = None, on_done: Callable[[str, ProbeResult], None] | None = None) -> Replication:
    """Find the forest's DCs and read each one's inbound partners; `on_done` hears of each DC (any thread)."""
    runner = runner or diagnose.live_runner()
    run = Replication(Status(forest), dns_servers)
    located = diagnose.execute(_call("dc_locator", forest=forest, dns_servers=dns_servers), session, runner)
    run.discovery.append(located)
    fqdns = list(located.facts.get("dcs") or [])
    if not fqdns:
        run.status.unreadable.append({"dc": forest, "why": located.summary})
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = {pool.submit(read_dc, fqdn, dns_servers, session, runner): fqdn for fqdn in fqdns}
        for future in as_completed(futures):
            run.reads[futures[future]] = future.result()
            if on_done:
                on_done(futures[future], run.reads[futures[future]])
    for fqdn in fqdns:  # the forest's order, whatever order the reads finished in
        _add(run.status, fqdn, run.reads[fqdn])
    return run


def read_dc(fqdn: str, dns_servers: list[str] | None, session: Session, runner: Runner) -> ProbeResult:
    """One DC's inbound partners: its address first (DNS as the sweep asks it), then the signed-in read."""
    resolved = runner("dns_host", {"host": fqdn, "dns_servers": dns_servers}, session)
    return runner("repl_status", {"host": fqdn, "address": resolved.facts.get("address")}, session)


def _add(status: Status, fqdn: str, read: ProbeResult) -> None:
    if read.outcome not in READ:
        status.unreadable.append({"dc": fqdn, "why": read.summary})
        return
    for partner in read.facts.get("partners") or []:
        if "unreadable" in partner:
            status.unreadable.append({"dc": fqdn, "why": f"{partner['naming_context']}: {partner['unreadable']}"})
            continue
        source = partner.get("source") or ""
        status.pairs.append(Pair(fqdn, source or partner.get("address") or partner.get("source_guid", ""),
                                 partner["naming_context"], int(partner["last_result"]),
                                 partner.get("consecutive_failures"), partner.get("last_attempt"),
                                 partner.get("last_success"), partner.get("source_guid") or None,
                                 destination_fqdn=fqdn, source_fqdn=source))


def pair_context(pair: Pair, forest: str, dns_servers: list[str] | None) -> dict[str, object]:
    """What the pair's diagnosis starts from, checked as `diagnose` checks what a person types (a pasted
    NetBIOS name is qualified with the forest); a WizardError names a value that cannot be used."""
    given = {"target": pair.source_fqdn or pair.source, "dest": pair.destination_fqdn or pair.destination,
             "forest": forest or None, "guid": pair.source_guid, "dns_servers": dns_servers}
    if "*" in (given["target"], given["dest"]):
        raise WizardError("/replsum names one side only: run `repadmin /showrepl * /csv` for the pair")
    context, _ = diagnose.checked_context(given)
    return context


def pair_trail(pair: Pair, forest: str, dns_servers: list[str] | None, flows: FlowSet) -> Trail:
    """The pair's diagnosis at its first step (not run): the wizard's step screen walks it."""
    if not pair.symptom:
        raise WizardError(f"result {pair.last_result} opens no RPC tree ({pair.last_result_text})")
    return Trail(flows.flow(pair.symptom), diagnose.walk_context(pair_context(pair, forest, dns_servers)))


def diagnose_failing(status: Status, dns_servers: list[str] | None, session: Session, flows: FlowSet,
                     concurrency: int = DEFAULT_CONCURRENCY, runner: Runner | None = None) -> list[PairDiagnosis]:
    """Run the tree of every failing pair, in parallel with one session (one connect cache): each source,
    destination, GUID and code once, whatever number of naming contexts fail with it."""
    groups: dict[tuple[Any, ...], list[Pair]] = {}
    for pair in status.failing:
        key = (pair.symptom, (pair.source_fqdn or pair.source).lower(), pair.destination.lower(), pair.source_guid)
        groups.setdefault(key, []).append(pair)
    diagnoses = [_prepare(pairs, status.forest, dns_servers, flows) for pairs in groups.values()]
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for done in [pool.submit(diagnose.run, d.trail, session, runner=runner) for d in diagnoses if d.trail]:
            done.result()
    return diagnoses


def _prepare(pairs: list[Pair], forest: str, dns_servers: list[str] | None, flows: FlowSet) -> PairDiagnosis:
    try:
        return PairDiagnosis(pairs, pair_trail(pairs[0], forest, dns_servers, flows))
    except WizardError as exc:
        return PairDiagnosis(pairs, None, str(exc))
