"""The flow data model: sources, citations, causes, symptoms, nodes. Built by the loader, read by the walk."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wizard import WizardError
from wizard.engine.catalog import CATALOG
from wizard.engine.results import COMMON_OUTCOMES

NO_FAULT_FOUND = "no-fault-found"  # the cause a walk reaches when every check passed
NO_FAULT_CAUSES = frozenset({NO_FAULT_FOUND, "no-fault-found-rpc"})  # the same for the RPC flows outside AD


class FlowError(WizardError):
    """Flow data is broken. The message names the file and the node (or cause); `problems` lists them all."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{self.problems[0]}{more}")


@dataclass(frozen=True)
class Source:
    id: str
    file: str  # file name in the seeds directory
    title: str
    kb: str | None = None  # Knowledge Base article id, where the document gives one
    assetid: str | None = None  # ms.assetid from the document's front matter


@dataclass(frozen=True)
class Citation:
    source: str  # a Source id
    section: str  # the heading the quote sits under
    quote: str  # word for word from the document (whitespace normalised)

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "section": self.section, "quote": self.quote}


@dataclass(frozen=True)
class Cause:
    id: str
    title: str
    explanation: str
    citations: tuple[Citation, ...]
    fixes: tuple[str, ...]  # in order; shown numbered
    commands: tuple[str, ...] = ()  # Windows command templates with {placeholders}
    note: str | None = None  # where the documents disagree, said in plain words
    rpc_step: int | None = None  # the step of the 7-step RPC workflow (document 000) where the call broke

    @property
    def is_fault(self) -> bool:
        return self.id not in NO_FAULT_CAUSES


@dataclass(frozen=True)
class ErrorCode:
    decimal: int  # signed, as Windows logs it (-2146893022)
    hex: str  # "0x6d9", "0x80090322"
    symbol: str = ""  # EPT_S_NOT_REGISTERED
    text: str = ""  # the friendly message

    @property
    def unsigned(self) -> int:
        return self.decimal & 0xFFFFFFFF


@dataclass(frozen=True)
class Preset:
    """What words a person searches with say about the context: "WMI" -> the interface is wmi."""

    words: tuple[str, ...]  # lower case; a phrase matches as whole words ("event viewer")
    context: dict[str, str]

    def said_in(self, text: str) -> bool:
        typed = f" {' '.join(re.split(r'[^a-z0-9-]+', text.lower()))} "
        return any(f" {word} " in typed for word in self.words)


@dataclass(frozen=True)
class Appearance:
    where: str  # "dcdiag", "repadmin /showrepl", "event 1925 (NTDS KCC)", "netsetup.log"
    example: str  # what the person sees there
    preset: Preset | None = None  # WMI: the words "wmi", "wbemtest"... -> {"interface": "wmi"}


@dataclass(frozen=True)
class Symptom:
    id: str
    title: str
    summary: str
    codes: tuple[ErrorCode, ...]
    messages: tuple[str, ...]
    seen_in: tuple[Appearance, ...]
    context: dict[str, str]  # context field -> its role here ("target": "the source DC ...")
    start: str
    citations: tuple[Citation, ...] = ()


    def preset_for(self, text: str) -> dict[str, str]:
        """The context the words a person searched for imply ("WMI" -> interface wmi), from the presets of
        the places this symptom is seen; none when no preset's words are there, or presets disagree."""
        found = [a.preset.context for a in self.seen_in if a.preset and a.preset.said_in(text)]
        return dict(found[0]) if found and all(c == found[0] for c in found) else {}


@dataclass(frozen=True)
class Transition:
    """Where an outcome leads: exactly one of a next node or a cause; in a segment also an exit, which the
    loader replaces with what the entering tree wires to it (a composed flow has no exits left)."""

    next: str | None = None
    cause: str | None = None
    exit: str | None = None


@dataclass(frozen=True)
class Node:
    id: str
    question: str  # plain words for helpdesk staff
    why: str
    probe: str
    params: dict[str, object]  # probe parameter -> template, literal or list
    commands: tuple[str, ...]  # the Windows equivalents, as templates
    outcomes: dict[str, Transition]
    ask: str  # what to ask the person when the probe cannot run
    unchecked: str | None = None  # said when the probe skips the check: what stays open, how to check by hand
    segment: str | None = None  # the shared segment (flows/segments/<id>.yaml) the node comes from

    @property
    def allowed_outcomes(self) -> tuple[str, ...]:
        """Everything the probe may answer here (its own outcomes, then error/skipped)."""
        return CATALOG[self.probe].outcomes + COMMON_OUTCOMES


