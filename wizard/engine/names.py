"""Validation of host names and addresses typed by a person. Pure."""

from __future__ import annotations

import ipaddress
import re

from wizard import WizardError

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")  # '_' appears in _msdcs names
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# an IPv6 zone id (fe80::1%12, fe80::1%eth0); ipaddress accepts any text after '%', quotes and '&' included
_ZONE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def is_valid_address(text: str) -> bool:
    if not isinstance(text, str):  # ipaddress would take an int as an address
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    _, sep, zone = text.partition("%")
    return not sep or bool(_ZONE.fullmatch(zone))


def is_valid_host(text: str) -> bool:
    """A DNS name (FQDN or single label, NetBIOS-style names included) or an IP address."""
    if is_valid_address(text):
        return True
    name = text[:-1] if text.endswith(".") else text
    if not name or len(name) > 253:
        return False
    labels = name.split(".")
    if len(labels) > 1 and labels[-1].isdigit():  # no top-level domain is numeric: a mistyped IPv4 address
        return False
    # fullmatch: `$` alone also matches before a trailing newline
    return all(_LABEL.fullmatch(label) for label in labels)


def check_host(text: str, what: str = "host") -> str:
    """The normalised host, or a WizardError naming what is wrong."""
    value = text.strip()
    if not is_valid_host(value):
        raise WizardError(f"{what} {text!r} is not a valid host name or IP address")
    return value.rstrip(".").lower() if not is_valid_address(value) else value


def check_address(text: str, what: str = "address") -> str:
    value = text.strip()
    if not is_valid_address(value):
        raise WizardError(f"{what} {text!r} is not a valid IP address")
    return value


def check_guid(text: str, what: str = "GUID") -> str:
    value = text.strip().strip("{}")
    if not _GUID.fullmatch(value):
        raise WizardError(f"{what} {text!r} is not of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
    return value.lower()


# Probe parameters that name a host, an address or a GUID, and the check each must pass: probes would
# hand any text to a resolver or a socket. The CLI checks what a person typed with the same table.
# The interface: an alias (drs, wmi, sql, ...) or a UUID; anything else is a typing mistake, not for a server to refuse.
def check_interface(text: str, what: str = "interface") -> str:
    from wizard.engine.interfaces import resolve_interface  # the alias table imports this module

    return resolve_interface(text, what)


def check_dynamic_range(text: str, what: str = "dynamic_range") -> str:
    """A port range as `low-high` (netsh's start and end); anything else is refused, since the judge would
    otherwise fall back to the default range and the person would not see that the value was ignored."""
    m = re.fullmatch(r"\s*(\d{1,5})\s*-\s*(\d{1,5})\s*", text)
    if not m or not 0 < int(m.group(1)) <= int(m.group(2)) <= 65535:
        raise WizardError(f"{what}={text!r}: give the range as low-high, e.g. 49152-65535 "
                          "(netsh int ipv4 show dynamicport tcp)")
    return f"{int(m.group(1))}-{int(m.group(2))}"


PARAM_CHECKS = {"address": check_address, "host": check_host, "target": check_host, "dest": check_host,
                "expected": check_host, "forest": check_host, "guid": check_guid, "interface": check_interface,
                "server": check_host, "proxy": check_host, "dynamic_range": check_dynamic_range}
