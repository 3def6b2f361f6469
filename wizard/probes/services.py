"""State and start type of the services document 000 names (NTDS, RpcSs, RpcLocator), read over the
service control manager's pipe (svcctl) with query rights only, and compared with its defaults table.

Signing in follows wizard.probes.trust, as for the registry. A server that has none of the three
(Samba, a non-Windows RPC server) is a clear outcome, `absent`, not an error.
"""

from __future__ import annotations

from typing import Any

from wizard.engine.results import ProbeResult
from wizard.parsers.sc import DEFAULTS, ERROR_SERVICE_DOES_NOT_EXIST, START_TYPES, STATES
from wizard.probes.base import Session
from wizard.probes.registry import Target, checked_target, over_pipe

SC_MANAGER_CONNECT = 0x0001
SERVICE_QUERY = 0x0001 | 0x0004  # SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS: nothing that changes a service


def rpc_services(session: Session, address: str | None = None, expected: str | None = None,
                 dns_servers: list[str] | None = None) -> ProbeResult:
    got = checked_target(session, "rpc_services", address, expected, dns_servers)
    if isinstance(got, ProbeResult):
        return got
    target, signed = got
    seen = over_pipe(session, target, r"\svcctl", _query_all, signed)
    return _verdict(target, seen)


def _query_all(dce) -> dict[str, dict[str, str] | None]:
    from impacket.dcerpc.v5 import scmr

    dce.bind(scmr.MSRPC_UUID_SCMR)
    manager = scmr.hROpenSCManagerW(dce, dwDesiredAccess=SC_MANAGER_CONNECT)["lpScHandle"]
    seen: dict[str, dict[str, str] | None] = {}
    try:
        for name in DEFAULTS:
            seen[name] = _query(dce, manager, name)
    finally:
        scmr.hRCloseServiceHandle(dce, manager)
    return seen


def _query(dce, manager, name: str) -> dict[str, str] | None:
    from impacket.dcerpc.v5 import scmr

    try:
        handle = scmr.hROpenServiceW(dce, manager, name, dwDesiredAccess=SERVICE_QUERY)["lpServiceHandle"]
    except scmr.DCERPCSessionError as exc:
        if exc.get_error_code() == ERROR_SERVICE_DOES_NOT_EXIST:
            return None
        raise
    try:
        state = scmr.hRQueryServiceStatus(dce, handle)["lpServiceStatus"]["dwCurrentState"]
        start = scmr.hRQueryServiceConfigW(dce, handle)["lpServiceConfig"]["dwStartType"]
    finally:
        scmr.hRCloseServiceHandle(dce, handle)
    return {"state": STATES.get(state, str(state)), "start_type": START_TYPES.get(start, str(start))}


def _verdict(target: Target, seen: dict[str, dict[str, str] | None]) -> ProbeResult:
    where = target.host or target.address or "this computer"
    present = {name: s for name, s in seen.items() if s is not None}
    evidence: dict[str, Any] = {"read_on": where, "services": {
        name: s or {"state": "no such service", "start_type": ""} for name, s in seen.items()}}
    if not present:
        return ProbeResult("rpc_services", "absent", f"{where} has none of the services NTDS, RpcSs, RpcLocator: "
                           "it is not a Windows server, so document 000's table does not apply.", evidence)
    differ = [f"{DEFAULTS[n][0]} ({n}) is {s['state']}, {s['start_type']}" for n, s in present.items()
              if s["state"] not in DEFAULTS[n][1] or s["start_type"] not in DEFAULTS[n][2]]
    evidence["differ"] = differ
    if differ:
        return ProbeResult("rpc_services", "differ", f"On {where}: {'; '.join(differ)} - not the default.", evidence)
    names = ", ".join(present)
    return ProbeResult("rpc_services", "defaults", f"On {where}: {names} have their default state and start type.",
                       evidence)
