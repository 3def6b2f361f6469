"""A step's evidence as small tables, one kind per probe. Rich only: no Textual here.

Evidence comes from probes talking to servers we do not trust and from text people paste, so every
string goes through `clean()` and into `rich.text.Text` (never console markup), every shape is
checked before use, and long lists are cut.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from wizard.engine.catalog import DRS_UUID
from wizard.engine.interfaces import INTERFACES, alias_of
from wizard.engine.untrusted import TEXT_LIMIT, as_str, clean
from wizard.verdicts.declared import DECLARED, kind
from wizard.verdicts.endpoints import DRS_NAME, EPT_S_NOT_REGISTERED
from wizard.verdicts.ports import EITHER, FILTERED, LISTENING, NOT_LISTENING, UNREACHABLE
from wizard.verdicts.registry_rules import CLIENT_DLL, CLIENT_PROTOCOLS, EXCHANGE_PORTS
from wizard.verdicts.services import DEFAULTS as SERVICE_DEFAULTS
from wizard.verdicts.services import NO_SUCH_SERVICE, not_default

if TYPE_CHECKING:
    from wizard.engine.walk import Step

MAX_ROWS = 40  # an endpoint mapper lists hundreds of entries; nobody reads past a screenful
_EPT_S_NOT_REGISTERED = hex(EPT_S_NOT_REGISTERED)

# what is good or bad is declared per probe (wizard.verdicts.declared); these are the other words
_NEITHER = {
    "silent": "yellow",
    "skipped": "yellow",
    # the person's own answer to a question (the `ask` check): neither good nor bad until the flow says
    "yes": "bold",
    "no": "bold",
    "error": "magenta",
}
_KIND_STYLE = {"good": "green", "bad": "red", "": ""}
OUTCOME_STYLE: dict[str, str] = {
    **{o: _KIND_STYLE[kind(o)] for d in DECLARED.values() for o in (*d.good, *d.bad)},
    **_NEITHER,
}
PORT_STATE_STYLE = {LISTENING: "green", NOT_LISTENING: "yellow", FILTERED: "red", UNREACHABLE: "red", EITHER: "red"}
_DNS_STATUS_STYLE = {"ok": "green", "nxdomain": "yellow", "nodata": "yellow", "timeout": "red", "error": "red"}

def outcome_style(outcome: object, probe: object = None) -> str:
    """The colour of an outcome: of that probe's outcome when the probe is known (ntds_port's `none` is
    fine, dc_locator's is not), else what the word means wherever it is used."""
    if not isinstance(outcome, str):
        return ""
    if outcome in _NEITHER:
        return _NEITHER[outcome]
    return _KIND_STYLE[kind(outcome, probe if isinstance(probe, str) else None)]


def compact(value: object, limit: int = TEXT_LIMIT) -> str:
    """A nested value on one line: {k: v, ...}, [a, b, ...], cut short at every level."""
    return clean(_flat(value, 0), limit)


def _flat(value: object, depth: int) -> str:
    if depth > 3:
        return "…"
    if value is None:
        return "–"
    if isinstance(value, dict):
        items = [f"{_flat(k, depth + 1)}: {_flat(v, depth + 1)}" for k, v in islice(value.items(), 8)]
        return "{" + ", ".join(items) + (", …" if len(value) > 8 else "") + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_flat(v, depth + 1) for v in islice(value, 8)]
        return "[" + ", ".join(items) + (", …" if len(value) > 8 else "") + "]"
    return as_str(value)[:TEXT_LIMIT]


def as_dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list:
    """A list from a list or tuple; one scalar becomes a one-item list, None an empty one."""
    if isinstance(value, (list, tuple)):
        return list(value)
    return [] if value is None or isinstance(value, (dict, set, frozenset)) else [value]


def cell(value: object, style: str = "", limit: int = TEXT_LIMIT) -> Text:
    text = value if isinstance(value, str) else compact(value, limit)
    return Text(clean(text, limit), style=style)


def _table(title: str, *columns: str, fit_title: bool = False) -> Table:
    """A table sized to its cells; with `fit_title`, at least as wide as its title, so that a long title
    (a host, an interface name) stays on one line where the screen has room for it."""
    title_text = Text(clean(title), style="bold")
    table = Table(*columns, title=title_text, title_justify="left", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False, expand=False, show_header=any(columns),
                  min_width=title_text.cell_len if fit_title else None)
    for column in table.columns:
        column.overflow = "fold"
    return table


