"""The `many-dcs` fault: 30 more DCs of lab.example as DNS tells it (DC locator SRV, <guid>._msdcs
CNAME and A record each), none of them real, so that a sweep of 32 DCs runs on this machine.

Twenty sit at addresses EXCH1's namespace holds but drops every packet to (no answer: a timeout per
check, the worst case of a sweep); five at addresses it holds where nothing listens (TCP 135 refuses:
EXCH1's own address runs Samba now); five at MEMBER1, which answers as the wrong host. The records go
in through one DNS RPC connection to DC1 (as samba-tool dns does, but once for all 90 instead of a
process per record).
"""

from __future__ import annotations

import json
import uuid

from wizard.lab import state
from wizard.lab.provision import smb_conf
from wizard.lab.runner import admin_env, host_argv, netns_argv, run
from wizard.lab.topology import DC1, DOMAIN, EXCH1, FOREST, MEMBER1, STATE_DIR, SUBNET_PREFIX

COUNT = 30
DROPPED = 20  # the first 20 drop packets, the next 5 refuse, the last 5 answer as MEMBER1
REFUSED = 5
_DROP_BASE = 100  # 198.51.100.101 ... .125, held by EXCH1's namespace (the first 20 dropped)
_MSDCS = f"_msdcs.{FOREST}"

# Samba's own Python (the Debian package), run inside DC1's namespace: add or delete DNS records over
# the DNS server RPC interface, signed as the lab's administrator (the password comes from PASSWD).
_RECORDS_SCRIPT = """
import json, os, sys
from samba import credentials, param
from samba.dcerpc import dnsserver
from samba.dnsserver import ARecord, CNAMERecord, SRVRecord
spec = json.load(sys.stdin)
lp = param.LoadParm()
lp.load(spec["smb_conf"])
creds = credentials.Credentials()
creds.guess(lp)
creds.set_username("Administrator")
creds.set_domain(spec["domain"])
creds.set_password(os.environ["PASSWD"])
conn = dnsserver.dnsserver("ncacn_ip_tcp:%s[sign]" % spec["server"], lp, creds)
make = {"A": ARecord, "CNAME": CNAMERecord, "SRV": lambda target: SRVRecord(target, 389)}
for zone, name, kind, data in spec["records"]:
    buf = dnsserver.DNS_RPC_RECORD_BUF()
    buf.rec = make[kind](data)
    add, delete = (buf, None) if spec["action"] == "add" else (None, buf)
    try:
        conn.DnssrvUpdateRecord2(dnsserver.DNS_CLIENT_VERSION_LONGHORN, 0, spec["server"], zone, name, add, delete)
    except RuntimeError as exc:  # already there, or already gone: the end state is what counts
        print("skipped", kind, name, exc)
"""


def fake_dcs() -> list[tuple[str, str, str]]:
    """(host name, address, GUID) of each fake DC; the GUIDs are kept in the lab state for heal."""
    current = state.load() or {}
    guids = current.get("many_dcs_guids") or [str(uuid.uuid4()) for _ in range(COUNT)]
    if not current.get("many_dcs_guids"):
        state.update(many_dcs_guids=guids)
    return [(f"fake{i + 1:02d}", _address(i), guids[i]) for i in range(COUNT)]


def _address(i: int) -> str:
    if i < DROPPED + REFUSED:
        return f"198.51.100.{_DROP_BASE + i + 1}"
    return MEMBER1.address


def _records() -> list[tuple[str, str, str, str]]:
    records = []
    for name, address, guid in fake_dcs():
        fqdn = f"{name}.{FOREST}"
        records += [(FOREST, name, "A", address), (_MSDCS, guid, "CNAME", fqdn), (_MSDCS, "_ldap._tcp.dc", "SRV", fqdn)]
    return records


def _dns(action: str) -> None:
    spec = {"smb_conf": str(smb_conf(DC1)), "server": DC1.address, "domain": DOMAIN, "action": action,
            "records": _records()}
    run(host_argv(DC1, ["/usr/bin/python3", "-c", _RECORDS_SCRIPT]), env=admin_env(), timeout=120,
        input_text=json.dumps(spec), log_file=STATE_DIR / "faults.log")


def _exch1(*argv: str, check: bool = True) -> None:
    run(netns_argv(EXCH1.netns, list(argv)), timeout=15, check=check, log_file=STATE_DIR / "faults.log")


def apply() -> None:
    for i in range(DROPPED + REFUSED):
        _exch1("ip", "addr", "add", f"{_address(i)}/{SUBNET_PREFIX}", "dev", "eth0", check=False)
        if i < DROPPED:
            _exch1("iptables", "-w", "-A", "INPUT", "-d", _address(i), "-j", "DROP")
    _dns("add")


def heal() -> None:
    _dns("delete")
    _exch1("iptables", "-w", "-F", "INPUT")
    for i in range(DROPPED + REFUSED):
        _exch1("ip", "addr", "del", f"{_address(i)}/{SUBNET_PREFIX}", "dev", "eth0", check=False)
    state.update(many_dcs_guids=None)
