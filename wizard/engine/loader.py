"""Read flows/ (YAML) into the model and refuse broken data with errors that name the file and the node.

Layout: sources.yaml (id -> document), causes.yaml (id -> cause), segments/<segment-id>.yaml (a chain
of checks several trees enter), symptoms/<symptom-id>.yaml (one symptom, the segment it enters and its
own nodes). Structure errors stop at once; graph errors are collected so that `flows check` can list
them all. A tree that enters a segment is composed here into one plain flow (wizard/engine/segments.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from wizard import WizardError
from wizard.engine.catalog import CATALOG
from wizard.engine.commands import placeholders
from wizard.engine.model import (
    Appearance,
    Cause,
    Citation,
    Entry,
    ErrorCode,
    Flow,
    FlowError,
    FlowSet,
    Node,
    Preset,
    Segment,
    SegmentLink,
    Source,
    Symptom,
    Transition,
)
from wizard.engine.results import COMMON_OUTCOMES
from wizard.engine.segments import ROLE, compose, node_texts, segment_problems

# What {placeholders} may name: the inputs the person gives, plus every fact a probe can set.
CONTEXT_KEYS = frozenset(
    {"target", "dest", "forest", "guid", "dns_servers", "dns_server", "hosts_file", "address", "resolved_from",
     "answered_by", "endpoint_port", "cname_target", "ntds_guid", "interface", "proxy", "dynamic_range"}
    | {fact for spec in CATALOG.values() for fact in spec.facts}
)


def flows_dir() -> Path:
    """Where the flows live: wizard/flows inside an installed package, else <repo>/flows."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "flows", package.parent / "flows"):
        if (candidate / "sources.yaml").is_file():
            return candidate
    return package.parent / "flows"


def load_flows(directory: Path | None = None) -> FlowSet:
    """Load and validate every flow; raise FlowError naming the file and node of each problem."""
    root = Path(directory).resolve() if directory is not None else flows_dir()
    if not (root / "sources.yaml").is_file():
        raise FlowError(f"{root}: no sources.yaml here, not a flows directory")

    def label(path: Path) -> str:  # "flows/causes.yaml": short, and still says which tree
        return path.relative_to(root.parent).as_posix()

    sources = _parse_sources(label(root / "sources.yaml"), _read(root / "sources.yaml", label))
    causes = _parse_causes(label(root / "causes.yaml"), _read(root / "causes.yaml", label))
    segments: dict[str, Segment] = {}
    for path in sorted((root / "segments").glob("*.yaml")):
        segment = _parse_segment(label(path), _read(path, label))
        if path.stem != segment.id:
            raise FlowError(f"{label(path)}: file name must be the segment id {segment.id!r}")
        segments[segment.id] = segment
    problems = [p for s in segments.values() for p in segment_problems(s)]
    if problems:  # composing from a broken segment would only repeat its problems in every tree
        raise FlowError(problems)
    flows: dict[str, Flow] = {}
    for path in sorted((root / "symptoms").glob("*.yaml")):
        flow, composing = _parse_flow(label(path), _read(path, label), causes, segments)
        if path.stem != flow.symptom.id:
            raise FlowError(f"{label(path)}: file name must be the symptom id {flow.symptom.id!r}")
        flows[flow.symptom.id] = flow
        problems += composing
    flow_set = FlowSet(sources, causes, {i: f.symptom for i, f in flows.items()}, flows, segments)
    problems += _check_causes(label(root / "causes.yaml"), flow_set)
    entered = {f.entry.segment for f in flows.values() if f.entry}
    problems += [f"{s.file}: no tree enters segment {s.id!r}" for s in segments.values() if s.id not in entered]
    for flow in flows.values():
        problems += _check_flow(flow, flow_set)
    if problems:
        raise FlowError(list(dict.fromkeys(problems)))  # a segment node's problem shows once, not once per tree
    return flow_set