def _add_capped(table: Table, rows: Iterable[tuple[Text, ...]], total: int) -> Table:
    shown = 0
    for row in islice(rows, MAX_ROWS):
        table.add_row(*row)
        shown += 1
    if total > shown:
        table.add_row(Text(f"… {total - shown} more", style="dim"), *[Text("")] * (len(table.columns) - 1))
    return table


def _key_values(title: str, evidence: dict, keys: Iterable[object] | None = None) -> Table:
    keys = list(evidence) if keys is None else [k for k in keys if k in evidence]
    rows = ((cell(k, "bold"), cell(evidence[k])) for k in keys)
    return _add_capped(_table(title, "", ""), rows, len(keys))


def _rest(evidence: dict, used: Iterable[str]) -> list[RenderableType]:
    """Keys a specific table did not show, so that nothing in the evidence is hidden."""
    used = set(used)
    rest = [k for k in evidence if not (isinstance(k, str) and k in used)]
    return [_key_values("other evidence", evidence, rest)] if rest else []


# --- DNS -------------------------------------------------------------------------------------

def _answers_row(where: object, view: object) -> tuple[Text, Text, Text]:
    view = as_dict(view)
    status = view.get("status", "")
    detail = view.get("detail")
    answers = ", ".join(clean(a) for a in islice(as_list(view.get("answers")), 8))
    extra = f" ({clean(detail, 60)})" if detail else ""
    return cell(where), cell(status, _DNS_STATUS_STYLE.get(status, "") if isinstance(status, str) else ""), \
        Text(clean(answers + extra))


def _server_rows(servers: object) -> list[tuple[Text, Text, Text]]:
    """One row per server, or per server and record type (dns_host asks A and AAAA separately)."""
    rows = []
    for server, view in islice(as_dict(servers).items(), MAX_ROWS):
        name = "this machine's resolver" if server == "system" else server
        view = as_dict(view)
        per_type = {t: v for t, v in view.items() if isinstance(v, dict)}
        if per_type and "status" not in view:
            rows += [_answers_row(f"{clean(name)} {clean(t, 10)}", v) for t, v in per_type.items()]
        else:
            rows.append(_answers_row(name, view))
    return rows


def _dns(evidence: dict) -> list[RenderableType]:
    asked = evidence.get("name") or evidence.get("host") or "the name"
    table = _table(f"DNS answers for {clean(asked)}", "server", "status", "answers")
    rows = _server_rows(evidence.get("servers"))
    for path, addresses in islice(as_dict(evidence.get("hosts_files")).items(), 8):
        rows.append((cell(path), Text("file entry", style="yellow"), cell(", ".join(map(clean, as_list(addresses))))))
    if evidence.get("hosts_line"):
        rows.append((Text("the line"), Text(""), cell(evidence["hosts_line"])))
    if "dc_locator_srv" in evidence:
        rows.append(_answers_row("DC locator SRV", evidence["dc_locator_srv"]))
    if "ptr" in evidence:
        rows.append(_answers_row("PTR of the address", evidence["ptr"]))
    rows += [(Text("conflict", style="red"), Text(""), cell(c, "red")) for c in as_list(evidence.get("conflicts"))]
    _add_capped(table, rows, len(rows))
    used = ("name", "host", "servers", "hosts_files", "hosts_line", "dc_locator_srv", "ptr", "conflicts")
    return [table, *_rest(evidence, used)]


# --- identity --------------------------------------------------------------------------------

_PROTOCOLS = (("netbios", "NetBIOS"), ("smb", "SMB (NTLM)"), ("ldap", "LDAP rootDSE"))


def short_name(name: object) -> str:
    """The first label, upper case, as the identity probe compares names."""
    first = as_list(name)[0] if as_list(name) else ""
    return clean(first).split(".")[0].upper()


def _source_detail(source: object) -> str:
    """What one protocol said, on one line without brackets: "DC2, DOMAIN" or "name: DC2, domain: X"."""
    if isinstance(source, dict) and "error" in source:
        return f"no answer: {clean(source['error'])}"
    if isinstance(source, dict):
        return clean(", ".join(f"{compact(k, 40)}: {compact(v, 60)}" for k, v in islice(source.items(), 6)))
    return clean(", ".join(compact(v, 60) for v in as_list(source)[:8]))


