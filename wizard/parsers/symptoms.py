"""Which symptom a paste points to, and why: from its failure codes (most important first), where each code
was written and what surrounds it.

A code met outside an RPC context (an installer's "Error 1720", an HRESULT from a setup step that adds a
firewall rule, an RPC error caused by a local service that is not started) picks no symptom with confidence:
it is offered as a weak choice only. Kerberos event 4 / KRB_AP_ERR_MODIFIED is the wrong-principal family even
without a number; an RPC proxy's "RPC Error: 6ba" is Exchange RPC over HTTP.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

REPLICATION = "ad-replication-1753"
DOMAIN_JOIN = "domain-join-0x6d9"
RPC_UNAVAILABLE = "rpc-unavailable-1722"
EXCHANGE = "exchange-rpc-http-1722"
ENDPOINT_CREATE = "endpoint-create-1720"
WRONG_PRINCIPAL = "target-principal-2146893022"
PORT_CONFIG = "rpc-port-config-87"

_REPLICATION_KINDS = {"dcdiag", "repadmin-showrepl", "repadmin-replsum", "repadmin-syncall", "repadmin-showrepl-csv"}
_EXCHANGE_KINDS = {"rpcproxy-log", "rpcping", "connectivity-analyzer"}
_REPLICATION_EVENTS = {1655, 1925, 1265, 1311, 1864, 2087, 2088}
_REPLICATION_WORDS = re.compile(r"replicat|naming context|directory partition|Check Replication Topology"
                                r"|DsBindWithSpnEx|NTDS", re.I)
_JOIN_WORDS = re.compile(r"netsetup|NetpDoDomainJoin|domain join|\bjoin(?:ing)?\b[^.\n]{0,40}\bdomain|Add-Computer"
                         r"|netdom join", re.I)
_EXCHANGE_WORDS = re.compile(r"\b600[124]\b|RPCPing|Outlook Anywhere|RPC over HTTP|Rpcproxy|ValidPorts"
                             r"|Remote Connectivity Analyzer|\bExchange (?:Server|20\d\d)|Microsoft Exchange"
                             r"|MSExchange|RPC Error:\s*6ba", re.I)
_RPC_WORDS = re.compile(r"\bRPC\b|Netlogon|endpoint|Rpc\\?Internet|AuthZ|5820", re.I)
_PARAMETER = re.compile(r"the parameter is incorrect", re.I)
_KERBEROS = re.compile(r"KRB_AP_ERR_MODIFIED", re.I)
# contexts in which an RPC-looking code is not an RPC endpoint fault of the computer named
_INSTALLER = re.compile(r"Windows Installer|Custom action|msiexec|\.msi\b|MSI \(", re.I)
_FIREWALL = re.compile(r"INetFwRules|NetFw\w*|WindowsFirewall|Windows Firewall service|MpsSvc|advfirewall", re.I)
_STOPPED = re.compile(r"(?:network logon|Netlogon) service (?:was|is|has) not (?:been )?(?:started|running)"
                      r"|ERROR_SERVICE_NOT_ACTIVE|service has not been started", re.I)
_STOPPED_CODES = {1792, 1062}  # ERROR_NETLOGON_NOT_STARTED, ERROR_SERVICE_NOT_ACTIVE
_NEAR = 1500  # characters: a setup step's stack trace or an installer message sits this close to its code
_RPC_CODES = {1753, 1722, 1720, 1726, 1727, -2146893022, 87}


@dataclass
class Choice:
    symptom: str
    code: int | None
    pos: int  # where in the paste the code (or the signal) was written; -1 when a reader reported it alone
    context: str  # in words, what around it decided
    weak: str = ""  # why it is offered only as a weak choice


def suggest(errors: list[int], kinds: list[str], events: list[int], text: str,
            where: dict[int, int] | None = None) -> tuple[list[str], dict[str, Any]]:
    """(symptom ids best first, the explanation of the first: line, code, context, second choice, weak ones)."""
    where = where or {}
    choices = [c for code in errors for c in _for_code(code, kinds, text, where.get(code, -1))]
    if m := _KERBEROS.search(text):
        choices.append(Choice(WRONG_PRINCIPAL, None, m.start(), "Kerberos KRB_AP_ERR_MODIFIED (event 4): the "
                              "server could not decrypt a ticket made for another account's key"))
    elif 4 in events and "kerberos" in text.lower():
        choices.append(Choice(WRONG_PRINCIPAL, None, -1, "Kerberos event 4"))
    if 5820 in events:
        choices.append(Choice(PORT_CONFIG, None, -1, "Netlogon event 5820: the AuthZ RPC interface could not be added"))
    _demote(choices, errors, text)
    sure = [c for c in choices if not c.weak]
    symptoms = list(dict.fromkeys(c.symptom for c in sure))
    return symptoms, _explain(sure, [c for c in choices if c.weak], text)


def _for_code(code: int, kinds: list[str], text: str, pos: int) -> list[Choice]:
    replication_kind = sorted(_REPLICATION_KINDS & set(kinds))
    if code == 1753:
        join = _JOIN_WORDS.search(text) or ("netsetup-log" in kinds)
        if join and not replication_kind:
            return [Choice(DOMAIN_JOIN, code, pos, _said("a domain join", join))]
        words = replication_kind or _REPLICATION_WORDS.search(text)
        if words:
            return [Choice(REPLICATION, code, pos, _said("replication", words))]
        # with nothing to tell them apart, replication is the likelier reading; the join is a close second
        return [Choice(REPLICATION, code, pos, "no replication or join words: replication is the likelier"),
                Choice(DOMAIN_JOIN, code, pos, "1753 in a domain join (netsetup.log) reads the same")]
    if code == -2146893022:
        words = replication_kind or _REPLICATION_WORDS.search(text)
        first = Choice(WRONG_PRINCIPAL, code, pos, "SEC_E_WRONG_PRINCIPAL")
        return [first] + ([Choice(REPLICATION, code, pos, _said("replication", words))] if words else [])
    if code == 1722:
        exchange = sorted(_EXCHANGE_KINDS & set(kinds)) or _EXCHANGE_WORDS.search(text)
        rpc = Choice(RPC_UNAVAILABLE, code, pos, "the RPC server did not answer")
        return [Choice(EXCHANGE, code, pos, _said("Exchange RPC over HTTP", exchange)), rpc] if exchange else [rpc]
    if code == 1720:
        return [Choice(ENDPOINT_CREATE, code, pos, "RPC_S_CANT_CREATE_ENDPOINT: a fixed port already taken")]
    if code == 87:
        rpc = _RPC_WORDS.search(text)
        if rpc or not _PARAMETER.search(text):  # the bare message is too common to mean RPC on its own
            return [Choice(PORT_CONFIG, code, pos, _said("the RPC configuration", rpc) if rpc else "error 87")]
    return []


def _said(what: str, evidence: object) -> str:
    """`replication (repadmin-showrepl)` or `Exchange RPC over HTTP ("6001")`: the words that decided."""
    if isinstance(evidence, list):
        return f"{what} ({', '.join(evidence)})"
    if isinstance(evidence, re.Match):
        return f'{what} ("{evidence.group(0)}")'
    return what


def _demote(choices: list[Choice], errors: list[int], text: str) -> None:
    """Codes met outside an RPC context: an installer, a firewall-rule setup step, a local service not started."""
    stopped = _STOPPED.search(text) or next((c for c in errors if c in _STOPPED_CODES), None)
    near: dict[str, list[int]] = {}
    for choice in choices:
        if choice.code not in _RPC_CODES:
            continue
        near = near or {name: [m.start() for m in rx.finditer(text)] for name, rx in
                        (("a Windows Installer package", _INSTALLER), ("a setup step adding a firewall rule", _FIREWALL))}
        for name, places in near.items():
            if choice.pos >= 0 and _close(places, choice.pos):
                choice.weak = f"the code comes from {name}, not from an RPC call"
        if stopped and choice.symptom in (RPC_UNAVAILABLE, REPLICATION, DOMAIN_JOIN, EXCHANGE) and not choice.weak:
            said = stopped.group(0) if isinstance(stopped, re.Match) else f"error {stopped}"
            choice.weak = f'a local service is not started ("{said}"): no RPC endpoint fault'


def _close(places: list[int], pos: int) -> bool:
    i = bisect_left(places, pos)
    return any(0 <= j < len(places) and abs(places[j] - pos) <= _NEAR for j in (i - 1, i))


def _explain(sure: list[Choice], weak: list[Choice], text: str) -> dict[str, Any]:
    why: dict[str, Any] = {"symptom": None}
    if sure:
        first = sure[0]
        why.update(symptom=first.symptom, code=first.code, context=first.context, **_line(text, first.pos))
        second = next((c for c in sure[1:] if c.symptom != first.symptom), None)
        if second:
            why["second"] = {"symptom": second.symptom, "code": second.code, "context": second.context}
    if weak:
        why["weak"] = [{"symptom": c.symptom, "code": c.code, "why": c.weak, **_line(text, c.pos)}
                       for c in {c.symptom: c for c in reversed(weak)}.values()][::-1]
    return why


def _line(text: str, pos: int) -> dict[str, Any]:
    if pos < 0:
        return {}
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return {"line_no": text.count("\n", 0, pos) + 1, "line": text[start:end if end >= 0 else len(text)].strip()[:300]}