@dataclass(frozen=True)
class SegmentLink:
    """Nodes of a segment that a tree checks or leaves out together; `passes` is where the chain goes on
    when the tree leaves them out (the next link's entry, or an exit)."""

    name: str
    nodes: tuple[str, ...]  # the entry first
    passes: Transition


@dataclass(frozen=True)
class Segment:
    """A chain of checks written once (flows/segments/) and entered by several trees."""

    id: str
    summary: str
    roles: dict[str, str]  # role -> what the entering tree names with it; texts say ((role)) or ((Role))
    links: dict[str, SegmentLink]  # in chain order
    exits: dict[str, str]  # exit -> what it means; each tree wires the ones its links can reach
    nodes: dict[str, Node]  # as written: outcomes may lead to exits, texts still hold ((role)) markers
    file: str = ""

    def link_of(self, node_id: str) -> SegmentLink:
        return next(link for link in self.links.values() if node_id in link.nodes)


@dataclass(frozen=True)
class Entry:
    """How a tree enters a segment: the links it checks, its words for the roles, where each exit goes."""

    segment: str
    links: tuple[str, ...]
    roles: dict[str, str]
    exits: dict[str, Transition]
    fixed: dict[str, str] = field(default_factory=dict)  # check parameters fixed by the tree ("interface": DRS)


@dataclass(frozen=True)
class Flow:
    symptom: Symptom
    nodes: dict[str, Node]  # composed: the segment's nodes the tree checks first, then its own, in file order
    causes: dict[str, Cause]  # every cause of the flow set (shared), so a walk needs only the flow
    file: str = ""
    entry: Entry | None = None  # the segment the tree enters, if any

    @property
    def start(self) -> Node:
        return self.nodes[self.symptom.start]


@dataclass
class FlowSet:
    sources: dict[str, Source]
    causes: dict[str, Cause]
    symptoms: dict[str, Symptom]
    flows: dict[str, Flow] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)

    def flow(self, symptom_id: str) -> Flow:
        try:
            return self.flows[symptom_id]
        except KeyError:
            raise WizardError(f"unknown symptom {symptom_id!r}; known: {', '.join(self.flows)}") from None

    def find_symptoms(self, text: str) -> list[Symptom]:
        """Symptoms for an id, an error code (1753, 0x6D9, -2146893022, 2148074274) or a message fragment."""
        key = " ".join(str(text).split()).lower()
        if key in self.symptoms:
            return [self.symptoms[key]]
        number = parse_code(key)
        if number is not None:
            return [s for s in self.symptoms.values() if any(c.unsigned == number for c in s.codes)]
        if len(key) < 6:  # too short to mean anything as a message fragment
            return []
        return [s for s in self.symptoms.values() if any(key in " ".join(m.split()).lower() for m in s.messages)]

    def symptom(self, text: str) -> Symptom:
        """The one symptom meant by an id or a code; unknown or ambiguous is a WizardError listing the choices."""
        found = self.find_symptoms(text)
        if not found:
            raise WizardError(f"unknown symptom {text!r}: see `rpc-wizard flows list`")
        if len(found) > 1:
            raise WizardError(f"{text!r} matches several symptoms, choose one id: {', '.join(s.id for s in found)}")
        return found[0]

    def search(self, text: str) -> list[Symptom]:
        """Symptoms matching what a person types: exact ids and codes first, then every word found in the
        id, title, summary, messages, codes or where the error is seen ("replicate now", "join", "principal")."""
        exact = self.find_symptoms(text) if text.strip() else []
        words = str(text).lower().split()
        loose = [s for s in self.symptoms.values() if all(w in _haystack(s) for w in words)]
        return list({s.id: s for s in exact + loose}.values())


def _haystack(symptom: Symptom) -> str:
    codes = [f"{c.decimal} {c.hex} {c.unsigned} {c.symbol} {c.text}" for c in symptom.codes]
    seen = [f"{a.where} {a.example}" for a in symptom.seen_in]
    return " ".join([symptom.id, symptom.title, symptom.summary, *symptom.messages, *codes, *seen]).lower()


def parse_code(text: str) -> int | None:
    """An error code as an unsigned 32-bit number: "1753", "0x6d9", "-2146893022" -> int; else None."""
    text = text.strip().lower()
    try:
        value = int(text, 16) if text.startswith(("0x", "-0x")) else int(text, 10)
    except ValueError:
        return None
    if not -(2**31) <= value <= 0xFFFFFFFF:
        return None
    return value & 0xFFFFFFFF
