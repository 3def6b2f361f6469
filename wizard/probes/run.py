"""`run_probe(name, params, session)`: the one entry point to the probes; it never raises, and each call
ends within its deadline (wizard.probes.budget: DEADLINE_FACTOR x the session's timeout)."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from wizard import WizardError
from wizard.engine.catalog import CATALOG
from wizard.engine.params import LIST_PARAMS, PARAM_CHECKS, check_addresses, command_for
from wizard.engine.results import ERROR, ProbeResult
from wizard.probes.guard import run_guarded
from wizard.probes.session import Session

# probe -> "module:function"; a module loads when its first probe runs, so `check epm_lookup` pays
# for impacket's endpoint-mapper code and nothing else (no LDAP, SMB, DNS or registry code)
PROBES: dict[str, str] = {
    "dns_cname": "dns:dns_cname",
    "dns_host": "dns:dns_host",
    "identity": "identity:identity",
    "resolution_source": "decide:resolution_source",
    "ask": "decide:ask",
    "epm_map": "epm:epm_map",
    "epm_lookup": "epm:epm_lookup",
    "tcp_ports": "ports:tcp_ports",
    "ntds_lookup": "ldap:ntds_lookup",
    "ntds_guid": "ldap:ntds_guid",
    "rpc_port_config": "registry:rpc_port_config",
    "client_protocols": "registry:client_protocols",
    "valid_ports": "registry:valid_ports",
    "ntds_port": "registry:ntds_port",
    "rpc_services": "services:rpc_services",
    "epm_transports": "epm:epm_transports",
    "source_guid": "locator:source_guid",
    "dc_locator": "locator:dc_locator",
    "dc_guid": "locator:dc_guid",
    "ntds_list": "locator:ntds_list",
    "repl_status": "replication:repl_status",
}
assert set(PROBES) == set(CATALOG), "every catalogued probe has exactly one implementation"


def probe_function(name: str) -> Callable[..., ProbeResult] | None:
    """The function behind a probe name, its module imported on first use; None for an unknown name."""
    where = PROBES.get(name)
    if where is None:
        return None
    if callable(where):  # a test may put a function in place of a probe
        return where
    module, function = where.split(":")
    return getattr(importlib.import_module(f"wizard.probes.{module}"), function)


def run_probe(name: str, params: dict[str, Any], session: Session) -> ProbeResult:
    """Run one probe with the parameters its node gave; unknown names and bad params are outcomes too."""
    probe = probe_function(name)
    if probe is None:
        return ProbeResult(name, ERROR, f"No probe named {name!r}.")
    accepted = set(inspect.signature(probe).parameters) - {"session"}
    kwargs = {k: v for k, v in params.items() if k in accepted}
    # rendered with the engine's quoting: params may come from pasted logs, never trusted as command text
    command = command_for(name, params)
    try:
        kwargs.update(_checked(kwargs))
    except WizardError as exc:
        return ProbeResult(name, ERROR, f"{name} was not run: {exc}.", {"error": str(exc)}, command=command)
    call = session.for_call()  # this call's own deadline (budget.DEADLINE_FACTOR x timeout), the session's caches
    return run_guarded(name, command, lambda: probe(call, **kwargs), call.budget)


def _checked(params: dict[str, Any]) -> dict[str, str]:
    """Host, address and GUID params, normalised; a WizardError names the first unusable one."""
    checked: dict[str, Any] = {}
    for key, value in params.items():
        if value is None or value == "":
            continue  # a missing value is the probe's to report (skipped/error with its own words)
        if key in LIST_PARAMS:
            checked[key] = check_addresses(value if isinstance(value, (str, list, tuple)) else repr(value), key)
        elif key in PARAM_CHECKS:
            checked[key] = PARAM_CHECKS[key](value if isinstance(value, str) else repr(value), key)
    return checked