def _protocol_rows(evidence: dict, want: str) -> list[tuple[Text, Text, Text]]:
    claimed, sources = as_dict(evidence.get("claimed")), as_dict(evidence.get("sources"))
    rows = []
    for key, label in _PROTOCOLS:
        if key in claimed or key in sources:
            name = short_name(claimed.get(key))
            style = "" if not want or not name else ("green" if name == want else "bold red")
            rows.append((Text(label), Text(name or "–", style=style), cell(_source_detail(sources.get(key)))))
    if "tcp_135" in sources:
        state = as_list(sources["tcp_135"])
        word = clean(state[0]) if state else ""
        rows.append((Text("TCP 135"), Text(word, style=PORT_STATE_STYLE.get(word, "")),
                     cell(" ".join(map(clean, state[1:])))))
    return rows


def _identity(evidence: dict) -> list[RenderableType]:
    want = short_name(evidence.get("expected"))
    table = _table(f"Who answers at {clean(evidence.get('address') or 'the address')}", "asked", "name", "detail")
    for row in _protocol_rows(evidence, want):
        table.add_row(*row)
    if "names" in evidence:
        table.add_row(Text("NetBIOS names"), Text(""), cell(_netbios_names(evidence["names"])))
    if want:
        table.add_row(Text("expected", style="bold"), Text(want, style="bold"), cell(evidence.get("expected")))
    parts: list[RenderableType] = [table]
    if isinstance(evidence.get("all_addresses"), dict):
        rows = ((cell(a), cell(c)) for a, c in evidence["all_addresses"].items())
        parts.append(_add_capped(_table("Every address the name resolved to", "address", "says it is"), rows,
                                 len(evidence["all_addresses"])))
    used = ("address", "claimed", "sources", "expected", "all_addresses", "names", "answered_by")
    return parts + _rest(evidence, used)


def _netbios_names(names: object) -> str:
    return ", ".join(f"{clean(n.get('name'))}<{clean(n.get('suffix'), 4)}>" if isinstance(n, dict) else clean(n)
                     for n in as_list(names)[:12])


# --- endpoint mapper -------------------------------------------------------------------------

def interface_label(uuid: object) -> str:
    text = clean(uuid)
    if text.lower() == DRS_UUID:
        return f"{text} ({DRS_NAME})"
    alias = alias_of(text)
    return f"{text} ({alias}: {INTERFACES[alias].name})" if alias else text


def _epm_map(evidence: dict) -> list[RenderableType]:
    shown = {**evidence}
    if "interface" in shown:
        shown["interface"] = interface_label(shown["interface"])
    if clean(shown.get("status")).lower() == _EPT_S_NOT_REGISTERED:
        shown["status"] = f"{_EPT_S_NOT_REGISTERED} (EPT_S_NOT_REGISTERED, 1753)"
    order = ("address", "interface", "port", "binding", "bindings", "endpoint_port", "endpoints_listed", "status",
             "port_135", "detail")
    table = _key_values("Endpoint mapper (TCP 135)", shown, order)
    return [table, *_rest(evidence, order)]


def _endpoint(entry: object) -> tuple[Text, ...]:
    entry = as_dict(entry)
    uuid = clean(entry.get("uuid"), 40)
    name = entry.get("name") or entry.get("annotation") or (DRS_NAME if uuid.lower() == DRS_UUID else "")
    port = entry.get("port")
    where = port if port not in (None, "") else _bracketed(entry.get("binding"))
    style = "bold green" if uuid.lower() == DRS_UUID else ""
    return cell(name, style, 48), cell(uuid, style), cell(entry.get("protocol"), limit=20), cell(where, limit=40)


def _bracketed(binding: object) -> str:
    text = clean(binding)
    return text[text.rfind("[") + 1:].rstrip("]") if "[" in text else text


def _epm_lookup(evidence: dict) -> list[RenderableType]:
    endpoints = as_list(evidence.get("endpoints"))
    title = f"{len(endpoints)} endpoints at {clean(evidence.get('address') or 'the endpoint mapper')}"
    table = _add_capped(_table(title, "interface", "uuid", "protocol", "port"), map(_endpoint, endpoints),
                        len(endpoints))
    return [table, *_rest(evidence, ("address", "endpoints"))]


# --- ports -----------------------------------------------------------------------------------

def _port_rows(ports: object) -> list[tuple[Text, Text, Text]]:
    rows = []
    items = as_dict(ports).items() if isinstance(ports, dict) else ((as_dict(p).get("port"), p) for p in as_list(ports))
    for port, view in islice(items, MAX_ROWS + 1):
        view = view if isinstance(view, dict) else {"state": view}
        state = clean(view.get("state"), 30)
        rows.append((cell(port, limit=20), Text(state, style=PORT_STATE_STYLE.get(state.upper(), "")),
                     cell(view.get("detail"))))
    return rows


