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

from wizard.parsers.common import host, lines_with, unique

_NAME = r"(?P<h>[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*)"
_DOTTED = r"(?P<h>[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63})+)"
_CLASSES = (
    # UNC: two backslashes, or one before a share or a dotted name; not after a drive letter, a word or a %VAR%
    r"(?:(?<![\w:%\\])\\\\" + _NAME + r"|(?<![\w:%\\$])\\" + _DOTTED + r"(?=\.?[\s,)'\"]|$)"
    r"|(?<![\w:%\\$])\\" + _NAME + r"(?=\\(?:netlogon|sysvol|ipc\$|admin\$|c\$)))",
    r"(?:endpoint with identity:\s*)?\b" + _NAME + r":(?:600[124]|593)\b",
    r"(?i:-ComputerName|-cn)\s+['\"]?" + _NAME,
    r"\(" + _NAME + r":String\)",
    r"(?i:the computer|remote server)\s+" + _NAME + r"\s+(?i:with|failed)",
    r"^\s*\[" + _NAME + r"\] Connecting to remote server",
    r"(?i:/server:|/s:)\s*\\{0,2}" + _NAME,
    r"(?i:\bnetdom(?:\.exe)?\s+(?:join|verify|reset|resetpwd|remove|move|renamecomputer|trust)\s+)" + _NAME,
    r"(?i:\brpcping(?:\.exe)?\b[^\n]{0,120}?\s[-/]s\s+)" + _NAME,
    r"(?i:RpcProxy=)" + _NAME,
    r"(?i:connectivity to server|RPC proxy server:|Exchange server:)\s+" + _NAME,
    r"\bHost\s+" + _NAME + r"\s+couldn't be resolved",
    r"(?i:error from the server)\s+(?:[A-Za-z]+/)?" + _NAME,
    r"(?i:The target name used was)\s+[A-Za-z]+/" + _NAME,
    r"(?i:unable to communicate with the computer|when we were trying to reach|from machine"
    r"|Retrieving endpoint list from)\s+" + _NAME,
)
_HOSTS = re.compile("|".join(f"(?:{c})" for c in _CLASSES).replace("(?P<h>", "("), re.M)
# every class has one of these literal anchors, as the tools print them
ANCHORS = ("\\", ":600", ":593", "-ComputerName", "-computername", "-cn ", ":String)", "computer ", "remote server",
           "/server:", "/s:", "/SERVER:", "/Server:", "netdom", "NETDOM", "rpcping", "RPCPing", "RpcProxy=",
           "connectivity to server", "proxy server:", "Exchange server:", "couldn't be resolved", "from the server",
           "target name used", "trying to reach", "from machine", "endpoint list from")
# words that look like names after these anchors but are not computers
_NOT_HOSTS = {"string", "localhost", "netlogon", "sysvol", "windows", "system32", "users", "program", "temp",
              "the", "a", "an", "with", "failed", "share", "server", "computer", "n", "r", "t"}


def hosts_in(text: str) -> list[str]:
    """Every host a known class names in the text, in order, each once (case-insensitive)."""
    found = []
    for m in _HOSTS.finditer(lines_with(text, ANCHORS)):
        name = next((g for g in _groups(m) if g), "")
        name = name.rstrip(".$")
        if name.lower() not in _NOT_HOSTS and not name.isdigit() and host(name):
            found.append(name)
    return unique(found)


def _groups(m: re.Match[str]) -> list[str]:
    """The host of whichever class matched: the combined regex numbers each class's group in turn."""
    return [g for g in m.groups() if g]
