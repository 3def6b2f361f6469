"""Replication status as the DCs record it: one Pair per destination, source and naming context, whether
read live (repsFrom over LDAP) or from a paste (`repadmin /showrepl * /csv`, /showrepl, /replsum). Pure.

A pair's symptom is the tree that examines its code (parsers.symptoms.REPLICATION_RESULTS): the one rule
both the live read and the pastes use.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from wizard.exitcodes import EXIT_CAUSE, EXIT_OK, EXIT_UNSURE
from wizard.parsers import repadmin, showrepl_csv
from wizard.parsers.cleanup import clean_text
from wizard.parsers.errorcodes import BY_VALUE
from wizard.parsers.symptoms import for_replication_result

ANY = "*"  # repadmin /replsum names one side of a pair only: the other is every partner
JSON_FIELDS = ("destination", "source", "source_guid", "naming_context", "last_result", "last_result_text",
               "consecutive_failures", "last_attempt", "last_success", "symptom")


def result_text(code: int) -> str:
    """The system message of a result code (Windows' words; Samba records the same Win32 numbers)."""
    if code == 0:
        return "The operation completed successfully."
    known = BY_VALUE.get(code)
    return f"{known.symbol}: {known.message}" if known else f"Error {code} (0x{code & 0xFFFFFFFF:x})."


@dataclass
class Pair:
    destination: str
    source: str
    naming_context: str
    last_result: int
    consecutive_failures: int | None = 0
    last_attempt: str | None = None
    last_success: str | None = None
    source_guid: str | None = None  # the source's NTDS Settings objectGUID, as the destination knows it
    destination_site: str = ""
    source_site: str = ""
    transport: str = "RPC"
    destination_fqdn: str = ""  # the name to diagnose against (the live read knows it; a paste may not)
    source_fqdn: str = ""

    @property
    def failing(self) -> bool:
        return self.last_result != 0

    @property
    def symptom(self) -> str | None:
        return for_replication_result(self.last_result)

    @property
    def last_result_text(self) -> str:
        return result_text(self.last_result)

    def to_dict(self) -> dict[str, Any]:
        values = {**asdict(self), "last_result_text": self.last_result_text, "symptom": self.symptom}
        return {key: values[key] for key in JSON_FIELDS}


@dataclass
class Status:
    """Every pair read, and the DCs that could not be read (with why)."""

    forest: str = ""
    pairs: list[Pair] = field(default_factory=list)
    unreadable: list[dict[str, str]] = field(default_factory=list)  # {dc, why}

    @property
    def failing(self) -> list[Pair]:
        return [p for p in self.pairs if p.failing]

    def exit_code(self) -> int:
        """0 every pair healthy, 1 some pair failing, 2 some DC unreadable (or nothing read at all)."""
        if self.failing:
            return EXIT_CAUSE
        if self.unreadable or not self.pairs:
            return EXIT_UNSURE
        return EXIT_OK

    def worst(self, destination: str) -> Pair | None:
        """The destination's worst inbound pair: a failing one with the most consecutive failures first."""
        mine = [p for p in self.pairs if p.destination.lower() == destination.lower()]
        return max(mine, key=lambda p: (p.failing, p.consecutive_failures or 0), default=None)


def from_paste(text: str) -> Status:
    """The pairs a paste holds: `repadmin /showrepl * /csv`, /showrepl's text and /replsum's tables."""
    text = clean_text(text)
    info, errors = showrepl_csv.rows(text)
    status = Status(pairs=[_csv_pair(row) for row in info], unreadable=errors)
    for found in repadmin.parse(text):
        if found.kind == repadmin.SHOWREPL and not info:
            status.pairs += _showrepl_pairs(found.facts)
        elif found.kind == repadmin.REPLSUM:
            status.pairs += _replsum_pairs(found.facts)
            status.unreadable += [{"dc": o["server"], "why": result_text(o["error"] or 0)}
                                  for o in found.facts["operational_errors"]]
    return status


def _csv_pair(row: dict[str, str]) -> Pair:
    code = showrepl_csv.status(row)
    success = showrepl_csv.when(row.get("Last Success Time"))
    # the CSV has the last failure's time, not the last attempt's: a failing pair's last attempt is its last
    # failure, a healthy pair's its last success
    attempt = showrepl_csv.when(row.get("Last Failure Time")) if code else success
    return Pair(row.get("Destination DSA", ""), row.get("Source DSA", ""), row.get("Naming Context", ""), code,
                showrepl_csv.failures(row), attempt, success, None, row.get("Destination DSA Site", ""),
                row.get("Source DSA Site", ""), row.get("Transport Type", "RPC"))


def _showrepl_pairs(facts: dict[str, Any]) -> list[Pair]:
    return [Pair(n.get("destination") or facts.get("server", ""), n["source"], n["naming_context"], n["result"] or 0,
                 n["consecutive_failures"], n["last_attempt"] or None, n["last_success"] or None,
                 n["dsa_guid"] or None, facts.get("site", ""), n.get("site", ""), n.get("transport", "RPC"))
            for n in facts["neighbors"] if n.get("direction", "inbound") == "inbound"]


def _replsum_pairs(facts: dict[str, Any]) -> list[Pair]:
    """/replsum counts failing partners per DC, not pairs: each row is the DC against every partner (`*`)."""
    pairs = [Pair(ANY, row["dsa"], "", _replsum_code(row), None) for row in facts["source"]]
    return pairs + [Pair(row["dsa"], ANY, "", _replsum_code(row), None) for row in facts["destination"]]


def _replsum_code(row: dict[str, Any]) -> int:
    return row["error"] or (0 if not row["fails"] else -1)