def _tcp_ports(evidence: dict) -> list[RenderableType]:
    ports = evidence.get("ports")
    total = len(ports) if isinstance(ports, (dict, list, tuple)) else 0
    table = _table(f"TCP ports at {clean(evidence.get('address') or 'the address')}", "port", "state", "detail")
    return [_add_capped(table, _port_rows(ports), total), *_rest(evidence, ("address", "ports"))]


# --- transports, registry, services ------------------------------------------------------------

YES, NO = Text("yes", style="green"), Text("no", style="bold red")


def _epm_transports(evidence: dict) -> list[RenderableType]:
    """One row per binding the endpoint mapper lists for the interface; no TCP one is said in red."""
    where = clean(evidence.get("address") or "the endpoint mapper")
    table = _table(f"{interface_label(evidence.get('interface') or DRS_UUID)} at {where}", "protocol", "binding",
                   fit_title=True)
    bindings = as_list(evidence.get("bindings"))
    rows = [(cell(clean(b).split(":", 1)[0], "green" if clean(b).startswith("ncacn_ip_tcp:") else "", 20), cell(b))
            for b in bindings]
    _add_capped(table, rows, len(rows))
    if "ncacn_ip_tcp" not in as_list(evidence.get("protocols")):
        table.add_row(Text("ncacn_ip_tcp", style="bold red"), Text("not listed: no TCP endpoint", style="bold red"))
    return [table, *_rest(evidence, ("address", "interface", "bindings", "protocols", "tcp_ports"))]


def _read_on(evidence: dict) -> str:
    return clean(evidence.get("read_on") or "the computer")


def _client_protocols(evidence: dict) -> list[RenderableType]:
    """The five values document 000 names, each rpcrt4.dll, then any other value the key holds."""
    values = {clean(k): v for k, v in as_dict(evidence.get("values")).items()}
    absent = " (the key does not exist)" if evidence.get("key") == "absent" else ""
    table = _table(f"Rpc\\ClientProtocols on {_read_on(evidence)}{absent}", "value", "data", "ok?", fit_title=True)
    lower = {k.lower(): k for k in values}
    for name in CLIENT_PROTOCOLS:
        data = values.get(lower.get(name, ""))
        ok = data is not None and clean(data).strip().lower() == CLIENT_DLL
        table.add_row(cell(name, "bold"), cell(data) if data is not None else Text("missing", style="bold red"),
                      YES if ok else NO)
    extra = [k for k in values if k.lower() not in CLIENT_PROTOCOLS]
    _add_capped(table, ((cell(k), cell(values[k]), Text("–", style="dim")) for k in extra), len(extra))
    return [table, *_rest(evidence, ("read_on", "key", "values", "missing"))]


def _valid_ports(evidence: dict) -> list[RenderableType]:
    """Each name:port pair the server needs, allowed or not, then the ValidPorts value as entries."""
    server = clean(evidence.get("server")).lower().rstrip(".")
    names = [server.split(".")[0], server] if "." in server else [server] if server else []
    ports = [p for p in as_list(evidence.get("ports")) if isinstance(p, int)] or list(EXCHANGE_PORTS)
    missing = {clean(m).lower() for m in as_list(evidence.get("missing"))}
    table = _table(f"RpcProxy ValidPorts on {_read_on(evidence)} for {server or 'the server'}", "name:port",
                   "allowed?", fit_title=True)
    pairs = [f"{name}:{port}" for port in ports for name in names]
    _add_capped(table, ((cell(p, "bold"), NO if p.lower() in missing else YES) for p in pairs), len(pairs))
    values = as_dict(evidence.get("values"))
    entries = [e.strip() for e in clean(values.get("ValidPorts") or "", 4000).split(";") if e.strip()]
    parts: list[RenderableType] = [table]
    listed = _add_capped(_table("", "ValidPorts entries"), ((cell(e),) for e in entries), len(entries))
    if "ValidPorts" not in values:
        listed.add_row(Text("not set", style="bold red"))
    parts.append(listed)
    if "ValidPorts_Exchange" in values:
        parts.append(_key_values("set by Exchange", values, ("ValidPorts_Exchange",)))
    return parts + _rest(evidence, ("read_on", "key", "values", "missing", "server", "ports"))


def _listening(value: object) -> Text:
    if value is None:
        return Text("not checked (from a paste)", style="dim")
    return Text("yes: something answers on it", style="yellow") if value else Text("no")


