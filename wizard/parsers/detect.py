"""parse_text: offer a paste to the readers that can use it and merge what they found."""

from __future__ import annotations

import logging
from types import ModuleType

from wizard.parsers import (
    dcdiag,
    endpoints,
    event,
    ipconfig,
    nbtstat,
    netdom,
    netsetup,
    netsh,
    nltest,
    nslookup,
    powershell,
    regquery,
    repadmin,
    rpchttp,
    sc,
    showobjmeta,
    syncall,
)
from wizard.parsers.cleanup import MAX_CHARS, clean_text, too_big
from wizard.parsers.common import Found, guids, unique
from wizard.parsers.errorcodes import scan, unique_codes
from wizard.parsers.hostnames import hosts_in
from wizard.parsers.model import UNKNOWN, ParsedPaste
from wizard.parsers.symptoms import suggest

# reader and the literal words of its kind, as the tool prints them: a reader none of whose words is in the
# paste is not run at all (str.find runs at memory speed; a regex over the whole paste would not)
READERS: tuple[tuple[ModuleType, tuple[str, ...]], ...] = (
    (dcdiag, ("Starting test:", "Testing server:", "Directory Server Diagnosis", "Doing primary tests",
              "DsBindWithSpnEx", "passed test", "failed test", "LDAP bind failed", "attribute search failed")),
    (repadmin, ("INBOUND NEIGHBORS", "DSA object GUID", "DSA invocationID", "Last attempt @", "consecutive failure",
                "showrepl_", "DSA", "largest delta")),
    (syncall, ("Syncing all NC", "CALLBACK MESSAGE", "SyncAll ")),
    (netsetup, ("Netp", "NetUse", "NetUser", "NetJoin", "NetUnjoin", "ldap_", "DsGetDcName")),
    (event, (":",)),
    (endpoints, ("portqry", "PortQry", "Querying", "port ", "Endpoint Mapper", "endpoints found", "ProtSeq",
                 "Bindings", "rpcdump", "TcpTestSucceeded", "Retrieving endpoint", "UUID", "ncacn_", "ncalrpc")),
    (nslookup, ("nslookup", "Server:", "can't find", "canonical name", "Address")),
    (nbtstat, ("NetBIOS Remote Machine Name Table", "Node IpAddress", "Host not found", "nbtstat")),
    (ipconfig, ("Windows IP Configuration", "DNS Servers", "DNS servers")),
    (showobjmeta, ("Loc.USN", "showobjmeta")),
    (netsh, ("dynamicport", "Dynamic Port Range")),
    (regquery, ("HKEY_", "HKLM", "HKCU", "query", "REG_")),
    (sc, ("SERVICE_NAME", "[SC]", "sc ", "sc.exe")),
    (powershell, (" : ", "CategoryInfo", "FullyQualifiedErrorId")),
    (nltest, ("nltest", "NLTEST", "I_NetLogonControl", "Trusted DC", "Trust Verification", "failed: Status =")),
    (netdom, ("netdom", "NETDOM", "Netdom")),
    (rpchttp, ("rpcping", "RPCPing", "RPCPING", "Completed ", "RPC_IN_DATA", "RPC_OUT_DATA", "rpcproxy", "RpcProxy",
               "RPC Error", "ExRCA", "Connectivity Analyzer", "connectivity", "endpoint with identity")),
)
PARSERS = tuple(reader for reader, _ in READERS)
# Failure reports come first: they say what broke; the other outputs are checks run to find out why.
REPORTS = ("dcdiag", "repadmin-showrepl", "repadmin-replsum", "repadmin-syncall", "netsetup-log", "event",
           "powershell-error", "nltest", "netdom", "rpcping", "rpcproxy-log", "connectivity-analyzer")
log = logging.getLogger(__name__)


def parse_text(text: str) -> ParsedPaste:
    """Detect the outputs in a paste (several may be pasted together) and read their facts."""
    if len(text) > MAX_CHARS:
        raise too_big("the text", len(text.encode("utf-8", "replace")))
    clean = clean_text(text)
    found = sorted(_run_all(clean), key=lambda f: (f.kind not in REPORTS, f.pos))
    if not found and not clean.strip():
        return ParsedPaste()
    kinds = list(dict.fromkeys(f.kind for f in found))
    where: dict[int, int] = {}
    for pos, code in scan(clean):
        where.setdefault(code, pos)
    errors = unique_codes([e for f in found for e in f.errors] + list(where))
    events = [e["id"] for f in found if f.kind == "event" for e in f.facts["events"]]
    symptoms, why = suggest(errors, kinds, events, clean, where)
    return ParsedPaste(kind=kinds[0] if kinds else UNKNOWN, kinds=kinds, errors=errors,
                       hosts=unique([h for f in found for h in f.hosts] + hosts_in(clean)), guids=guids(clean),
                       symptoms=symptoms, facts={f.kind: f.facts for f in found}, why=why)


def _run_all(text: str) -> list[Found]:
    found = []
    for reader, words in READERS:
        if not any(word in text for word in words):
            continue
        try:
            found += reader.parse(text)
        except Exception:  # noqa: BLE001 - one parser's bug must not lose what the others found
            log.exception("parser %s failed", reader.__name__)
    return found
