"""DC2's DNS records, changed through DC1 (the DNS server the client asks) with samba-tool dns."""

from __future__ import annotations

import re

from wizard.lab.provision import smb_conf
from wizard.lab.runner import LabError, admin_env, host_argv, run
from wizard.lab.topology import DC1, DC2, FOREST, STATE_DIR

MSDCS_ZONE = f"_msdcs.{FOREST}"


def _dns(*args: str, check: bool = True) -> str:
    proc = run(host_argv(DC1, ["samba-tool", "dns", args[0], DC1.address, *args[1:], "-U", "Administrator"]),
               env=admin_env(), timeout=60, check=check, log_file=STATE_DIR / "faults.log")
    return proc.stdout + proc.stderr


def a_records(name: str) -> list[str]:
    out = _dns("query", FOREST, name, "A", check=False)
    return re.findall(r"A: (\d+\.\d+\.\d+\.\d+)", out)


def set_a(name: str, address: str | None) -> None:
    """Make `address` the only A record of `name` (None: no A record at all)."""
    current = a_records(name)
    for old in current:
        if old != address:
            _dns("delete", FOREST, name, "A", old)
    if address is not None and address not in current:
        _dns("add", FOREST, name, "A", address)


def cname_target(guid: str) -> str | None:
    out = _dns("query", MSDCS_ZONE, guid, "CNAME", check=False)
    match = re.search(r"CNAME: (\S+)", out)
    return match.group(1).rstrip(".").lower() if match else None


def set_cname(guid: str, target: str | None) -> None:
    current = cname_target(guid)
    if current is not None and current != target:
        _dns("delete", MSDCS_ZONE, guid, "CNAME", current)
    if target is not None and current != target:
        _dns("add", MSDCS_ZONE, guid, "CNAME", target)


def register_dc2() -> None:
    """All of DC2's records, written straight to DC1 (what samba's dnsupdate service would do)."""
    run(host_argv(DC2, ["samba_dnsupdate", "--use-samba-tool", f"--rpc-server-ip={DC1.address}",
                        "-s", str(smb_conf(DC2))]),
        timeout=90, log_file=DC2.dir / "log" / "dnsupdate.log")


# ldbsearch is in a package of its own (ldb-tools): read the directory with Samba's Python instead.
_NTDS_GUIDS = """
import sys
from samba.auth import system_session
from samba.dcerpc import misc
from samba.ndr import ndr_unpack
from samba.param import LoadParm
from samba.samdb import SamDB
lp = LoadParm()
lp.load(sys.argv[1])
db = SamDB(sys.argv[2], session_info=system_session(), lp=lp)
for msg in db.search(base=db.get_config_basedn(), expression="(objectClass=nTDSDSA)", attrs=["objectGUID"]):
    server = msg.dn.get_component_value(1)
    print(server, str(ndr_unpack(misc.GUID, msg["objectGUID"][0])))
"""


def ntds_guids() -> dict[str, str]:
    """objectGUID of every DC's NTDS Settings object, from DC1's sam.ldb, keyed DC1/DC2/..."""
    proc = run(["/usr/bin/python3", "-c", _NTDS_GUIDS, str(smb_conf(DC1)), str(DC1.dir / "private" / "sam.ldb")],
               timeout=30)
    guids = dict(line.split() for line in proc.stdout.splitlines() if len(line.split()) == 2)
    if not guids:
        raise LabError(f"no NTDS Settings objects found in DC1's sam.ldb:\n{proc.stdout[-500:]}{proc.stderr[-500:]}")
    return {server.upper(): guid.lower() for server, guid in guids.items()}
