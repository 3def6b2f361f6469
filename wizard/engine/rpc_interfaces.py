"""The RPC interfaces a person may name for a check: short aliases for the ones "RPC server unavailable"
is usually met with (document 003: WMI, SQL, management consoles), or any interface UUID. Pure.

The UUIDs and names are those of impacket's known-interface tables (impacket.dcerpc.v5.epm
KNOWN_PROTOCOLS and KNOWN_UUIDS); the probes show impacket's name for whatever the server lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard import WizardError
from wizard.engine.catalog import DRS_UUID
from wizard.engine.names import check_guid


@dataclass(frozen=True)
class Interface:
    alias: str
    uuid: str
    name: str  # impacket's name for it
    used_by: str  # who meets it, in the words of a support engineer


INTERFACES: dict[str, Interface] = {i.alias: i for i in (
    Interface("drs", DRS_UUID, "[MS-DRSR]: Directory Replication Service (DRS) Remote Protocol",
              "AD replication, dcdiag, repadmin, domain join"),
    Interface("netlogon", "12345678-1234-abcd-ef00-01234567cffb", "[MS-NRPC]: Netlogon Remote Protocol",
              "secure channel, logons, trusts"),
    Interface("lsarpc", "12345778-1234-abcd-ef00-0123456789ab",
              "[MS-LSAT]: Local Security Authority (Translation Methods) Remote",
              "name and SID lookups"),
    Interface("samr", "12345778-1234-abcd-ef00-0123456789ac",
              "[MS-SAMR]: Security Account Manager (SAM) Remote Protocol",
              "user and group management (Active Directory Users and Computers, net user)"),
    Interface("wmi", "99fcfec4-5260-101b-bbcb-00aa0021347a",
              "[MS-DCOM]: Distributed Component Object Model (DCOM) Remote",
              "WMI and other DCOM servers: the OXID resolver on 135 hands out the server's dynamic port"),
    Interface("sql", "3f99b900-4d87-101b-99b7-aa0004007f07", "ssmsrpc.dll - Microsoft SQL Server",
              "SQL Server's RPC listener (SQL Server Configuration Manager, older management tools)"),
    Interface("eventlog", "f6beaff7-1e19-4fbb-9f8f-b89e2018337c", "[MS-EVEN6]: EventLog Remoting Protocol",
              "Event Viewer (an MMC snap-in) on a remote computer"),
    Interface("services", "367abb81-9844-35f1-ad32-98f038001003", "[MS-SCMR]: Service Control Manager Remote Protocol",
              "Services (an MMC snap-in), sc \\\\host"),
    Interface("scheduler", "86d35949-83c9-4044-b424-db363231fd0c",
              "[MS-TSCH]: Task Scheduler Service Remoting Protocol",
              "Task Scheduler (an MMC snap-in), schtasks /s"),
    Interface("dnsserver", "50abc2a4-574d-40b3-9d66-ee4fd5fba076",
              "[MS-DNSP]: Domain Name Service (DNS) Server Management", "DNS Manager (an MMC snap-in), dnscmd"),
    Interface("certsrv", "91ae6020-9e3c-11cf-8d7c-00aa00c091be", "[MS-ICPR]: ICertPassage Remote Protocol",
              "certificate enrolment against an enterprise CA"),
    Interface("dfsr", "897e2e5f-93f3-4376-9c9c-fd2277495c27", "[MS-FRS2]: Distributed File System Replication Protocol",
              "SYSVOL and DFS replication"),
)}


def resolve_interface(text: str, what: str = "interface") -> str:
    """The UUID meant by an alias (drs, wmi, sql, ...) or a UUID; a WizardError lists the aliases."""
    key = text.strip().lower()
    if key in INTERFACES:
        return INTERFACES[key].uuid
    try:
        return check_guid(key, what)
    except WizardError:
        raise WizardError(f"{what} {text!r} is neither an interface UUID nor one of: "
                          f"{', '.join(INTERFACES)}") from None


def alias_of(uuid: str) -> str | None:
    return next((i.alias for i in INTERFACES.values() if i.uuid == uuid.lower()), None)