def _ntds_port(evidence: dict) -> list[RenderableType]:
    port = evidence.get("fixed_port")
    drs = evidence.get("drs_port")
    table = _table(f"NTDS \"TCP/IP Port\" on {_read_on(evidence)}", "", "", fit_title=True)
    table.add_row(cell("fixed port", "bold"), cell(port) if port is not None else Text("none set", style="dim"))
    table.add_row(cell("listening", "bold"), _listening(evidence.get("listening")))
    table.add_row(cell("DRS port (endpoint mapper)", "bold"),
                  cell(drs, "green" if drs == port and port is not None else "") if drs is not None else
                  Text("–", style="dim"))
    source = f" ({clean(evidence['range_from'])})" if evidence.get("range_from") else ""
    table.add_row(cell("dynamic range", "bold"), cell(f"{clean(evidence.get('dynamic_range') or '–')}{source}"))
    used = ("read_on", "fixed_port", "listening", "drs_port", "dynamic_range", "range_from")
    return [table, *_rest(evidence, used)]


def _service_row(name: str, seen: object) -> tuple[Text, Text, Text, Text]:
    """service, state, start type, and whether they are document 000's defaults (only what is known is judged)."""
    seen = as_dict(seen)
    state, start = clean(seen.get("state"), 30), clean(seen.get("start_type"), 30)
    default = SERVICE_DEFAULTS.get(name)
    if default is None or state == NO_SUCH_SERVICE:
        verdict = Text("–", style="dim")
    else:  # the services verdict's own rule: only what was seen is judged
        want = ", ".join(sorted(default[1]) + sorted(default[2]))
        verdict = Text(f"no: default {want}", style="bold red") if not_default(name, state, start) else YES
    title = f"{clean(name, 30)} ({default[0]})" if default else clean(name, 30)
    return cell(title, "bold"), cell(state or "–"), cell(start or "–"), verdict


def _rpc_services(evidence: dict) -> list[RenderableType]:
    services = as_dict(evidence.get("services"))
    table = _table(f"Services on {_read_on(evidence)}", "service", "state", "start type", "default?", fit_title=True)
    rows = [_service_row(clean(name, 30), seen) for name, seen in services.items()]
    return [_add_capped(table, rows, len(rows)), *_rest(evidence, ("read_on", "services", "differ"))]


def _generic(evidence: dict) -> list[RenderableType]:
    return [_key_values("evidence", evidence)]


# by the renderer name each probe declares (wizard.verdicts.declared): the declaration decides
RENDERERS: dict[str, Callable[[dict], list[RenderableType]]] = {
    "dns": _dns,
    "identity": _identity,
    "epm_map": _epm_map,
    "epm_lookup": _epm_lookup,
    "tcp_ports": _tcp_ports,
    "epm_transports": _epm_transports,
    "client_protocols": _client_protocols,
    "valid_ports": _valid_ports,
    "ntds_port": _ntds_port,
    "rpc_services": _rpc_services,
    "generic": _generic,
}


def _body(probe: object, evidence: dict) -> list[RenderableType]:
    declared = DECLARED.get(probe) if isinstance(probe, str) else None
    return RENDERERS[declared.renderer if declared else "generic"](evidence)


def _header(step: Step) -> Text:
    outcome = clean(getattr(step, "outcome", ""), 40)
    header = Text(outcome, style=f"bold {outcome_style(outcome, getattr(step, 'probe', None))}".strip())
    elapsed = getattr(step, "elapsed_s", 0)
    if isinstance(elapsed, (int, float)) and 0 < elapsed < 1e9:
        header.append(f"  ·  {elapsed:.2f} s", style="dim")
    source = getattr(step, "source", "probe")
    if source != "probe":
        header.append(f"  ·  answered by {clean(source, 40)}", style="dim")
    return header


def render_evidence(step: Step) -> RenderableType:
    """The step's outcome and timing, then its evidence as the table that fits its probe."""
    evidence = getattr(step, "evidence", None)
    if not isinstance(evidence, dict):
        evidence = {} if evidence is None else {"evidence": evidence}
    if not evidence:
        return Group(_header(step), Text("No evidence recorded for this step.", style="dim"))
    try:
        body = _body(getattr(step, "probe", None), evidence)
    except Exception:  # noqa: BLE001 - a shape nobody foresaw must not take the screen down
        body = _generic(evidence)
    return Group(_header(step), *body)
