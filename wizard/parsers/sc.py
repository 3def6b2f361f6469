"""sc qc / sc query / sc queryex: a service's start type and state, as the service control manager reports them.

    SERVICE_NAME: RpcSs
            STATE              : 4  RUNNING            (sc query, sc queryex)
            START_TYPE         : 2   AUTO_START        (sc qc; `2   AUTO_START  (DELAYED)` when delayed)

Several services may be pasted (sc qc RpcSs, then sc query RpcSs): each service's lines are merged. A service
that does not exist (`[SC] OpenService FAILED 1060`) is listed under `missing`, named by its command line.
The numbers are the SCM's own (SERVICE_RUNNING = 4, SERVICE_AUTO_START = 2, ...), put in the words the
services probe uses, so a paste and the probe are judged alike.
"""

from __future__ import annotations

import re

from wizard.parsers.common import Found
from wizard.verdicts.services import ERROR_SERVICE_DOES_NOT_EXIST, START_TYPES, STATES  # the probe's words too

KIND = "sc-service"

_COMMAND = re.compile(r"\bsc(?:\.exe)?\s+(?:\\\\([^\s\\]+)\s+)?(?:qc|query|queryex)\s+\"?([\w.$-]+)", re.I)
_NAME = re.compile(r"^\s*SERVICE_NAME\s*:\s*(\S+)", re.I)
_STATE = re.compile(r"^\s*STATE\s*:\s*(\d{1,9})\b", re.I)
_START = re.compile(r"^\s*START_TYPE\s*:\s*(\d{1,9})\b(.*)$", re.I)
_DISPLAY = re.compile(r"^\s*DISPLAY_NAME\s*:\s*(.*?)\s*$", re.I)
_FAILED = re.compile(r"\[SC\]\s*\w+(?::\w+)?\s+FAILED\s+(\d{1,10})", re.I)


def parse(text: str) -> list[Found]:
    services: dict[str, dict] = {}
    missing: list[str] = []
    current: dict | None = None
    asked, server, pos, offset = "", "", None, 0
    for line in text.split("\n"):
        if m := _COMMAND.search(line):
            server, asked, current = m.group(1) or server, m.group(2), None
        elif m := _NAME.match(line):
            current = services.setdefault(m.group(1).lower(), _service(m.group(1)))
            pos = offset if pos is None else pos
        elif m := _FAILED.search(line):
            if int(m.group(1)) == ERROR_SERVICE_DOES_NOT_EXIST and asked and asked not in missing:
                missing.append(asked)
                pos = offset if pos is None else pos
            current = None
        elif current is not None:
            _read_field(current, line)
        offset += len(line) + 1
    found = [s for s in services.values() if s["state"] or s["start_type"]]
    if pos is None or not (found or missing):
        return []
    return [Found(KIND, pos, {"server": server, "services": found, "missing": missing})]


def _service(name: str) -> dict:
    return {"name": name, "display_name": "", "state": "", "start_type": "", "delayed": False}


def _read_field(service: dict, line: str) -> None:
    if m := _STATE.match(line):
        service["state"] = STATES.get(int(m.group(1)), m.group(1))
    elif m := _START.match(line):
        service["start_type"] = START_TYPES.get(int(m.group(1)), m.group(1))
        service["delayed"] = "DELAYED" in m.group(2).upper()
    elif m := _DISPLAY.match(line):
        service["display_name"] = m.group(1)[:200]
