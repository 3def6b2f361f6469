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
