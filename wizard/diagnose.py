"""Drive a flow with live probes, answers and pastes: the API the CLI and the TUI share.

The engine decides what runs next (`Walk.pending()`, pure); `execute` does the I/O of one check with
the probe runner passed in, so a caller (a test, the TUI's worker) can give its own. The probes, and
with them impacket and dnspython, load only when the first live check runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from wizard import WizardError
from wizard.engine.catalog import CATALOG, DRS_UUID
from wizard.engine.names import check_address, check_guid, check_host, is_valid_address
from wizard.engine.params import PARAM_CHECKS
from wizard.engine.results import ProbeResult
from wizard.files import read_regular
from wizard.probes.session import Session

if TYPE_CHECKING:  # the walk's model loads with the first walk: `check` runs one probe and needs none of it
    from wizard.engine import FlowSet, Walk
    from wizard.engine.trail import Trail
    from wizard.engine.walk import Answer, ProbeCall

# run_probe's signature: (probe name, parameters, session) -> result; it never raises
Runner = Callable[[str, dict[str, Any], Session], ProbeResult]
# evidence seen elsewhere (a trace of the failing computer): the node's answer, or None when it does not show
Observed = Callable[["ProbeCall"], "Answer | None"]


def start(symptom: str, context: Mapping[str, object], flows: FlowSet | None = None) -> Walk:
    """A walk of the symptom's flow, at its first node. `symptom` is an id or an error code."""
    from wizard.engine.walk import Walk

    if flows is None:
        from wizard.engine.loader import load_flows

        flows = load_flows()
    return Walk(flows.flow(flows.symptom(symptom).id), walk_context(context))


def walk_context(context: Mapping[str, object]) -> dict[str, object]:
    """What a walk starts from: the given values without blanks, DRS as the interface unless one is given."""
    return {"interface": DRS_UUID, **{k: v for k, v in context.items() if v not in (None, "", [])}}


# inputs checked by the engine's parameter rules as they are: the interface becomes its UUID (a pasted
# endpoint list is compared by UUID), the proxy a checked host name, the dynamic range `low-high`
CHECKED_AS_GIVEN = ("interface", "proxy", "dynamic_range")


def checked_context(given: Mapping[str, object], flag: str = "") -> tuple[dict[str, object], list[str]]:
    """What a person gave (target, dest, forest, guid, dns_servers, hosts_file, interface, proxy, dynamic_range),
    checked with the engine's
    own rules and completed: the forest from the target's domain, NetBIOS-style DC names qualified with
    it. Returns the context and notes on what was assumed; a WizardError names the first bad value
    (as `--target` when `flag` is "--", as `target` otherwise)."""
    context = {k: v for k, v in given.items() if v not in (None, "", [])}
    notes = _complete_names(context, flag)
    for key in CHECKED_AS_GIVEN:  # given empty on purpose is a mistake too: there is no default to fall back on
        if given.get(key) is not None:
            context[key] = PARAM_CHECKS[key](str(given[key]), flag + key.replace("_", "-"))
    if context.get("guid"):
        context["guid"] = check_guid(str(context["guid"]))
    servers = context.get("dns_servers") or []
    servers = servers.replace(",", " ").split() if isinstance(servers, str) else servers
    context["dns_servers"] = [check_address(str(s), flag + "dns-server") for s in servers] or None
    if context.get("hosts_file"):
        try:  # a regular file we may read: a FIFO given here would hold the dns_host check forever
            read_regular(str(context["hosts_file"]), 0)
        except WizardError as exc:
            raise WizardError(f"{flag}hosts-file: {exc}") from None
    return context, notes


def _complete_names(context: dict[str, object], flag: str) -> list[str]:
    """Check target, dest and forest; take the forest from the target's domain and qualify NetBIOS-style
    DC names with it (dcdiag and repadmin print those). Addresses stay as given (IPv6 has no dot either)."""
    notes: list[str] = []
    for key in ("target", "dest", "forest"):
        if context.get(key):
            context[key] = check_host(str(context[key]), flag + key)
    target = str(context.get("target") or "")
    if not context.get("forest") and "." in target and not is_valid_address(target):
        context["forest"] = target.split(".", 1)[1]  # right unless the DC is in a child domain
    for key in ("target", "dest"):
        name = str(context.get(key) or "")
        if name and "." not in name and not is_valid_address(name) and context.get("forest"):
            context[key] = f"{name}.{context['forest']}"
            notes.append(f"{key} {name} taken as {context[key]} (give {flag}{key} to override)")
    return notes


