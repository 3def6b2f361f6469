"""What a paste parses into."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

UNKNOWN = "unknown"
KINDS = ("dcdiag", "repadmin-showrepl", "repadmin-replsum", "repadmin-syncall", "netsetup-log", "event", "portqry",
         "rpcdump", "nslookup", "nbtstat", "ipconfig", "repadmin-showobjmeta", "netsh-dynamicport", "reg-query",
         "sc-service", "powershell-error", "nltest", "netdom", "rpcping", "rpcproxy-log", "connectivity-analyzer")


@dataclass
class ParsedPaste:
    kind: str = UNKNOWN  # the primary kind: the failure report if there is one, else the first output
    kinds: list[str] = field(default_factory=list)  # every kind found, primary first
    errors: list[int] = field(default_factory=list)  # failure codes, signed 32-bit decimal, most important first
    hosts: list[str] = field(default_factory=list)
    guids: list[str] = field(default_factory=list)  # lowercase, in order of appearance
    symptoms: list[str] = field(default_factory=list)  # suggested symptom ids, best first
    facts: dict[str, Any] = field(default_factory=dict)  # per kind
    # why the first symptom: {symptom, code, line_no, line, context, second?, weak?}; symptom None when none is sure
    why: dict[str, Any] = field(default_factory=lambda: {"symptom": None})

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "kinds": list(self.kinds), "errors": list(self.errors),
                "hosts": list(self.hosts), "guids": list(self.guids), "symptoms": list(self.symptoms),
                "why": self.why, "facts": self.facts}
