"""The name chain of document 000 as a vertical list of links:
`<GUID>._msdcs.<forest>` -> host name -> address -> who answered there -> endpoint mapper -> DRS port.

Each link takes its state from the last step of the probe that checks it; a flow shows only the links it
checks (the GUID alias only in the 1753 and -2146893022 trees, no endpoint mapper in the 87 tree, Exchange's
fixed ports instead of an endpoint mapper). Only `NameChain` touches Textual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from wizard.engine.catalog import DRS_UUID
from wizard.engine.interfaces import alias_of
from wizard.engine.walk import NOT_CHECKED
from wizard.tui.widgets.evidence import as_dict, as_list, clean, short_name
from wizard.verdicts.declared import DECLARED
from wizard.verdicts.ports import FILTERED, LISTENING, NOT_LISTENING, PORT_WORD, UNREACHABLE

if TYPE_CHECKING:
    from wizard.engine.walk import Step, Walk

STATES = ("ok", "bad", "unknown", "skipped", "pending")
GLYPHS = {"ok": ("✓", "green"), "bad": ("✗", "bold red"), "unknown": ("?", "yellow"), "skipped": ("–", "dim"),
          "pending": ("…", "dim")}
_PROTOCOL = {"netbios": "NetBIOS", "smb": "SMB", "ldap": "rootDSE"}
_135_WORDS = {"filtered": f"TCP 135 {FILTERED}", "refused": f"TCP 135 {NOT_LISTENING} (refused)",
              "unreachable": f"host {UNREACHABLE}"}


@dataclass(frozen=True)
class Link:
    label: str
    value: str
    state: str  # one of STATES


def _anywhere(step: Step, before: list[Step]) -> bool:
    return True


def _last(walk: Walk, probe: str, where: Callable[[Step, list[Step]], bool] = _anywhere) -> Step | None:
    found = None
    for i, step in enumerate(walk.steps):
        if step.probe == probe and where(step, walk.steps[:i]):
            found = step
    return found


def _state(step: Step | None, good: tuple[str, ...], bad: tuple[str, ...]) -> str:
    if step is None:
        return "pending"
    if step.source == "jump" or step.outcome == NOT_CHECKED:
        return "skipped"
    return "ok" if step.outcome in good else "bad" if step.outcome in bad else "unknown"


def _ctx(walk: Walk, key: str) -> str:
    value = walk.context.get(key)
    return clean(value, 80) if value not in (None, "", [], {}) else ""


def _alias(walk: Walk) -> Link:
    step = _last(walk, "dns_cname")
    guid, forest = _ctx(walk, "guid") or "<GUID>", _ctx(walk, "forest") or "<forest>"
    name = clean(as_dict(step.evidence).get("name"), 80) if step else ""
    value = name or f"{guid}._msdcs.{forest}"
    state = _state(step, ("matches-target",), ("other-host", "missing"))
    if step is not None and step.outcome == "other-host":
        value += f" → {_ctx(walk, 'cname_target') or 'another host'}"
    elif step is not None and step.outcome == "missing":
        value += " (does not exist)"
    guid_step = _last(walk, "ntds_guid") or _last(walk, "source_guid")
    if guid_step is not None and guid_step.outcome in ("mismatch", "different") and guid_step.source != "jump":
        state, value = "bad", f"{value} (stale GUID: the DC holds {_ctx(walk, 'ntds_guid') or 'another'})"
    return Link("_msdcs alias", value, state)


def _host(walk: Walk) -> Link:
    target = _ctx(walk, "target")
    return Link("host name", target or "unknown", "ok" if target else "unknown")


def _dns_server(step: Step, address: str) -> str:
    """The first DNS server whose answers hold the address (the named servers come first)."""
    for server, view in as_dict(as_dict(step.evidence).get("servers")).items():
        views = [view] if "answers" in as_dict(view) else list(as_dict(view).values())
        if any(address in map(str, as_list(as_dict(v).get("answers"))) for v in views):
            return "this machine's resolver" if server == "system" else clean(server, 60)
    return ""


def _origin(walk: Walk, step: Step, address: str) -> str:
    decided = _last(walk, "resolution_source")
    source = (walk.context.get("resolved_from") or as_dict(step.evidence).get("resolved_from")
              or (decided.outcome if decided is not None else None))
    if source == "hosts-file":
        files = [clean(p).lower() for p in as_dict(as_dict(step.evidence).get("hosts_files"))]
        return "(from LMHOSTS file)" if files and files[0].endswith("lmhosts") else "(from HOSTS file)"
    server = _dns_server(step, address)
    return f"(from DNS {server})" if server else "(from DNS)" if source == "dns" else ""


def _address(walk: Walk) -> Link:
    step = _last(walk, "dns_host")
    state = _state(step, ("resolved",), ("not-found",))
    address = _ctx(walk, "address") or clean(as_dict(step.evidence).get("address") if step else "", 60)
    if state == "bad":
        return Link("address", "no A/AAAA record, no HOSTS entry", state)
    if state != "ok":
        return Link("address", address, state)
    others = [a for a in as_list(walk.context.get("addresses")) if clean(a) != address]
    more = f" (+{len(others)} more)" if others else ""
    if _state(_last(walk, "identity"), ("match",), ("mismatch",)) == "bad":
        state, more = "bad", more + ", another computer's"  # it resolved, but to the wrong place
    return Link("address", " ".join(p for p in (address or "?", _origin(walk, step, address)) if p) + more, state)


def _who(walk: Walk) -> Link:
    step = _last(walk, "identity")
    state = _state(step, ("match",), ("mismatch",))
    if state not in ("ok", "bad", "unknown") or step is None:
        return Link("who answered", "", state)
    if step.outcome == "silent":
        return Link("who answered", "nothing said who it is (NetBIOS, SMB, LDAP)", state)
    if step.outcome not in ("match", "mismatch"):
        return Link("who answered", clean(step.outcome, 40), state)
    claimed = as_dict(as_dict(step.evidence).get("claimed"))
    name = short_name(walk.context.get("answered_by")) or next((short_name(v) for v in claimed.values()), "?")
    said = [label for key, label in _PROTOCOL.items() if short_name(claimed.get(key)) == name]
    value = f"{name} ({', '.join(said)})" if said else name
    want = short_name(walk.context.get("target"))
    return Link("who answered", f"{value}, not {want}" if state == "bad" and want else value, state)


_EPM_PROBES = tuple(p for p, d in DECLARED.items() if d.chain_link == "endpoint mapper")  # one interface's entry


def _interface(walk: Walk, step: Step | None) -> str:
    """DRS, an alias (wmi, netlogon, ...) or the UUID of the interface the walk is about."""
    uuid = clean(as_dict(step.evidence if step else None).get("interface") or walk.context.get("interface")
                 or DRS_UUID, 40).lower()
    return "DRS" if uuid == DRS_UUID else alias_of(uuid) or uuid


def _epm(walk: Walk) -> Link:
    step = _last(walk, "epm_map") or _last(walk, "epm_transports")
    state = _state(step, ("registered", "tcp"), ("not-registered", "np-only", *_135_WORDS))
    if step is None or state in ("skipped", "pending"):
        return Link("endpoint mapper", "", state)
    what = _interface(walk, step)
    port = _ctx(walk, "endpoint_port") or clean(as_dict(step.evidence).get("port"), 10)
    value = {"registered": f"{what} registered, TCP {port or '?'}", "tcp": f"{what} on TCP {port or '?'}",
             "np-only": f"{what} on named pipes only: no TCP endpoint (1720)",
             "not-registered": f"{what} not registered" + (" (1753)" if what == "DRS" else "")}.get(step.outcome)
    value = value or _135_WORDS.get(step.outcome) or clean(step.outcome, 40)
    if step.node == "impostor-drs":
        value += f" (on {short_name(walk.context.get('answered_by')) or 'the other computer'})"
    return Link("endpoint mapper", value, state)


def _dynamic(step: Step, before: list[Step]) -> bool:
    return step.node == "dynamic-port" or any(s.probe in _EPM_PROBES for s in before)


def _port(walk: Walk) -> Link:
    step = _last(walk, "tcp_ports", _dynamic)
    state = _state(step, ("listening",), tuple(o for o in PORT_WORD if o != "listening"))
    port = _ctx(walk, "endpoint_port")
    label = f"{_interface(walk, _last(walk, 'epm_map'))} port"
    if state not in ("ok", "bad"):
        return Link(label, f"TCP {port}" if port else "", state)
    word = _port_state(step, port) or PORT_WORD.get(step.outcome, "")
    return Link(label, f"TCP {port or '?'} {word}", state)


def _fixed_ports(walk: Walk) -> Link:
    """A flow without an endpoint mapper step (Exchange's RPC over HTTP): each fixed port checked."""
    states = {}
    for step in walk.steps:
        if step.probe == "tcp_ports":
            for port, view in as_dict(as_dict(step.evidence).get("ports")).items():
                states[clean(port, 6)] = clean(as_dict(view).get("state"), 20)
    if not states:
        return Link("ports", "", "pending" if not walk.done else "skipped")
    bad = any(v != LISTENING for v in states.values())
    return Link("ports", ", ".join(f"{p} {v}" for p, v in states.items()), "bad" if bad else "ok")


def _port_state(step: Step, port: str) -> str:
    view = as_dict(as_dict(as_dict(step.evidence).get("ports")).get(port))
    return clean(view.get("state"), 30)


def chain_links(walk: Walk) -> list[Link]:
    """The links of the name chain this flow checks (each probe declares its link: wizard.verdicts.declared),
    each with what was found and whether it held."""
    checked = {DECLARED[node.probe].chain_link for node in walk.flow.nodes.values() if node.probe in DECLARED}
    links = [_alias(walk)] if "alias" in checked else []
    links += [_host(walk), _address(walk)]  # every flow names a host; its address is where the call goes
    if "who answered" in checked:
        links.append(_who(walk))
    if "endpoint mapper" in checked:
        links.append(_epm(walk))
        if "port" in checked:
            links.append(_port(walk))
    elif "port" in checked:
        links.append(_fixed_ports(walk))
    return links


# the name-chain link each declared `chain_link` stands for (the host name link belongs to no probe)
LINKS = {"alias": _alias, "host name": _host, "address": _address, "who answered": _who, "endpoint mapper": _epm,
         "port": _port}


def render_chain(walk: Walk) -> RenderableType:
    """The chain top to bottom, one link a row, joined by ↓: it reads best in a narrow side panel."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column(overflow="fold", ratio=1)
    waiting = "not checked" if walk.done else "not checked yet"
    for i, link in enumerate(chain_links(walk)):
        glyph, style = GLYPHS.get(link.state, GLYPHS["unknown"])
        if i:
            table.add_row(Text("↓", style="dim"), Text(""), Text(""))
        quiet = link.state in ("skipped", "pending")
        value = link.value or {"pending": waiting, "skipped": "not checked (skipped)",
                               "unknown": "could not tell"}.get(link.state, "")
        table.add_row(Text(glyph, style=style), Text(clean(link.label), style=style if link.state == "bad" else ""),
                      Text(clean(value, 160), style="dim" if quiet else style if link.state == "bad" else ""))
    return table


class NameChain(Static):
    """The name chain; call `show(walk)` after every step."""

    DEFAULT_CSS = """
    NameChain {
        height: auto;
    }
    """

    def show(self, walk: Walk) -> None:
        self.update(render_chain(walk))
