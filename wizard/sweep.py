"""Every DC of a forest at once: find them (DC locator SRV records; signed in, the directory's NTDS
Settings objects too), then run the 1753 tree against each as the source DC, all in parallel with
one shared connect cache, so a forest of dead hosts costs about one timeout per batch.

A DC with a finding gets the cause the 1753 tree names for that evidence: same engine, same
citations. Forest-level findings (a DC the directory knows but DNS does not, or the reverse) cite
document 000 through the causes that explain them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from wizard import diagnose
from wizard.diagnose import Runner
from wizard.engine import FlowSet, Walk
from wizard.engine.catalog import AD_WELL_KNOWN
from wizard.engine.results import ProbeResult
from wizard.engine.trail import Trail
from wizard.engine.walk import ProbeCall
from wizard.exitcodes import EXIT_CAUSE, EXIT_OK, EXIT_UNSURE
from wizard.probes.session import Session

SYMPTOM = "ad-replication-1753"
# Measured on the 502-DC forest-500 lab (scripts/bench_forest.py, 2-core machine, --timeout 3): 16 took
# 106 s (28 batches of dropping DCs, a timeout each), 64 took 43 s, 128 38 s at 108 MiB peak, 256 42 s (more
# threads, no fewer timeouts: the CPU is the limit by then)
DEFAULT_CONCURRENCY = 128
CONCURRENCY_WHY = ("measured on a 500-DC forest, 450 dropping packets: 128 was fastest (16: 2.8x slower, 256: "
                   "no faster: the CPU limits it by then), at about 110 MiB")
# the sweep's columns: a heading and the 1753 tree's node that fills it
COLUMNS = (("alias", "cname"), ("A/AAAA", "host"), ("who answers", "identity"), ("EPM: DRS", "epm"),
           ("DRS port", "dynamic-port"))


@dataclass
class DcResult:
    fqdn: str
    guid: str | None
    trail: Trail
    ports: ProbeResult | None = None  # the AD well-known ports in portqry's three states
    inbound: ProbeResult | None = None  # signed in: the DC's own record of its inbound partners (repl_status)

    @property
    def walk(self) -> Walk:
        return self.trail.walk

    @property
    def name(self) -> str:
        return self.fqdn.split(".")[0].upper()

    @property
    def address(self) -> str | None:
        value = self.walk.context.get("address")
        return str(value) if value else None

    def outcome(self, node: str) -> str:
        """The outcome of one column's node: `-` where the walk never got there."""
        return next((s.outcome for s in self.walk.steps if s.node == node), "-")


@dataclass
class SweepResult:
    forest: str
    dcs: list[DcResult] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    discovery: list[ProbeResult] = field(default_factory=list)

    def exit_code(self) -> int:
        """0 every DC healthy, 1 a cause found for at least one DC (or the forest), 2 some DC could not be
        checked (or no DC was found at all)."""
        if any(dc.walk.cause is not None and dc.walk.cause.is_fault for dc in self.dcs) or self.findings:
            return EXIT_CAUSE
        if not self.dcs or any(dc.walk.cause is None for dc in self.dcs):
            return EXIT_UNSURE
        return EXIT_OK


def _call(probe: str, **params: Any) -> ProbeCall:
    return ProbeCall("sweep", probe, params, "")


def sweep(forest: str, dns_servers: list[str] | None, session: Session, flows: FlowSet,
          concurrency: int = DEFAULT_CONCURRENCY, runner: Runner | None = None,
          on_done: Callable[[DcResult], None] | None = None) -> SweepResult:
    """Find the forest's DCs and diagnose each; `on_done` hears of each DC as it finishes (any thread)."""
    result = SweepResult(forest)
    located = diagnose.execute(_call("dc_locator", forest=forest, dns_servers=dns_servers), session, runner)
    result.discovery.append(located)
    fqdns = list(located.facts.get("dcs") or [])
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = [pool.submit(check_dc, fqdn, forest, dns_servers, session, flows, runner) for fqdn in fqdns]
        for future in as_completed(futures):
            done = future.result()
            result.dcs.append(done)
            if on_done:
                on_done(done)
    result.dcs.sort(key=lambda dc: fqdns.index(dc.fqdn))
    result.findings = _directory_findings(result, dns_servers, session, flows, runner)
    return result


