"""Who answers at an address: the names heard there per protocol, against the host meant.

Each protocol's claim is reduced to a short upper-case name (NetBIOS names have no domain; SMB's and
the rootDSE's DNS names are cut to their first label) and the address is the host meant only when every
protocol that answered names it. One protocol naming another computer is enough for a mismatch: that is
the wrong computer answering (document 000's stale mapping), however the others were configured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.verdicts.verdict import Verdict

PROTOCOLS = ("netbios", "smb", "ldap")  # NetBIOS node status, the SMB/NTLM challenge, the LDAP rootDSE


def short(name: str) -> str:
    return name.split(".")[0].upper() if name else ""


@dataclass(frozen=True)
class NamesHeard:
    """What answered at one address: the name each protocol claimed, and what each said (evidence)."""

    address: str
    claimed: dict[str, str]  # protocol -> short name
    sources: dict[str, Any] = field(default_factory=dict)  # protocol -> its raw answer or {"error": ...}
    shown: dict[str, Any] = field(default_factory=dict)  # more evidence (a pasted name table)


@dataclass(frozen=True)
class Identity:
    """identity's observation: the names heard at each address the host name led to (the first: the one asked)."""

    expected: str
    views: tuple[NamesHeard, ...]
    asked: int = 0  # addresses asked (views may be fewer: one that could not be asked at all)


def judge(claimed: dict[str, str], want: str) -> str:
    """match | mismatch | silent for one address."""
    if not claimed:
        return "silent"
    return "match" if all(short(name) == want for name in claimed.values()) else "mismatch"


def identity(seen: Identity) -> Verdict:
    if not seen.expected:
        return Verdict("error", "No expected host name to compare the names heard with.")
    want = short(seen.expected)
    wrong = [v for v in seen.views if judge(v.claimed, want) == "mismatch"]
    view = wrong[0] if wrong else next((v for v in seen.views if v.claimed), seen.views[0] if seen.views else None)
    if view is None:
        return Verdict("error", "Nothing could be asked who it is.")
    evidence: dict[str, Any] = {"address": view.address, **({"sources": view.sources} if view.sources else {}),
                                "claimed": view.claimed, **view.shown, "expected": seen.expected}
    if max(seen.asked, len(seen.views)) > 1:
        evidence["all_addresses"] = {v.address: v.claimed for v in seen.views}
    at, claimed = view.address or "the address", view.claimed
    if not claimed:
        return Verdict("silent", f"Nothing at {at} said who it is (NetBIOS, SMB, LDAP).", evidence)
    if wrong:
        others = sorted({short(n) for n in claimed.values() if short(n) != want})
        count = max(seen.asked, len(seen.views))
        also = f" ({count} addresses resolved; this one is wrong)" if count > 1 else ""
        return Verdict("mismatch", f"{at} is {', '.join(others)}, not {want} ({_by(claimed)}){also}.", evidence,
                       {"answered_by": others[0], "address": view.address})
    return Verdict("match", f"{at} is {want} ({_by(claimed)}).", evidence,
                   {"answered_by": want, "address": view.address})


def _by(claimed: dict[str, str]) -> str:
    return ", ".join(f"{source}: {name}" for source, name in claimed.items())
