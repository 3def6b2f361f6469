"""Segments: a chain of checks written once in flows/segments/ and entered by several trees.

A tree names the segment, the links it checks, its words for the segment's roles and where each exit
leads. Composition makes plain nodes of it, so the walk sees one ordinary flow: a link left out is passed
over (an edge to its entry goes where the link `passes`), role markers become the tree's words, an exit
becomes the tree's next node or cause. Pure: the loader reads the YAML and checks the composed graph.
"""

from __future__ import annotations

import re
from dataclasses import replace

from wizard.engine.model import Entry, Node, Segment, Transition

ROLE = re.compile(r"\(\(([A-Za-z][a-z-]*)\)\)")  # ((client)), or ((Client)) at the start of a sentence


def roles_in(text: str) -> set[str]:
    return {m.group(1).lower() for m in ROLE.finditer(text)}


def node_texts(node: Node) -> list[str]:
    return [node.question, node.why, node.ask, *node.commands, *([node.unchecked] if node.unchecked else [])]


def segment_problems(segment: Segment) -> list[str]:
    """What is wrong in the segment itself, whichever tree enters it."""
    where = segment.file
    problems: list[str] = []
    owner: dict[str, str] = {}
    for link in segment.links.values():
        for nid in link.nodes:
            if nid not in segment.nodes:
                problems.append(f"{where}: link {link.name!r} names missing node {nid!r}")
            elif nid in owner:
                problems.append(f"{where}: node {nid!r} is in two links ({owner[nid]!r}, {link.name!r})")
            owner[nid] = link.name
        problems += _target_problems(f"{where}: link {link.name!r} passes", link.passes, segment)
    problems += [f"{where}: node {nid!r} is in no link" for nid in segment.nodes if nid not in owner]
    for node in segment.nodes.values():
        here = f"{where}: node {node.id!r}"
        for outcome, to in node.outcomes.items():
            problems += _target_problems(f"{here}: outcome {outcome!r}", to, segment)
        problems += [f"{here}: role (({r})) is not one of the segment's roles ({', '.join(segment.roles)})"
                     for text in node_texts(node) for r in sorted(roles_in(text)) if r not in segment.roles]
    return problems


def _target_problems(where: str, to: Transition, segment: Segment) -> list[str]:
    if to.exit is not None and to.exit not in segment.exits:
        return [f"{where} leads to unknown exit {to.exit!r} (the segment's: {', '.join(segment.exits)})"]
    if to.next is not None and to.next not in segment.nodes:
        return [f"{where} leads to missing node {to.next!r}"]
    return []


def compose(segment: Segment, entry: Entry, file: str) -> tuple[dict[str, Node], list[str]]:
    """The segment's nodes the tree checks, with its words and wiring; problems name the tree's file."""
    where = f"{file}: enter {segment.id}"
    unknown = [name for name in entry.links if name not in segment.links]
    if unknown:
        return {}, [f"{where}: unknown link(s) {', '.join(unknown)} (the segment's: {', '.join(segment.links)})"]
    problems = [f"{where}: unknown role {r!r} (the segment's: {', '.join(segment.roles)})"
                for r in entry.roles if r not in segment.roles]
    chosen = [nid for nid in segment.nodes if segment.link_of(nid).name in entry.links]  # in the file's order
    used_exits: set[str] = set()
    used_fixed: set[str] = set()
    nodes: dict[str, Node] = {}
    for nid in chosen:
        node = segment.nodes[nid]
        missing = sorted({r for text in node_texts(node) for r in roles_in(text)} - set(entry.roles))
        problems += [f"{where}: no words for role (({r})) (node {nid!r} says it)" for r in missing]
        outcomes = {}
        for outcome, to in node.outcomes.items():
            resolved = _resolve(to, segment, set(chosen))
            if resolved.next in segment.nodes and resolved.next not in chosen:  # inside a link left out
                link = segment.link_of(resolved.next).name
                problems.append(f"{where}: node {nid!r} outcome {outcome!r} leads into link {link!r}, "
                                f"which is left out: check {link!r} too")
            if resolved.exit is not None:
                used_exits.add(resolved.exit)
                resolved = entry.exits.get(resolved.exit, resolved)
            outcomes[outcome] = resolved
        params = {}
        for name, value in node.params.items():
            fixed = _fixed_name(value, entry.fixed)
            if fixed:
                used_fixed.add(fixed)
            params[name] = entry.fixed[fixed] if fixed else value
        nodes[nid] = replace(
            node, question=_words(node.question, entry.roles), why=_words(node.why, entry.roles),
            ask=_words(node.ask, entry.roles), commands=tuple(_words(c, entry.roles) for c in node.commands),
            unchecked=_words(node.unchecked, entry.roles) if node.unchecked else None, params=params,
            outcomes=outcomes, segment=segment.id)
    problems += [f"{where}: exit {e!r} is not wired (its links {', '.join(entry.links)} lead to it)"
                 for e in segment.exits if e in used_exits and e not in entry.exits]
    problems += [f"{where}: exit {e!r} " + ("is not one of the segment's" if e not in segment.exits else
                                            "cannot be reached with these links")
                 for e in entry.exits if e not in used_exits]
    problems += [f"{where}: fixed {name!r} is no parameter placeholder of the links checked"
                 for name in entry.fixed if name not in used_fixed]
    return nodes, problems


def _resolve(to: Transition, segment: Segment, chosen: set[str]) -> Transition:
    """Pass over the links left out: an edge to a link's entry goes where that link passes."""
    for _ in range(len(segment.links) + 1):  # each step moves to a later link; the bound guards bad data
        if to.next is None or to.next in chosen or to.next not in segment.nodes:
            return to
        link = segment.link_of(to.next)
        if to.next != link.nodes[0]:
            return to  # not its entry: the link cannot be passed over here (compose says so)
        to = link.passes
    return to


def _fixed_name(value: object, fixed: dict[str, str]) -> str | None:
    if isinstance(value, str):
        m = re.fullmatch(r"\{([a-z_]+)\}", value)
        if m and m.group(1) in fixed:
            return m.group(1)
    return None


def _words(text: str, roles: dict[str, str]) -> str:
    def word(m: re.Match) -> str:
        said = roles.get(m.group(1).lower())
        if said is None:
            return m.group(0)  # reported as a problem by compose()
        return said[:1].upper() + said[1:] if m.group(1)[0].isupper() else said

    return ROLE.sub(word, text)