# --- reading -------------------------------------------------------------------------------------


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml parses ~5x faster
    """SafeLoader that refuses a key given twice (PyYAML would silently keep the last)."""


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"{key!r} is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def _read(path: Path, label) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise FlowError(f"{label(path)}: missing") from None
    except yaml.YAMLError as exc:
        raise FlowError(f"{label(path)}: not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise FlowError(f"{label(path)}: expected a mapping at the top level")
    return data


class _Fields:
    """Typed access to one YAML mapping; every error says where (file: what 'id')."""

    def __init__(self, where: str, data: Any, required: set[str], optional: set[str] = frozenset()):
        self.where = where
        if not isinstance(data, dict):
            raise FlowError(f"{where}: expected a mapping")
        unknown = set(data) - required - set(optional)
        missing = required - set(data)
        if unknown:
            raise FlowError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        if missing:
            raise FlowError(f"{where}: missing field(s) {', '.join(sorted(missing))}")
        self.data = data

    def text(self, key: str, optional: bool = False) -> str | None:
        """Non-empty text, folded onto one line; None when optional and absent."""
        if optional and self.data.get(key) is None:
            return None
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise FlowError(f"{self.where}: {key} must be non-empty text")
        return " ".join(value.split())

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise FlowError(f"{self.where}: {key} must be a list of texts")
        for i, v in enumerate(value, 1):
            if not isinstance(v, str) or not v.strip():  # often an unquoted "word: text" read as a mapping
                raise FlowError(f"{self.where}: {key} item {i} must be non-empty text (quote it if it has ': ')")
        return tuple(" ".join(v.split()) for v in value)

    def mapping(self, key: str) -> dict:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise FlowError(f"{self.where}: {key} must be a mapping")
        return value


def _parse_sources(file: str, data: dict) -> dict[str, Source]:
    sources = {}
    for sid, raw in data.items():
        f = _Fields(f"{file}: source {sid!r}", raw, {"file", "title"}, {"kb", "assetid"})
        kb = f.data.get("kb")
        sources[str(sid)] = Source(str(sid), f.text("file"), f.text("title"), str(kb) if kb is not None else None,
                                   f.text("assetid", optional=True))
    return sources


def _parse_citations(where: str, raw: Any) -> tuple[Citation, ...]:
    if not isinstance(raw, list):
        raise FlowError(f"{where}: citations must be a list")
    out = []
    for i, item in enumerate(raw, 1):
        f = _Fields(f"{where}: citation {i}", item, {"source", "section", "quote"})
        out.append(Citation(str(f.data["source"]), f.text("section"), f.text("quote")))
    return tuple(out)


def _parse_causes(file: str, data: dict) -> dict[str, Cause]:
    causes = {}
    for cid, raw in data.items():
        where = f"{file}: cause {cid!r}"
        f = _Fields(where, raw, {"title", "explanation", "citations", "fixes"}, {"commands", "note", "rpc_step"})
        step = f.data.get("rpc_step")
        if step is not None and (not isinstance(step, int) or isinstance(step, bool) or not 1 <= step <= 7):
            raise FlowError(f"{where}: rpc_step must be a step number 1-7 of the RPC workflow")
        causes[str(cid)] = Cause(
            id=str(cid),
            title=f.text("title"),
            explanation=f.text("explanation"),
            citations=_parse_citations(where, f.data["citations"]),
            fixes=f.texts("fixes"),
            commands=f.texts("commands"),
            note=f.text("note", optional=True),
            rpc_step=step,
        )
    return causes


def _parse_code(where: str, raw: Any) -> ErrorCode:
    f = _Fields(f"{where}: code", raw, {"decimal", "hex"}, {"symbol", "text"})
    decimal, hex_text = f.data["decimal"], f.data["hex"]
    if not isinstance(decimal, int) or not isinstance(hex_text, str):
        raise FlowError(f"{where}: code decimal must be a number and hex a quoted text like '0x6d9'")
    try:
        if int(hex_text, 16) != decimal & 0xFFFFFFFF:
            raise ValueError
    except ValueError:
        raise FlowError(f"{where}: code {decimal}: hex {hex_text!r} is not the same number") from None
    return ErrorCode(decimal, hex_text.lower(), f.text("symbol", optional=True) or "",
                     f.text("text", optional=True) or "")


def _parse_preset(where: str, data: object, context: dict[str, str]) -> Preset | None:
    """A preset fills fields of this symptom's form, with values they accept (an interface by its alias)."""
    from wizard.engine.interfaces import resolve_interface

    if data is None:
        return None
    f = _Fields(f"{where}: preset", data, {"words", "context"})
    words = tuple(w.lower() for w in f.texts("words"))
    if not words:
        raise FlowError(f"{f.where}: words must list at least one word")
    values = {}
    for key, value in f.mapping("context").items():
        if key not in context:
            raise FlowError(f"{f.where}: {key!r} is not in the symptom's context ({', '.join(context)})")
        if not isinstance(value, str) or not value.strip():
            raise FlowError(f"{f.where}: {key!r} must be non-empty text")
        if key == "interface":
            try:
                resolve_interface(value)
            except WizardError as exc:
                raise FlowError(f"{f.where}: {exc}") from None
        values[str(key)] = value.strip()
    if not values:
        raise FlowError(f"{f.where}: context must fill at least one field")
    return Preset(words, values)


def _parse_flow(file: str, data: dict, causes: dict[str, Cause],
                segments: dict[str, Segment]) -> tuple[Flow, list[str]]:
    sym = _Fields(f"{file}: symptom", data.get("symptom"), {"id", "title", "summary", "codes", "messages",
                                                           "seen_in", "context", "start"}, {"citations"})
    where = f"{file}: symptom {sym.data['id']!r}"
    codes = sym.data["codes"]
    if not isinstance(codes, list) or not codes:
        raise FlowError(f"{where}: codes must be a non-empty list")
    seen_in = sym.data["seen_in"]
    if not isinstance(seen_in, list):
        raise FlowError(f"{where}: seen_in must be a list")
    appearances = []
    context = {str(k): " ".join(str(v).split()) for k, v in sym.mapping("context").items()}
    unknown = set(context) - CONTEXT_KEYS
    if unknown:
        raise FlowError(f"{where}: context names unknown field(s) {', '.join(sorted(unknown))}")
    for item in seen_in:
        a = _Fields(f"{where}: seen_in", item, {"where", "example"}, {"preset"})
        appearances.append(Appearance(a.text("where"), a.text("example"),
                                      _parse_preset(f"{where}: seen_in {a.text('where')!r}", a.data.get("preset"),
                                                    context)))
    symptom = Symptom(
        id=sym.text("id"),
        title=sym.text("title"),
        summary=sym.text("summary"),
        codes=tuple(_parse_code(where, c) for c in codes),
        messages=sym.texts("messages"),
        seen_in=tuple(appearances),
        context=context,
        start=sym.text("start"),
        citations=_parse_citations(where, sym.data.get("citations", [])),
    )
    top = _Fields(file, data, {"symptom"}, {"nodes", "enter"})
    own = {str(nid): _parse_node(file, str(nid), raw) for nid, raw in top.mapping("nodes").items()}
    nodes: dict[str, Node] = {}
    problems: list[str] = []
    entry = _parse_entry(file, top.data["enter"], segments) if "enter" in top.data else None
    if entry is not None:
        segment = segments[entry.segment]
        nodes, problems = compose(segment, entry, file)
        problems += [f"{file}: node {nid!r}: the id is taken by segment {segment.id!r} (ids are a contract: "
                     "one node, one id)" for nid in own if nid in segment.nodes]
    if not own and not nodes:
        raise FlowError(f"{file}: no nodes")
    return Flow(symptom, {**nodes, **own}, causes, file, entry), problems


def _parse_entry(file: str, raw: Any, segments: dict[str, Segment]) -> Entry:
    where = f"{file}: enter"
    f = _Fields(where, raw, {"segment", "links", "exits"}, {"roles", "fixed"})
    name = f.text("segment")
    if name not in segments:
        raise FlowError(f"{where}: unknown segment {name!r} (known: {', '.join(segments) or 'none'})")
    links = f.data["links"]
    if not isinstance(links, list) or not links or not all(isinstance(x, str) for x in links):
        raise FlowError(f"{where}: links must be a non-empty list of link names "
                        f"({', '.join(segments[name].links)})")
    exits = {str(e): _transition(f"{where}: exit {e!r}", to, exits=False) for e, to in f.mapping("exits").items()}
    roles = {str(k): " ".join(str(v).split()) for k, v in f.mapping("roles").items()}
    fixed = {str(k): str(v) for k, v in f.mapping("fixed").items()}
    return Entry(name, tuple(links), roles, exits, fixed)


def _parse_segment(file: str, data: dict) -> Segment:
    top = _Fields(file, data, {"segment", "nodes"})
    head = _Fields(f"{file}: segment", top.data["segment"], {"id", "summary", "roles", "links", "exits"})
    where = f"{file}: segment {head.data['id']!r}"
    links = {}
    for name, raw in head.mapping("links").items():
        link = _Fields(f"{where}: link {name!r}", raw, {"nodes", "passes"})
        nodes = link.data["nodes"]
        if not isinstance(nodes, list) or not nodes:
            raise FlowError(f"{where}: link {name!r}: nodes must be a non-empty list (the entry first)")
        links[str(name)] = SegmentLink(str(name), tuple(map(str, nodes)),
                                       _transition(f"{where}: link {name!r}: passes", link.data["passes"]))
    nodes_raw = top.mapping("nodes")
    if not links or not nodes_raw:
        raise FlowError(f"{where}: a segment needs links and nodes")
    return Segment(
        id=head.text("id"),
        summary=head.text("summary"),
        roles={str(k): " ".join(str(v).split()) for k, v in head.mapping("roles").items()},
        links=links,
        exits={str(k): " ".join(str(v).split()) for k, v in head.mapping("exits").items()},
        nodes={str(nid): _parse_node(file, str(nid), raw, exits=True) for nid, raw in nodes_raw.items()},
        file=file,
    )


def _transition(where: str, raw: Any, exits: bool = True) -> Transition:
    keys = {"next", "cause", "exit"} if exits else {"next", "cause"}
    t = _Fields(where, raw, set(), keys)
    if len(t.data) != 1:
        raise FlowError(f"{where} must lead to exactly one of next: NODE or cause: CAUSE"
                        + (" or exit: EXIT" if exits else ""))
    return Transition(next=t.data.get("next"), cause=t.data.get("cause"), exit=t.data.get("exit"))


def _parse_node(file: str, nid: str, raw: Any, exits: bool = False) -> Node:
    """A node of a tree, or of a segment (`exits`: its outcomes may lead to the segment's exits)."""
    where = f"{file}: node {nid!r}"
    f = _Fields(where, raw, {"question", "why", "probe", "outcomes", "ask"}, {"params", "commands", "unchecked"})
    outcomes = {str(o): _transition(f"{where}: outcome {o!r}", to, exits) for o, to in f.mapping("outcomes").items()}
    return Node(
        id=nid,
        question=f.text("question"),
        why=f.text("why"),
        probe=f.text("probe"),
        params=dict(f.mapping("params")),
        commands=f.texts("commands"),
        outcomes=outcomes,
        ask=f.text("ask"),
        unchecked=f.text("unchecked", optional=True),
    )


# --- checking ------------------------------------------------------------------------------------


def _placeholder_problems(where: str, texts: list[Any]) -> list[str]:
    problems = []
    for text in texts:
        items = text if isinstance(text, list) else [text]
        for item in items:
            if isinstance(item, str):
                problems += [f"{where}: unknown placeholder {{{name}}}" for name in placeholders(item)
                             if name not in CONTEXT_KEYS]
    return problems


def _citation_problems(where: str, citations: tuple[Citation, ...], flows: FlowSet) -> list[str]:
    return [f"{where}: citation {i} names unknown source {c.source!r}"
            for i, c in enumerate(citations, 1) if c.source not in flows.sources]


def _check_causes(file: str, flows: FlowSet) -> list[str]:
    problems = []
    for cause in flows.causes.values():
        where = f"{file}: cause {cause.id!r}"
        if not cause.citations:
            problems.append(f"{where}: has no citation")
        if not cause.fixes:
            problems.append(f"{where}: has no fixes")
        problems += _citation_problems(where, cause.citations, flows)
        problems += _placeholder_problems(where, [*cause.commands, *cause.fixes])
        problems += [f"{where}: {{placeholders}} are filled in fixes and commands only, not in its {part}"
                     for part, text in (("title", cause.title), ("explanation", cause.explanation),
                                        ("note", cause.note or "")) if placeholders(text)]
    return problems


def _check_flow(flow: Flow, flows: FlowSet) -> list[str]:
    file, symptom = flow.file, flow.symptom
    problems = _citation_problems(f"{file}: symptom {symptom.id!r}", symptom.citations, flows)
    if symptom.start not in flow.nodes:
        return problems + [f"{file}: symptom {symptom.id!r}: start node {symptom.start!r} does not exist"]
    for node in flow.nodes.values():
        # a segment's node is the segment's to fix: say its file, not the tree's
        problems += _check_node(flows.segments[node.segment].file if node.segment else file, node, flow, flows)
    problems += _graph_problems(flow)
    return problems


def _check_node(file: str, node: Node, flow: Flow, flows: FlowSet) -> list[str]:
    where = f"{file}: node {node.id!r}"
    spec = CATALOG.get(node.probe)
    if spec is None:
        return [f"{where}: unknown probe {node.probe!r} (known: {', '.join(sorted(CATALOG))})"]
    problems = [f"{where}: probe {spec.name} has no parameter {p!r} (it takes {', '.join(spec.params)})"
                for p in node.params if p not in spec.params]
    problems += _placeholder_problems(where, [*node_texts(node), *node.params.values()])
    problems += [f"{where}: role marker {m.group(0)} left in a tree's own node (roles are for segments)"
                 for text in node_texts(node) for m in ROLE.finditer(text)] if node.segment is None else []
    allowed = spec.outcomes + COMMON_OUTCOMES
    for outcome, to in node.outcomes.items():
        if outcome not in allowed:
            problems.append(f"{where}: outcome {outcome!r} is not one of {spec.name}'s ({', '.join(allowed)})")
        if to.next is not None and to.next not in flow.nodes:
            problems.append(f"{where}: outcome {outcome!r} leads to missing node {to.next!r}")
        if to.cause is not None and to.cause not in flows.causes:
            problems.append(f"{where}: outcome {outcome!r} names unknown cause {to.cause!r}")
    problems += [f"{where}: {spec.name} outcome {o!r} is not handled" for o in spec.outcomes if o not in node.outcomes]
    return problems


def _graph_problems(flow: Flow) -> list[str]:
    """Unreachable nodes and cycles, found by one depth-first walk from the start node."""
    problems: list[str] = []
    state: dict[str, str] = {}  # node id -> "open" while on the current path, "done" after

    def visit(nid: str, path: list[str]) -> None:
        state[nid] = "open"
        for to in flow.nodes[nid].outcomes.values():
            nxt = to.next
            if nxt not in flow.nodes:
                continue
            if state.get(nxt) == "open":
                cycle = " -> ".join(path[path.index(nxt):] + [nid, nxt]) if nxt in path else f"{nid} -> {nxt}"
                problems.append(f"{flow.file}: node {nid!r}: cycle {cycle}")
            elif nxt not in state:
                visit(nxt, path + [nid])
        state[nid] = "done"

    visit(flow.symptom.start, [])
    problems += [f"{flow.file}: node {nid!r}: unreachable from the start node {flow.symptom.start!r}"
                 for nid in flow.nodes if nid not in state]
    return problems
