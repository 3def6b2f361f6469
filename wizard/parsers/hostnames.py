"""Host names wherever a paste names a computer, whatever the tool: the classes kind readers leave out.

Each class is one pattern with a named group `h` (the host) and a literal anchor (a backslash, a switch, a
label), so one combined regex finds them all in one pass:

    UNC            \\\\HOST, \\\\HOST.domain, \\HOST\\share (forums eat one backslash); never C:\\dir\\ or DOMAIN\\user
    endpoint       "endpoint with identity: HOST:6001", "HOST:6001" in an RPC proxy log (ports 6001/6002/6004, 593)
    PowerShell     -ComputerName HOST / -cn HOST, an error record's "(HOST:String)", "the computer HOST with",
                   "Connecting to remote server HOST failed", "[HOST] Connecting to remote server"
    nltest         /server:HOST, "Trusted DC Name \\\\HOST", "DC: \\\\HOST"
    netdom         /server:HOST (/s:HOST), "netdom join|verify|reset|resetpwd|remove|move|renamecomputer HOST"
    rpcping        -s HOST / /s HOST, RpcProxy=HOST
    analyzer       "connectivity to server HOST", "RPC proxy server: HOST", "Exchange server: HOST",
                   "Host HOST couldn't be resolved"
    Kerberos       "error from the server HOST$" (or host/HOST), "The target name used was cifs/HOST"
    DCOM, dcdiag   "unable to communicate with the computer HOST", "trying to reach HOST"
"""

from __future__ import annotations

import re

from wizard.parsers.common import LineIndex, host, pick, unique

_NAME = r"([A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*)"
_DOTTED = r"([A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63})+)"
# (the literal words a class needs on its line, its pattern): each pattern starts with its literal, so it runs
# at the regex engine's fast literal search, and only over the lines holding one of its words (common.pick)
_CLASSES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple((words, re.compile(rx, re.M)) for words, rx in (
    # UNC: two backslashes, or one before a share or a dotted name; not after a drive letter, a word or a %VAR%
    (("\\",), r"\\(?<![\w:%\\]\\)(?:\\" + _NAME + r"|" + _DOTTED + r"(?=\.?[\s,)'\"]|$)"
              r"|" + _NAME + r"(?=\\(?:netlogon|sysvol|ipc\$|admin\$|c\$|NETLOGON|SYSVOL)))"),
    ((":600", ":593"), r"\b" + _NAME + r":(?:600[124]|593)\b"),
    (("-ComputerName", "-computername", "-computerName", "-cn "), r"-(?:[Cc]omputer[Nn]ame|cn)\s+['\"]?" + _NAME),
    ((":String)",), r"\(" + _NAME + r":String\)"),
    (("computer ", "remote server "), r"(?:the computer|remote server)\s+" + _NAME + r"\s+(?:with|failed)"),
    (("] Connecting",), r"^\s*\[" + _NAME + r"\] Connecting to remote server"),
    (("/server:", "/s:", "/SERVER:", "/Server:", "/S:"), r"/(?:[Ss]erver|SERVER|[sS]):\s*\\{0,2}" + _NAME),
    (("netdom", "NETDOM", "Netdom"), r"[Nn][Ee][Tt][Dd][Oo][Mm](?:\.exe)?\s+(?:join|verify|reset|resetpwd|remove|move"
                                     r"|renamecomputer|trust|JOIN|VERIFY|RESET|RESETPWD|REMOVE|MOVE|TRUST)\s+" + _NAME),
    (("rpcping", "RPCPing", "RPCPING"), r"(?:rpcping|RPCPing|RPCPING)(?:\.exe)?\b[^\n]{0,120}?\s[-/]s\s+" + _NAME),
    (("RpcProxy=",), r"RpcProxy=" + _NAME),
    (("connectivity to server", "proxy server:", "Exchange server:"),
     r"(?:connectivity to server|RPC proxy server:|Exchange server:)\s+" + _NAME),
    (("couldn't be resolved",), r"Host\s+" + _NAME + r"\s+couldn't be resolved"),
    (("from the server",), r"from the server\s+(?:[A-Za-z]+/)?" + _NAME),
    (("target name used",), r"target name used was\s+[A-Za-z]+/" + _NAME),
    (("communicate with the computer", "trying to reach", "from machine", "endpoint list from"),
     r"(?:communicate with the computer|when we were trying to reach|from machine|Retrieving endpoint list from)"
     r"\s+" + _NAME),
))
# words that look like names after these anchors but are not computers
_NOT_HOSTS = {"string", "localhost", "netlogon", "sysvol", "windows", "system32", "users", "program", "temp",
              "the", "a", "an", "with", "failed", "share", "server", "computer", "n", "r", "t"}


def hosts_in(text: str | LineIndex) -> list[str]:
    """Every host a known class names in the text, in order, each once (case-insensitive)."""
    index = text if isinstance(text, LineIndex) else LineIndex(text)
    found: list[tuple[int, str]] = []
    for words, rx in _CLASSES:
        picked = pick(index, words)
        for m in rx.finditer(picked.text):
            name = next((g for g in m.groups() if g), "").rstrip(".$")
            if name.lower() not in _NOT_HOSTS and not name.isdigit() and host(name):
                found.append((picked.at(m.start()), name))
    return unique(name for _, name in sorted(found))