def live_runner() -> Runner:
    from wizard.probes.run import run_probe  # impacket and dnspython load here, not at start-up

    return run_probe


def execute(call: ProbeCall, session: Session, runner: Runner | None = None) -> ProbeResult:
    """Run one pending check (I/O). The runner never raises: trouble comes back as an outcome."""
    return (runner or live_runner())(call.probe, dict(call.params), session)


def paste_answer(call: ProbeCall, text: str) -> Answer:
    """Pasted output of the node's command as its answer, checked against what the node asked about
    (its filled-in parameters: the host expected, the ports asked, ...), not anything else in the walk."""
    from wizard.engine.walk import Answer
    from wizard.parsers import answer_from_paste

    answered = answer_from_paste(call.probe, text, call.params)
    if answered is None:
        raise WizardError(f"the text pasted for node {call.node!r} does not answer its check ({call.probe}"
                          f"{_about(call)})")
    outcome, evidence, summary = answered
    facts = {k: evidence[k] for k in CATALOG[call.probe].facts if k in evidence}  # later nodes need them
    return Answer(outcome, "paste", evidence, facts, summary)


def _about(call: ProbeCall) -> str:
    shown = {k: v for k, v in call.params.items() if v not in (None, "", []) and k != "interface"}
    words = {k: ",".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in shown.items()}
    return ": " + ", ".join(f"{k}={v}" for k, v in words.items()) if shown else ""


def step(walk: Walk | Trail, session: Session, answers: Mapping[str, str] | None = None,
         pastes: Mapping[str, str] | None = None, runner: Runner | None = None,
         observed: Observed | None = None, compare: bool = True) -> None:
    """Answer the current node: the person's answer first, then pasted output, then what a trace observed
    (checked against a live check from here when `compare`), else its live probe."""
    from wizard.engine.walk import Answer

    call = walk.pending()
    if call is None:
        return
    answers, pastes = answers or {}, pastes or {}
    seen = observed(call) if observed and call.node not in answers and call.node not in pastes else None
    if call.node in answers:
        walk.apply(Answer(answers[call.node]))
    elif call.node in pastes:
        walk.apply(paste_answer(call, pastes[call.node]))
    elif seen is not None:
        walk.apply(against_live(seen, call, session, runner) if compare else seen)
    else:
        walk.record(execute(call, session, runner))


def against_live(seen: Answer, call: ProbeCall, session: Session, runner: Runner | None = None) -> Answer:
    """The observed answer, with the live check from here beside it: where they disagree the step says so,
    and the observation (the failing computer's own view) wins."""
    from wizard.engine.walk import Answer

    live = execute(call, session, runner)
    if live.outcome in (seen.outcome, "error", "skipped"):
        return seen
    summary = (f"{seen.summary} A live check from here says {live.outcome} ({live.summary.rstrip('.')}); "
               f"the {seen.source} from the failing computer wins.")
    evidence = {**seen.evidence, "live": {"outcome": live.outcome, "summary": live.summary}}
    return Answer(seen.outcome, seen.source, evidence, seen.facts, summary)


def run(walk: Walk | Trail, session: Session, answers: Mapping[str, str] | None = None,
        pastes: Mapping[str, str] | None = None, on_step: Callable[[Walk], None] | None = None,
        runner: Runner | None = None, observed: Observed | None = None, compare: bool = True) -> Walk:
    """Step until the walk reaches a cause or ends inconclusive."""
    for _ in range(100):  # flows are validated acyclic; this only bounds a broken one
        if walk.done:
            break
        step(walk, session, answers, pastes, runner, observed, compare)
        if on_step:
            on_step(walk)
    return walk
