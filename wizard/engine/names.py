"""Validation of host names and addresses typed by a person. Pure."""

from __future__ import annotations

import ipaddress
import re

from wizard import WizardError

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")  # '_' appears in _msdcs names
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_valid_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_valid_host(text: str) -> bool:
    """A DNS name (FQDN or single label, NetBIOS-style names included) or an IP address."""
    if is_valid_address(text):
        return True
    name = text[:-1] if text.endswith(".") else text
    if not name or len(name) > 253:
        return False
    return all(_LABEL.match(label) for label in name.split("."))


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
    if not _GUID.match(value):
        raise WizardError(f"{what} {text!r} is not of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
    return value.lower()
