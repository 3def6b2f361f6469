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

from wizard.engine.untrusted import clean

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
# context words, lowercase: looked for with str.find in the lowercased paste (a case-insensitive regex over a
# 60 MB paste is slow)
_REPLICATION_WORDS = ("replicat", "naming context", "directory partition", "dsbindwithspnex", "ntds")
_JOIN_WORDS = ("netsetup", "netpdodomainjoin", "domain join", "add-computer", "netdom join")
_JOIN_DOMAIN = re.compile(r"\bjoin(?:ing)?\b[^.\n]{0,40}\bdomain")  # "joining the computer to the domain"
_EXCHANGE_WORDS = ("rpcping", "outlook anywhere", "rpc over http", "rpcproxy", "validports",
                   "remote connectivity analyzer", "exchange server", "microsoft exchange", "msexchange",
                   "rpc error: 6ba", "rpc error:6ba")
_EXCHANGE_PORTS = re.compile(r"(?<![\w.])600[124]\b|\bexchange 20\d\d")
_RPC_WORDS = ("rpc", "netlogon", "endpoint", "authz", "5820")
_PARAMETER = "the parameter is incorrect"
_KERBEROS = "krb_ap_err_modified"
# contexts in which an RPC-looking code is not an RPC endpoint fault of the computer named
_INSTALLER = ("windows installer", "custom action", "msiexec", ".msi ", ".msi\n", "msi (")
_FIREWALL = ("inetfwrules", "netfw", "windowsfirewall", "windows firewall service", "mpssvc", "advfirewall")
_STOPPED = ("network logon service was not started", "netlogon service is not started",
            "netlogon service was not started", "netlogon service has not been started", "error_service_not_active",
            "service has not been started")
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
    low = _Lower(text)
    choices = [c for code in errors for c in _for_code(code, kinds, low, where.get(code, -1))]
    if (at := low.text.find(_KERBEROS)) >= 0:
        choices.append(Choice(WRONG_PRINCIPAL, None, at, "Kerberos KRB_AP_ERR_MODIFIED (event 4): the "
                              "server could not decrypt a ticket made for another account's key"))
    elif 4 in events and "kerberos" in low.text:
        choices.append(Choice(WRONG_PRINCIPAL, None, -1, "Kerberos event 4"))
    if 5820 in events:
        choices.append(Choice(PORT_CONFIG, None, -1, "Netlogon event 5820: the AuthZ RPC interface could not be added"))
    _demote(choices, errors, low)
    sure = [c for c in choices if not c.weak]
    symptoms = list(dict.fromkeys(c.symptom for c in sure))
    return symptoms, _explain(sure, [c for c in choices if c.weak], text)


class _Lower:
    """The paste lowercased once, and what each context question found in it (asked once per paste)."""

    def __init__(self, text: str) -> None:
        self.text = text.lower()
        self._said: dict[str, str | None] = {}

    def first(self, name: str, words: tuple[str, ...], rx: re.Pattern[str] | None = None) -> str | None:
        """The first of `words` in the paste (or what `rx` finds), as written there; None if none is."""
        if name not in self._said:
            hit = next((w for w in words if w in self.text), None)
            if hit is None and rx is not None and (m := rx.search(self.text)):
                hit = m.group(0)
            self._said[name] = hit
        return self._said[name]

    def places(self, words: tuple[str, ...]) -> list[int]:
        found = []
        for word in words:
            i = self.text.find(word)
            while i >= 0:
                found.append(i)
                i = self.text.find(word, i + 1)
        return sorted(found)


