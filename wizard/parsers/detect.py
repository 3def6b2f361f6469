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
from wizard.parsers.common import Found, LineIndex, guids, pick, unique
from wizard.parsers.errorcodes import scan, unique_codes
from wizard.parsers.hostnames import hosts_in
from wizard.parsers.model import UNKNOWN, ParsedPaste
from wizard.parsers.symptoms import suggest

# reader, the literal words of the lines it reads (as the tool prints them), and its window: how many lines
# above and below each such line it needs (None: the whole paste, for readers made of whole-text patterns).
# A reader none of whose words is in the paste is not run; the others see their lines only (common.pick).
READERS: tuple[tuple[ModuleType, tuple[str, ...], tuple[int, int] | None], ...] = (
    (dcdiag, ("Starting test:", "Testing server:", "Directory Server Diagnosis", "Doing primary tests",
              "DsBindWithSpnEx", "passed test", "failed test", "LDAP bind failed", "attribute search failed"), None),
    (repadmin, ("INBOUND NEIGHBORS", "OUTBOUND NEIGHBORS", "====", "DSA object GUID", "DSA invocationID",
                "DSA Options", "Site Options", "Last attempt @", "Last success @", "consecutive failure", "via RPC",
                "showrepl_", "Source DSA", "Destination DSA", "largest delta", "Replication Summary",
                "operational errors", "DC=", "CN=", "\\", " / "), (1, 3)),
    (syncall, ("Syncing all NC", "CALLBACK MESSAGE", "SyncAll", "Error issuing", "Error contacting", "From:", "To ",
               "Syncing partition"), (0, 3)),
    (netsetup, ("Netp", "NetUse", "NetUser", "NetJoin", "NetUnjoin", "ldap_", "DsGetDcName", "Name:", "Domain:",
                "Machine:", "lpDomain", "lpDcName", "MachineAccountOU", "Options:"), (0, 0)),
    (event, ("Log Name", "Source:", "Event ID", "EventID", "Event Source", "ProviderName", "Id ", "Level",
             "EntryType", "Event Type", "Computer", "MachineName", "TimeCreated", "TimeGenerated", "Message",
             "Description", "Date:", "Time:", "User:", "Keywords", "Task Category", "Event Category"), (0, 25)),
    (endpoints, ("portqry", "PortQry", "Querying", "port ", "Endpoint", "endpoints found", "ProtSeq", "Bindings",
                 "rpcdump", "TcpTestSucceeded", "ComputerName", "RemoteAddress", "RemotePort", "Retrieving endpoint",
                 "UUID", "ncacn_", "ncalrpc", "ncadg_", "Annotation", "StringBinding", "resolved to",
                 "Failed to resolve", "Impacket", "Protocol:", "Provider:", "End of RPC"), (1, 2)),
    (nslookup, ("nslookup", "Server:", "Address", "Name:", "Aliases:", "can't find", "canonical name",
                "Non-authoritative", "internet address", "nameserver", "timed out", "***"), (1, 4)),
    (nbtstat, ("NetBIOS Remote Machine Name Table", "Node IpAddress", "Host not found", "nbtstat", "<00>", "<20>",
               "<1C>", "<1B>", "<1D>", "<1E>", "UNIQUE", "GROUP", "MAC Address"), (1, 2)),
    (ipconfig, ("Windows IP Configuration", "adapter ", " . ", "DNS Servers", "DNS servers"), (0, 3)),
    (showobjmeta, ("Loc.USN", "showobjmeta", "showattr", "objectGUID", "<GUID=", "CNF:"), None),
    (netsh, ("dynamicport", "Dynamic Port Range", "Start Port", "Number of Ports"), (0, 0)),
    (regquery, ("HKEY_", "HKLM", "HKCU", "HKCR", "HKU", "HKCC", "query", "QUERY", "REG_", "unable to find"), (0, 0)),
    (sc, ("SERVICE_NAME", "[SC]", "sc ", "sc.exe", "SC ", "STATE", "START_TYPE", "DISPLAY_NAME"), (0, 0)),
    (powershell, (" : ", "CategoryInfo", "FullyQualifiedErrorId"), (3, 12)),
    (nltest, ("nltest", "NLTEST", "I_NetLogonControl", "Trusted DC", "Trust Verification", "failed: Status ="),
     (1, 2)),
    (netdom, ("netdom", "NETDOM", "Netdom"), (0, 30)),
    (rpchttp, ("rpcping", "RPCPing", "RPCPING", "Completed ", "RPC_IN_DATA", "RPC_OUT_DATA", "rpcproxy", "RpcProxy",
               "RPC Error", "ExRCA", "Connectivity Analyzer", "connectivity", "endpoint with identity", "Testing ",
               "Attempting", "Host ", "Exception "), (2, 12)),
)
PARSERS = tuple(reader for reader, _, _ in READERS)
# Failure reports come first: they say what broke; the other outputs are checks run to find out why.
REPORTS = ("dcdiag", "repadmin-showrepl", "repadmin-replsum", "repadmin-syncall", "netsetup-log", "event",
           "powershell-error", "nltest", "netdom", "rpcping", "rpcproxy-log", "connectivity-analyzer")
log = logging.getLogger(__name__)


def parse_text(text: str) -> ParsedPaste:
    """Detect the outputs in a paste (several may be pasted together) and read their facts."""
    if len(text) > MAX_CHARS:
        raise too_big("the text", len(text.encode("utf-8", "replace")))
    clean = clean_text(text)
    index = LineIndex(clean)  # one index of the lines, shared by every reader
    found = sorted(_run_all(index), key=lambda f: (f.kind not in REPORTS, f.pos))
    if not found and not clean.strip():
        return ParsedPaste()
    kinds = list(dict.fromkeys(f.kind for f in found))
    where: dict[int, int] = {}
    for pos, code in scan(clean, index):
        where.setdefault(code, pos)
    errors = unique_codes([e for f in found for e in f.errors] + list(where))
    events = [e["id"] for f in found if f.kind == "event" for e in f.facts["events"]]
    symptoms, why = suggest(errors, kinds, events, clean, where)
    return ParsedPaste(kind=kinds[0] if kinds else UNKNOWN, kinds=kinds, errors=errors,
                       hosts=unique([h for f in found for h in f.hosts] + hosts_in(index)), guids=guids(clean),
                       symptoms=symptoms, facts={f.kind: f.facts for f in found}, why=why)


def _run_all(index: LineIndex) -> list[Found]:
    found = []
    for reader, words, window in READERS:
        if not any(word in index.text for word in words):
            continue
        try:
            found += _offer(reader, words, window, index)
        except Exception:  # noqa: BLE001 - one parser's bug must not lose what the others found
            log.exception("parser %s failed", reader.__name__)
    return found


def _offer(reader: ModuleType, words: tuple[str, ...], window: tuple[int, int] | None,
           index: LineIndex) -> list[Found]:
    """The reader's findings on its lines (and their windows), positions mapped back to the paste."""
    if window is None:
        return reader.parse(index.text)
    picked = pick(index, words, *window)
    found = reader.parse(picked.text)
    for f in found:
        f.pos = picked.at(f.pos)
    return found
