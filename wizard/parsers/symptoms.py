"""Which symptom a paste points to: from its failure codes (most important first) and their setting."""

from __future__ import annotations

import re

REPLICATION = "ad-replication-1753"
DOMAIN_JOIN = "domain-join-0x6d9"
RPC_UNAVAILABLE = "rpc-unavailable-1722"
EXCHANGE = "exchange-rpc-http-1722"
ENDPOINT_CREATE = "endpoint-create-1720"
WRONG_PRINCIPAL = "target-principal-2146893022"
PORT_CONFIG = "rpc-port-config-87"

_REPLICATION_KINDS = {"dcdiag", "repadmin-showrepl", "repadmin-replsum", "repadmin-syncall"}
_REPLICATION_EVENTS = {1655, 1925, 1265, 1311, 1864, 2087, 2088}
_REPLICATION_WORDS = re.compile(r"replicat|naming context|directory partition|Check Replication Topology"
                                r"|DsBindWithSpnEx|NTDS", re.I)
_JOIN_WORDS = re.compile(r"netsetup|NetpDoDomainJoin|domain join|\bjoin(?:ing)?\b[^.\n]{0,40}\bdomain|Add-Computer"
                         r"|netdom join", re.I)
_EXCHANGE_WORDS = re.compile(r"\b600[124]\b|RPCPing|Outlook Anywhere|RPC over HTTP|Rpcproxy|ValidPorts"
                             r"|Remote Connectivity Analyzer|\bExchange (?:Server|20\d\d)|Microsoft Exchange"
                             r"|MSExchange", re.I)
_RPC_WORDS = re.compile(r"\bRPC\b|Netlogon|endpoint|Rpc\\?Internet|AuthZ|5820", re.I)
_PARAMETER = re.compile(r"the parameter is incorrect", re.I)


def suggest(errors: list[int], kinds: list[str], events: list[int], text: str) -> list[str]:
    """Symptom ids, best first."""
    found: list[str] = []
    replication = bool(_REPLICATION_KINDS & set(kinds) or _REPLICATION_EVENTS & set(events)
                       or _REPLICATION_WORDS.search(text))
    joining = "netsetup-log" in kinds or bool(_JOIN_WORDS.search(text))
    for code in errors:
        if code == 1753:
            if joining and not _REPLICATION_KINDS & set(kinds):
                found.append(DOMAIN_JOIN)
            else:  # with nothing to tell them apart, replication is the likelier reading
                found += [REPLICATION] if replication else [REPLICATION, DOMAIN_JOIN]
        elif code == -2146893022:
            found += [WRONG_PRINCIPAL] + ([REPLICATION] if replication else [])
        elif code == 1722:
            found += ([EXCHANGE] if _EXCHANGE_WORDS.search(text) else []) + [RPC_UNAVAILABLE]
        elif code == 1720:
            found.append(ENDPOINT_CREATE)
        elif code == 87 and (_RPC_WORDS.search(text) or not _PARAMETER.search(text)):
            found.append(PORT_CONFIG)  # the bare message is too common to mean RPC on its own
    if 5820 in events:
        found.append(PORT_CONFIG)
    return list(dict.fromkeys(found))


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
