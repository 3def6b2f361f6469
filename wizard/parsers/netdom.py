"""netdom (join, verify, reset, resetpwd, query, trust...): the command's targets and its result line.

    netdom resetpwd /server:DC01 /userd:CONTOSO\\admin /passwordd:*
    The RPC server is unavailable.
    The command failed to complete successfully.
"""

from __future__ import annotations

import re

from wizard.parsers.common import Found, hosts
from wizard.parsers.errorcodes import codes_in

KIND = "netdom"
SIGN = re.compile(r"\bnetdom(?:\.exe)?\s+[a-z]+", re.I)
_COMMAND = re.compile(r"\bnetdom(?:\.exe)?\s+([a-z]+)\b([^\n]*)", re.I)
_TARGET = re.compile(r"^\s*([A-Za-z0-9][\w.-]*)(?=\s|$)")
_SERVER = re.compile(r"/(?:server|s):([\w.-]+)", re.I)
_RESULT = re.compile(r"The command (completed successfully|failed to complete successfully)", re.I)
_VERBS_WITH_TARGET = {"join", "verify", "reset", "resetpwd", "remove", "move", "renamecomputer", "trust",
                      "computername"}


def parse(text: str) -> list[Found]:
    commands = []
    for m in _COMMAND.finditer(text):
        verb, rest = m.group(1).lower(), m.group(2)
        after = text[m.end():m.end() + 1500]
        result = _RESULT.search(after)
        target = _TARGET.match(rest) if verb in _VERBS_WITH_TARGET else None
        commands.append({"verb": verb, "target": target.group(1) if target and not target.group(1).startswith("/")
                         else "", "servers": _SERVER.findall(rest),
                         "result": ("ok" if result.group(1).lower().startswith("completed") else "failed") if result
                         else "", "errors": codes_in(after[:result.start()] if result else "")})
    if not commands:
        return []
    errors = list(dict.fromkeys(e for c in commands for e in c["errors"]))
    names = [n for c in commands for n in (c["target"], *c["servers"])]
    return [Found(KIND, _COMMAND.search(text).start(), {"commands": commands}, errors, hosts(*names))]
