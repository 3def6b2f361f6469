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
