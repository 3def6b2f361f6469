"""GUID comparisons (document 000): the NTDS Settings objectGUID the destination DC uses for the source
against the one the source DC holds for itself. Different means a stale NTDS Settings object (a DC
demoted and promoted again, metadata never cleaned up), not a DNS fault."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.verdicts.verdict import Verdict


def same_guid(a: str, b: str) -> bool:
    """Equal GUIDs, whatever their case or braces."""
    def norm(g: str) -> str:
        return g.strip().strip("{}").lower()
    return bool(norm(a)) and norm(a) == norm(b)


@dataclass(frozen=True)
class GuidComparison:
    """The GUID the destination uses (`given`), the source DC's own (`own`) and where `own` was read."""

    given: str
    own: str
    where: str  # "objectGUID of CN=NTDS Settings,...", "dc2.lab.example"
    created: str = ""  # when the source's own object was created, when known
    evidence: dict[str, Any] = field(default_factory=dict)  # the rest of what the reader saw


def ntds_guid(seen: GuidComparison) -> Verdict:
    evidence = {"given_guid": seen.given, "own_guid": seen.own, **seen.evidence}
    if not seen.given:
        return Verdict("skipped", f"No GUID to compare with the one {seen.where} holds ({seen.own}).", evidence)
    if not seen.own:
        return Verdict("error", f"{seen.where} did not reveal its NTDS Settings objectGUID.", evidence)
    own = seen.own.lower()
    if same_guid(own, seen.given):
        return Verdict("match", f"{seen.where} holds NTDS Settings objectGUID {own}, as expected.", evidence,
                       {"ntds_guid": own})
    created = f" (its own was created {seen.created})" if seen.created else ""
    return Verdict("mismatch", f"The destination uses objectGUID {seen.given}, but {seen.where} holds {own}{created}: "
                   "a stale NTDS Settings object.", evidence, {"ntds_guid": own})


def source_guid(seen: GuidComparison) -> Verdict:
    """source_guid says it in its own words: the alias is wrong in DNS (same) or the GUID is stale (different)."""
    own = seen.own.lower()
    evidence = {**seen.evidence, "destination_guid": seen.given, "source_guid": own}
    if same_guid(own, seen.given):
        return Verdict("same", f"{seen.where} holds NTDS Settings objectGUID {own}, the GUID the destination uses: "
                       "the alias itself is wrong in DNS.", evidence, {"ntds_guid": own})
    return Verdict("different", f"{seen.where} holds NTDS Settings objectGUID {own}, not {seen.given}: the GUID the "
                   "destination uses belongs to an old or stale NTDS Settings object.", evidence, {"ntds_guid": own})
