"""PowerShell error records (Get-WmiObject, Get-CimInstance, Invoke-Command, New-PSSession, Restart-Computer...):

    Get-WmiObject : The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)
    At line:1 char:1
    + Get-WmiObject -Class Win32_BIOS -ComputerName server1
        + CategoryInfo          : InvalidOperation: (:) [Get-WmiObject], COMException
        + FullyQualifiedErrorId : GetWMICOMException,Microsoft.PowerShell.Commands.GetWmiObjectCommand

The target is the record's own (CategoryInfo's "(HOST:String)"), else the -ComputerName of the command it
quotes or of the command pasted above it. PowerShell Studio prefixes each line with "ERROR: ".
"""

from __future__ import annotations

import re

from wizard.parsers.common import Found, host, hosts
from wizard.parsers.errorcodes import codes_in

KIND = "powershell-error"
SIGN = re.compile(r"^[ \t]*(?:ERROR:[ \t]*)?[A-Z][a-z]+-[A-Z][A-Za-z]+ : \S"
                  r"|CategoryInfo\s+:|FullyQualifiedErrorId\s*:", re.M)
_HEAD = re.compile(r"^[ \t]*(?:ERROR:[ \t]*)?([A-Z][a-z]+-[A-Z][A-Za-z]+) : (\S.*)$", re.M)
_CATEGORY = re.compile(r"CategoryInfo\s*:\s*(\w+):\s*\(([^)\n]*)\)\s*\[([^\]\n]+)\],\s*(\w+)")
_ERROR_ID = re.compile(r"FullyQualifiedErrorId\s*:\s*([^,\s]+)")
_COMPUTER = re.compile(r"(?:-ComputerName|-cn)\s+['\"]?([A-Za-z0-9][\w.-]*)", re.I)
_NAMED = re.compile(r"(?:the computer|remote server)\s+([A-Za-z0-9][\w.-]*)\s+(?:with|failed)"
                    r"|^\[([\w.-]+)\] Connecting",
                    re.I | re.M)
_RECORD_WORDS = ("CategoryInfo", "Exception", "Connecting to remote server", "error message")
_BODY = 2000  # characters of one record after its first line


def parse(text: str) -> list[Found]:
    heads = list(_HEAD.finditer(text))
    records = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else min(len(text), m.end() + _BODY)
        body = text[m.start():min(end, m.end() + _BODY)]
        if not any(w in body for w in _RECORD_WORDS) and not codes_in(m.group(2)):
            continue  # "Name : value" of Format-List output, not an error record
        records.append(_record(m.group(1), m.group(2), body, text[max(0, m.start() - 600):m.start()]))
    if not records:
        return []
    errors = list(dict.fromkeys(e for r in records for e in r["errors"]))
    return [Found(KIND, heads[0].start(), {"records": records}, errors, hosts(*(r["target"] for r in records)))]


def _record(cmdlet: str, message: str, body: str, before: str) -> dict:
    category = _CATEGORY.search(body)
    target = category.group(2).split(":")[0] if category else ""
    named = _NAMED.search(body)
    quoted = _COMPUTER.search(body) or _last(_COMPUTER.finditer(before))
    for candidate in (target, (named.group(1) or named.group(2)) if named else "", quoted.group(1) if quoted else ""):
        if candidate and not candidate.startswith("$") and host(candidate):
            target = candidate
            break
    else:
        target = ""
    error_id = _ERROR_ID.search(body)
    return {"cmdlet": cmdlet, "message": message.strip()[:300], "target": target,
            "category": category.group(1) if category else "", "exception": category.group(4) if category else "",
            "error_id": error_id.group(1) if error_id else "", "errors": codes_in(body)}


def _last(matches):
    last = None
    for last in matches:  # noqa: B007 - the last command above the record is the one that failed
        pass
    return last