def _for_code(code: int, kinds: list[str], low: _Lower, pos: int) -> list[Choice]:
    replication_kind = sorted(_REPLICATION_KINDS & set(kinds))
    if code == 1753:
        join = low.first("join", _JOIN_WORDS, _JOIN_DOMAIN) or ("netsetup-log" in kinds)
        if join and not replication_kind:
            return [Choice(DOMAIN_JOIN, code, pos, _said("a domain join", join))]
        words = replication_kind or low.first("replication", _REPLICATION_WORDS)
        if words:
            return [Choice(REPLICATION, code, pos, _said("replication", words))]
        # with nothing to tell them apart, replication is the likelier reading; the join is a close second
        return [Choice(REPLICATION, code, pos, "no replication or join words: replication is the likelier"),
                Choice(DOMAIN_JOIN, code, pos, "1753 in a domain join (netsetup.log) reads the same")]
    if code == -2146893022:
        words = replication_kind or low.first("replication", _REPLICATION_WORDS)
        first = Choice(WRONG_PRINCIPAL, code, pos, "SEC_E_WRONG_PRINCIPAL")
        return [first] + ([Choice(REPLICATION, code, pos, _said("replication", words))] if words else [])
    if code == 1722:
        exchange = sorted(_EXCHANGE_KINDS & set(kinds)) or low.first("exchange", _EXCHANGE_WORDS, _EXCHANGE_PORTS)
        rpc = Choice(RPC_UNAVAILABLE, code, pos, "the RPC server did not answer")
        return [Choice(EXCHANGE, code, pos, _said("Exchange RPC over HTTP", exchange)), rpc] if exchange else [rpc]
    if code == 1720:
        return [Choice(ENDPOINT_CREATE, code, pos, "RPC_S_CANT_CREATE_ENDPOINT: a fixed port already taken")]
    if code == 87:
        rpc = low.first("rpc", _RPC_WORDS)
        if rpc or _PARAMETER not in low.text:  # the bare message is too common to mean RPC on its own
            return [Choice(PORT_CONFIG, code, pos, _said("the RPC configuration", rpc) if rpc else "error 87")]
    return []


def _said(what: str, evidence: object) -> str:
    """`replication (repadmin-showrepl)` or `Exchange RPC over HTTP ("6001")`: the words that decided."""
    if isinstance(evidence, list):
        return f"{what} ({', '.join(evidence)})"
    if isinstance(evidence, str):
        return f'{what} ("{evidence}")'
    return what


def _demote(choices: list[Choice], errors: list[int], low: _Lower) -> None:
    """Codes met outside an RPC context: an installer, a firewall-rule setup step, a local service not started."""
    stopped = low.first("stopped", _STOPPED) or next((c for c in errors if c in _STOPPED_CODES), None)
    near: dict[str, list[int]] = {}
    for choice in choices:
        if choice.code not in _RPC_CODES:
            continue
        contexts = (("a Windows Installer package", _INSTALLER), ("a setup step adding a firewall rule", _FIREWALL))
        near = near or {name: low.places(words) for name, words in contexts}
        for name, places in near.items():
            if choice.pos >= 0 and _close(places, choice.pos):
                choice.weak = f"the code comes from {name}, not from an RPC call"
        if stopped and choice.symptom in (RPC_UNAVAILABLE, REPLICATION, DOMAIN_JOIN, EXCHANGE) and not choice.weak:
            said = stopped if isinstance(stopped, str) else f"error {stopped}"
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


def explain(why: dict[str, Any]) -> list[str]:
    """The choice in words, for `parse` and the paste screen: which line, code and context picked the symptom,
    the second choice, and the codes offered only weakly. Pasted text is shown without control characters."""
    if not why.get("symptom"):
        lines = ["no RPC symptom recognised"]
    else:
        code = f" (code {why['code']})" if why.get("code") is not None else ""
        lines = [f"{why['symptom']}{code}, because: {why['context']}"]
        if why.get("line"):
            lines.append(f"  line {why['line_no']}: {clean(why['line'], 160)}")
        if second := why.get("second"):
            lines.append(f"  second choice: {second['symptom']} ({second['context']})")
    for weak in why.get("weak", []):
        where = f" (line {weak['line_no']})" if weak.get("line_no") else ""
        lines.append(f"  weak choice: {weak['symptom']}{where}: {weak['why']}")
    return lines


# The tree that examines a replication result a DC records for an inbound partner. Windows records 1753 when
# the source's endpoint mapper lacks DRS (or another host answers there), 1722 when the call gets no answer
# (135 or the DRS port blocked), 8524 when the source's name does not resolve, -2146893022 when another DC
# answers. Samba DCs record their own codes for the same failures (seen on the lab): 64 and then 1234 where
# DRS is not registered or another host answers (Windows: 1753), 121 where the packets are dropped (Windows:
# 1722). A code outside the RPC path (access denied, tombstone lifetime, ...) opens no tree.
REPLICATION_RESULTS: dict[int, str] = {
    1753: REPLICATION, 8524: REPLICATION, 64: REPLICATION, 1234: REPLICATION,
    1722: RPC_UNAVAILABLE, 1727: RPC_UNAVAILABLE, 1726: RPC_UNAVAILABLE, 1256: RPC_UNAVAILABLE, 121: RPC_UNAVAILABLE,
    -2146893022: WRONG_PRINCIPAL,
    1720: ENDPOINT_CREATE,
}


def for_replication_result(code: int | None) -> str | None:
    """The symptom id a replication result code opens, or None (success, or a code no tree examines)."""
    return REPLICATION_RESULTS.get(code) if code else None
