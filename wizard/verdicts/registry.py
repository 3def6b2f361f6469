"""The RPC registry values as read (live over winreg, or a pasted `reg query`) and their verdicts:
Rpc\\Internet (document 003), Rpc\\ClientProtocols (000), RpcProxy ValidPorts (004), and the NTDS fixed
port (000, KB 224196; 002). The rules themselves are in rpc_internet.py and registry_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.verdicts.registry_rules import (
    EXCHANGE_PORTS,
    judge_client_protocols,
    judge_fixed_port,
    judge_valid_ports,
)
from wizard.verdicts.rpc_internet import RPC_INTERNET_ABSENT, evaluate_rpc_ports
from wizard.verdicts.verdict import Verdict

Values = dict[str, object]
INTERNET_VALUES = ("Ports", "PortsInternetAvailable", "UseInternetPorts")


@dataclass(frozen=True)
class RegistryKey:
    """One key as read: its values (None: the key does not exist) and the computer it was read on."""

    read_on: str
    values: Values | None


@dataclass(frozen=True)
class ValidPortsRead:
    key: RegistryKey
    server: str  # the mailbox server whose names ValidPorts must allow
    ports: tuple[int, ...] = EXCHANGE_PORTS


@dataclass(frozen=True)
class FixedPortRead:
    """The NTDS "TCP/IP Port" value, what answers on it, and the dynamic range it must lie in."""

    read_on: str
    port: object  # None: no fixed port set
    low: int
    high: int
    range_from: str
    listening: bool | None = None  # None: not known (a paste cannot connect)
    drs_port: int | None = None  # the port the endpoint mapper gives DRS


def listed(value: object) -> list[str] | None:
    """A Ports value as a list of entries (REG_MULTI_SZ), whatever shape it was read in."""
    if value is None:
        return None
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def rpc_port_config(seen: RegistryKey) -> Verdict:
    if seen.values is None:
        return Verdict("default", RPC_INTERNET_ABSENT, {"key": "absent"})
    values = {name: seen.values[name] for name in INTERNET_VALUES if seen.values.get(name) is not None}
    outcome, why = evaluate_rpc_ports(listed(values.get("Ports")), _text(values.get("PortsInternetAvailable")),
                                      _text(values.get("UseInternetPorts")))
    return Verdict(outcome, why, {"key": "present", "values": values, "read_on": seen.read_on})


def client_protocols(seen: RegistryKey) -> Verdict:
    outcome, why, missing = judge_client_protocols(seen.values)
    evidence = {"read_on": seen.read_on, "key": "absent" if seen.values is None else "present",
                "values": seen.values or {}, "missing": missing}
    return Verdict(outcome, f"On {seen.read_on}: {why}", evidence)


def valid_ports(seen: ValidPortsRead) -> Verdict:
    values = seen.key.values or {}
    evidence = {"read_on": seen.key.read_on, "key": "absent" if seen.key.values is None else "present",
                "values": values, "missing": [], "server": seen.server, "ports": list(seen.ports)}
    if not seen.server:
        return Verdict("error", "No mailbox server (server=) to look for in ValidPorts.", evidence)
    if not seen.ports:
        return Verdict("error", "No port to look for in ValidPorts.", evidence)
    text = values.get("ValidPorts")
    outcome, why, missing = judge_valid_ports(_text(text), seen.server, seen.ports)
    if "ValidPorts_Exchange" in values and text is None:
        why += " ValidPorts_Exchange is set: Exchange 2010 and later configure it themselves."
    return Verdict(outcome, f"On {seen.key.read_on}: {why}", {**evidence, "missing": missing})


def ntds_port(seen: FixedPortRead) -> Verdict:
    outcome, why = judge_fixed_port(seen.port, bool(seen.listening), seen.drs_port, seen.low, seen.high,
                                    seen.range_from)
    evidence = {"read_on": seen.read_on, "fixed_port": seen.port, "listening": seen.listening,
                "drs_port": seen.drs_port, "dynamic_range": f"{seen.low}-{seen.high}", "range_from": seen.range_from}
    if seen.listening is None and outcome in ("in-range", "outside-range") and isinstance(seen.port, int):
        why += (f" Whether another process holds TCP {seen.port} was not seen: run netstat -ano on the DC, "
                "or the check live.")
    return Verdict(outcome, why, evidence, {"fixed_port": seen.port} if seen.port is not None else {})
