"""`run_probe(name, params, session)`: the one entry point to the probes; it never raises, and each call
ends within its deadline (wizard.probes.base: DEADLINE_FACTOR x the session's timeout)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from wizard import WizardError
from wizard.engine.catalog import CATALOG
from wizard.engine.commands import render_command
from wizard.engine.names import PARAM_CHECKS
from wizard.engine.results import ERROR, ProbeResult
from wizard.probes import decide, dns, epm, identity, ldap, locator, ports, winreg
from wizard.probes.base import Session, run_guarded


def _registry() -> dict[str, Callable[..., ProbeResult]]:
    return {
        "dns_cname": dns.dns_cname,
        "dns_host": dns.dns_host,
        "identity": identity.identity,
        "resolution_source": decide.resolution_source,
        "epm_map": epm.epm_map,
        "epm_lookup": epm.epm_lookup,
        "tcp_ports": ports.tcp_ports,
        "ntds_lookup": ldap.ntds_lookup,
        "ntds_guid": ldap.ntds_guid,
        "rpc_port_config": winreg.rpc_port_config,
        "dc_locator": locator.dc_locator,
        "dc_guid": locator.dc_guid,
        "ntds_list": locator.ntds_list,
    }


PROBES: dict[str, Callable[..., ProbeResult]] = _registry()
assert set(PROBES) == set(CATALOG), "every catalogued probe has exactly one implementation"


def run_probe(name: str, params: dict[str, Any], session: Session) -> ProbeResult:
    """Run one probe with the parameters its node gave; unknown names and bad params are outcomes too."""
    probe = PROBES.get(name)
    if probe is None:
        return ProbeResult(name, ERROR, f"No probe named {name!r}.")
    accepted = set(inspect.signature(probe).parameters) - {"session"}
    kwargs = {k: v for k, v in params.items() if k in accepted}
    # rendered with the engine's quoting: params may come from pasted logs, never trusted as command text
    command = render_command(CATALOG[name].command, params)
    try:
        kwargs.update(_checked(kwargs))
    except WizardError as exc:
        return ProbeResult(name, ERROR, f"{name} was not run: {exc}.", {"error": str(exc)}, command=command)
    call = session.for_call()  # this call's own deadline (base.DEADLINE_FACTOR x timeout), the session's caches
    return run_guarded(name, command, lambda: probe(call, **kwargs), call.budget)


def _checked(params: dict[str, Any]) -> dict[str, str]:
    """Host, address and GUID params, normalised; a WizardError names the first unusable one."""
    checked = {}
    for key, check in PARAM_CHECKS.items():
        value = params.get(key)
        if value is None or value == "":
            continue  # a missing value is the probe's to report (skipped/error with its own words)
        checked[key] = check(value if isinstance(value, str) else repr(value), key)
    return checked
