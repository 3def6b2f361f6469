"""State and start type of the services document 000 names (NTDS, RpcSs, RpcLocator), read over the
service control manager's pipe (svcctl) with query rights only, and compared with its defaults table.

Signing in follows wizard.probes.trust, as for the registry. A server that has none of the three
(Samba, a non-Windows RPC server) is a clear outcome, `absent`, not an error.
"""

from __future__ import annotations

from wizard.engine.results import ProbeResult
from wizard.probes.registry import Target, checked_target, over_pipe
from wizard.probes.session import Session
from wizard.verdicts.services import (
    DEFAULTS,
    ERROR_SERVICE_DOES_NOT_EXIST,
    START_TYPES,
    STATES,
    ServiceConfig,
    ServiceConfigs,
)
from wizard.verdicts.services import rpc_services as verdict

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
    configs = {name: ServiceConfig(s["state"], s["start_type"]) if s else None for name, s in seen.items()}
    return verdict(ServiceConfigs(where, configs)).result("rpc_services")
