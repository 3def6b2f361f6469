"""nltest (/sc_query, /sc_verify, /sc_reset, /query, /dsgetdc, /server:): the secure channel's DC and statuses.

    Trusted DC Name \\\\dc10.domain.example
    Trusted DC Connection Status Status = 1311 0x51f ERROR_NO_LOGON_SERVERS
    I_NetLogonControl failed: Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE
"""

from __future__ import annotations

import re

from wizard.parsers.common import Found, hosts

KIND = "nltest"
SIGN = re.compile(r"\bnltest\b|I_NetLogonControl failed|Trusted DC (?:Name|Connection Status)|Trust Verification Status"
                  r"|Getting parent domain failed", re.I)
_STATUS = re.compile(r"^\s*(I_NetLogonControl failed|Trusted DC Connection Status|Trust Verification Status"
                     r"|Getting parent domain failed|DsGetDcName failed|[A-Za-z_ ]{3,40} failed)\s*:?\s*Status\s*=\s*"
                     r"(\d{1,10})(?:\s+(0x[0-9a-f]+))?(?:\s+([A-Z_]+))?", re.I | re.M)
_DC = re.compile(r"^\s*(?:Trusted DC Name|DC:)\s*\\\\([^\s\\]+)", re.I | re.M)
_COMMAND = re.compile(r"\bnltest(?:\.exe)?((?:\s+/[\w:.-]+)+)", re.I)
_SERVER = re.compile(r"/server:([\w.-]+)", re.I)


def parse(text: str) -> list[Found]:
    statuses = [{"what": w.strip(), "status": int(c), "symbol": s or ""} for w, c, _, s in _STATUS.findall(text)]
    commands = [c.strip() for c in _COMMAND.findall(text)]
    if not statuses and not commands:
        return []
    first = min(m.start() for m in (_STATUS.search(text), _COMMAND.search(text)) if m)
    dcs = _DC.findall(text)
    servers = [s for c in commands for s in _SERVER.findall(c)]
    facts = {"commands": commands, "statuses": statuses, "dc": dcs[0] if dcs else "", "servers": servers}
    errors = list(dict.fromkeys(s["status"] for s in statuses if s["status"]))
    return [Found(KIND, first, facts, errors, hosts(*servers, *dcs))]
