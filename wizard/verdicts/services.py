"""The services document 000 names (NTDS, RpcSs, RpcLocator), their state and start type as the service
control manager reports them (live over svcctl, or a pasted `sc qc` / `sc query`), against its table.

The one "differ" rule: only what was seen is judged (`sc qc` shows no state, `sc query` no start type),
and a service that is not there is not "different" (a member server has no NTDS): it is listed as absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.verdicts.verdict import Verdict

# dwCurrentState and dwStartType in words: the service control manager's numbers, as sc prints them
STATES = {1: "stopped", 2: "start pending", 3: "stop pending", 4: "running", 5: "continue pending",
          6: "pause pending", 7: "paused"}
START_TYPES = {0: "boot", 1: "system", 2: "automatic", 3: "manual", 4: "disabled"}
# Document 000's table (Windows Server 2003 and later): service -> (display name, default states, start types).
DEFAULTS: dict[str, tuple[str, set[str], set[str]]] = {
    "NTDS": ("Active Directory Domain Services", {"running"}, {"automatic"}),
    "RpcSs": ("Remote Procedure Call", {"running"}, {"automatic"}),
    "RpcLocator": ("Remote Procedure Call Locator", {"stopped"}, {"manual"}),
}
NO_SUCH_SERVICE = "no such service"
ERROR_SERVICE_DOES_NOT_EXIST = 1060  # what the service control manager answers for a name it does not know


@dataclass(frozen=True)
class ServiceConfig:
    state: str = ""  # "" when not seen
    start_type: str = ""


@dataclass(frozen=True)
class ServiceConfigs:
    read_on: str
    services: dict[str, ServiceConfig | None]  # a DEFAULTS name -> what was seen; None: the service does not exist


def not_default(name: str, state: str, start_type: str) -> list[str]:
    """The words seen for the service that are not document 000's default (empty: default, or not judged)."""
    default = DEFAULTS.get(name)
    if default is None or state == NO_SUCH_SERVICE:
        return []
    return [w for w, ok in ((state, default[1]), (start_type, default[2])) if w and w not in ok]


def rpc_services(seen: ServiceConfigs) -> Verdict:
    where = seen.read_on
    shown: dict[str, Any] = {name: {"state": s.state, "start_type": s.start_type} if s else
                             {"state": NO_SUCH_SERVICE, "start_type": ""} for name, s in seen.services.items()}
    evidence: dict[str, Any] = {"read_on": where, "services": shown}
    present = {name: s for name, s in seen.services.items() if s is not None}
    if not present:
        gone = ", ".join(seen.services) or ", ".join(DEFAULTS)
        return Verdict("absent", f"{where} has none of the services {gone}: it is not a Windows server, so "
                                 "document 000's table does not apply there.", evidence)
    differ = [f"{DEFAULTS[n][0]} ({n}) is {', '.join(bad)}" for n, s in present.items()
              if (bad := not_default(n, s.state, s.start_type))]
    evidence["differ"] = differ
    if differ:
        return Verdict("differ", f"On {where}: {'; '.join(differ)} - not the default.", evidence)
    return Verdict("defaults", f"On {where}: {', '.join(present)} have their default state and start type.", evidence)
