"""Parameters of one check as a person types them (`rpc-wizard check`, the palette's "run a check"). Pure."""

from __future__ import annotations

from collections.abc import Mapping

from wizard import WizardError
from wizard.engine.catalog import AD_PORTS, AD_WELL_KNOWN, ADVERTISED, CATALOG
from wizard.engine.names import PARAM_CHECKS, check_address

_LISTS = {"dns_servers", "addresses"}


def check_params(probe: str, given: Mapping[str, str]) -> dict[str, object]:
    """Typed, checked parameters for `probe` from text values; blanks are left out; a WizardError names
    the first parameter the probe does not take or a value that is not usable."""
    if probe not in CATALOG:
        raise WizardError(f"no check named {probe!r}; choose from: {', '.join(CATALOG)}")
    allowed = CATALOG[probe].params
    params: dict[str, object] = {}
    for key, value in given.items():
        if key not in allowed:
            raise WizardError(f"{key}={value!r}: {probe} takes {', '.join(f'{a}=...' for a in allowed)}")
        value = value.strip()
        if not value:
            continue
        if key in _LISTS:
            params[key] = [check_address(v.strip(), key) for v in value.split(",") if v.strip()]
        elif key == "ports":
            params[key] = parse_ports(value)
        else:
            params[key] = PARAM_CHECKS[key](value, key) if key in PARAM_CHECKS else value
    return params


def parse_ports(text: str) -> list[int | str]:
    """Port numbers, `ad` (AD's well-known ports) and `advertised` (what the endpoint mapper lists)."""
    ports: list[int | str] = []
    for item in (p.strip() for p in text.split(",") if p.strip()):
        if item == AD_PORTS:
            ports += AD_WELL_KNOWN
        elif item == ADVERTISED or (item.isdigit() and 0 < int(item) < 65536):
            ports.append(item if item == ADVERTISED else int(item))
        else:
            raise WizardError(f"ports={text!r}: give ports 1-65535, `ad` or `advertised`, separated by commas")
    return ports
