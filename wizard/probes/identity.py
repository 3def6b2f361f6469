"""Who really answers at an address: NetBIOS node status, the SMB/NTLM challenge, LDAP rootDSE.

Every name comes from the network, so each goes through the one sanitiser before it is compared or
kept: a name with escape codes is shown without them, and is then not the expected name. What the
check finds per address is kept on the session: credentials go only where it said `match`.
"""

from __future__ import annotations

from typing import Any

from impacket.nmb import NetBIOS

from wizard.engine.results import ERROR, ProbeResult
from wizard.engine.untrusted import clean
from wizard.probes.budget import CutShort
from wizard.probes.guard import in_parallel, one_line
from wizard.probes.ldap_connection import LdapUnavailable, root_dse, strip_extended
from wizard.probes.session import Session
from wizard.probes.smb import close_quietly, smb_connection
from wizard.verdicts.identity import Identity, NamesHeard, judge, short
from wizard.verdicts.identity import identity as verdict
from wizard.verdicts.ports import LISTENING

_GROUP_FLAG = 0x8000
MAX_ADDRESSES = 8  # addresses one name resolved to that are asked; a DNS answer may list hundreds
MAX_NAMES = 16  # names kept from one node status (a real one has a handful)


def netbios_names(session: Session, address: str) -> list[str]:
    """Unique names from a node status (nbtstat -A): <00> workstation and <20> server names."""
    # impacket sends the request four times, waiting a quarter of the given time after each
    entries = NetBIOS().getnodestatus("*", address, timeout=session.wait() / 4)
    names: list[str] = []
    for entry in entries:
        name = clean(entry["NAME"].strip().decode("latin-1"), 15)
        if not entry["NAME_FLAGS"] & _GROUP_FLAG and entry["TYPE"] in (0x00, 0x20) and name not in names:
            names.append(name)
    return names[:MAX_NAMES]


def ntlm_names(session: Session, address: str) -> dict[str, str]:
    """Names the server puts in its NTLM challenge to an anonymous SMB session setup."""
    state, detail = session.known_dead(address, 445) or session.port_state(address, 445)
    if state != LISTENING:
        raise ConnectionError(f"SMB (TCP 445): {state} ({detail})")
    conn = smb_connection(session, address)
    try:
        try:
            conn.login("", "")
        except CutShort:
            raise
        except Exception:  # noqa: BLE001 - a refused null session still carried the challenge names
            pass
        return {"name": clean(conn.getServerName()), "dns_host_name": clean(conn.getServerDNSHostName()),
                "domain": clean(conn.getServerDomain())}
    finally:
        close_quietly(conn)


def _ldap_names(session: Session, address: str) -> dict[str, str]:
    dse = root_dse(session, address)  # its values are cleaned there
    return {"dnsHostName": dse.get("dnsHostName", ""), "serverName": strip_extended(dse.get("serverName", "")),
            "dsServiceName": strip_extended(dse.get("dsServiceName", ""))}


def _claimed(sources: dict[str, Any]) -> dict[str, str]:
    """The host each source says it is, as a short upper-case name."""
    claimed = {}
    if isinstance(sources.get("netbios"), list) and sources["netbios"]:
        claimed["netbios"] = sources["netbios"][0].upper()
    smb = sources.get("smb")
    if isinstance(smb, dict) and (smb.get("dns_host_name") or smb.get("name")):
        claimed["smb"] = short(smb.get("dns_host_name") or smb.get("name"))
    ldap = sources.get("ldap")
    if isinstance(ldap, dict) and ldap.get("dnsHostName"):
        claimed["ldap"] = short(ldap["dnsHostName"])
    return claimed


def _ask_one(session: Session, address: str) -> dict[str, Any]:
    raw = in_parallel(session, {
        "netbios": lambda: netbios_names(session, address),
        "smb": lambda: ntlm_names(session, address),
        "ldap": lambda: _ldap_names(session, address),
        # measured now so that the endpoint-mapper probe does not wait a second timeout on a dead host
        "tcp_135": lambda: session.port_state(address, 135),
    })
    sources = {k: v if not isinstance(v, BaseException) else {"error": _why(v)} for k, v in raw.items()}
    return {"address": address, "sources": sources, "claimed": _claimed(sources)}


def identity(session: Session, address: str | None, expected: str | None,
             addresses: list[str] | None = None) -> ProbeResult:
    """Who answers at the address, and at every other address the name resolved to (duplicate records)."""
    if not address or not expected:
        return ProbeResult("identity", ERROR, "No address or expected host name.")
    given = list(dict.fromkeys([address, *(a for a in addresses or [] if isinstance(a, str))]))
    every = given[:MAX_ADDRESSES]
    seen = in_parallel(session, {a: (lambda a=a: _ask_one(session, a)) for a in every})
    views = tuple(NamesHeard(v["address"], v["claimed"], v["sources"])
                  for v in (seen[a] for a in every) if isinstance(v, dict))
    want = short(expected)
    for view in views:
        session.record_identity(view.address, expected, judge(view.claimed, want))
    result = verdict(Identity(expected, views, len(every))).result("identity")
    if not views:
        result.summary = f"Could not ask {address} who it is."
    if len(given) > len(every):
        result.evidence["addresses_not_asked"] = len(given) - len(every)
    return result


def _why(exc: BaseException) -> str:
    if isinstance(exc, (LdapUnavailable, ConnectionError, CutShort)):
        return str(exc)
    return one_line(exc)