def check_dc(fqdn: str, forest: str, dns_servers: list[str] | None, session: Session, flows: FlowSet,
             runner: Runner | None = None) -> DcResult:
    """One DC as the source of a failing replication: the 1753 tree to the end, and its AD ports.

    The slow checks of a DC (its own GUID over LDAP, who answers at its address, the AD ports) start
    together as soon as its address is known, so that a DC that drops packets costs one timeout, not
    one per check; the walk then finds them answered."""
    runner = runner or diagnose.live_runner()
    lookup = {"host": fqdn, "dns_servers": dns_servers}
    resolved = runner("dns_host", lookup, session)
    address, addresses = resolved.facts.get("address"), resolved.facts.get("addresses")
    ahead = {"dc_guid": {"host": fqdn, "dns_servers": dns_servers}}
    if address:
        ahead["identity"] = {"address": address, "expected": fqdn, "addresses": addresses}
        ahead["tcp_ports"] = {"address": address, "ports": list(AD_WELL_KNOWN)}
    with ThreadPoolExecutor(max_workers=len(ahead)) as pool:
        futures = {probe: pool.submit(runner, probe, params, session) for probe, params in ahead.items()}
    done = {probe: future.result() for probe, future in futures.items()}
    guid = done["dc_guid"].facts.get("guid")
    context = diagnose.walk_context({"target": fqdn, "forest": forest, "dns_servers": dns_servers, "guid": guid})
    trail = Trail(flows.flow(SYMPTOM), context)
    known = {("dns_host", _key(lookup)): resolved}
    if "identity" in done:
        known[("identity", _key(ahead["identity"]))] = done["identity"]
    diagnose.run(trail, session, runner=Prefetched(runner, known))
    # signed in, what the DC records of its inbound partners; after the walk, whose identity check decides
    # where the password may go (a DC that drops packets is known dead by then: no second timeout)
    inbound = runner("repl_status", {"host": fqdn, "address": address}, session) if session.credentials else None
    return DcResult(fqdn, guid, trail, done.get("tcp_ports"), inbound)


def _key(params: dict[str, Any]) -> str:
    return repr(sorted((k, v) for k, v in params.items() if v is not None))


class Prefetched:
    """A runner that answers a check already run with the same parameters from its result, and runs
    any other: the walk takes the prefetched checks of its DC as they came back."""

    def __init__(self, runner: Runner, known: dict[tuple[str, str], ProbeResult]) -> None:
        self.runner, self.known = runner, known

    def __call__(self, probe: str, params: dict[str, Any], session: Session) -> ProbeResult:
        return self.known.pop((probe, _key(params)), None) or self.runner(probe, params, session)


def _directory_findings(result: SweepResult, dns_servers: list[str] | None, session: Session, flows: FlowSet,
                        runner: Runner | None) -> list[dict[str, Any]]:
    """Signed in: DCs the directory lists that DNS does not name, and the reverse (read from a DC whose
    identity was verified, so the credentials go only to a DC known to be one)."""
    if session.credentials is None:
        return []
    verified = next((dc for dc in result.dcs if dc.outcome("identity") == "match" and dc.address), None)
    if verified is None:
        return []
    listed = diagnose.execute(_call("ntds_list", address=verified.address, forest=result.forest), session, runner)
    result.discovery.append(listed)
    directory = {dc["fqdn"]: dc for dc in listed.facts.get("directory_dcs") or [] if dc.get("fqdn")}
    in_dns = {dc.fqdn for dc in result.dcs}
    findings = [_finding("stale-ntds-settings", fqdn, f"{fqdn} has an NTDS Settings object (objectGUID "
                         f"{entry['guid']}) but no DC locator record in DNS: stale metadata, or a DC that "
                         "never registered.", flows) for fqdn, entry in sorted(directory.items()) if fqdn not in in_dns]
    findings += [_finding("leftover-dc-registration", fqdn, f"DNS names {fqdn} as a DC, but the directory has no "
                          "NTDS Settings object for it: a leftover DC locator record.", flows)
                 for fqdn in sorted(in_dns - set(directory))] if directory else []
    return findings


def _finding(cause_id: str, fqdn: str, detail: str, flows: FlowSet) -> dict[str, Any]:
    cause = flows.causes[cause_id]
    return {"cause": cause_id, "title": cause.title, "dc": fqdn, "detail": detail,
            "citations": [c.to_dict() for c in cause.citations]}
