"""Creating the lab's Samba servers: DC1's new forest, DC2 joined as a replica, MEMBER1's smb.conf."""

from __future__ import annotations

import re
from pathlib import Path

from wizard.lab.runner import admin_env, host_argv, run
from wizard.lab.topology import ADMIN_PASSWORD, DC1, DOMAIN, FOREST, REALM, HostSpec


def prepare_dirs(spec: HostSpec) -> None:
    for sub in ("run", "log", "etc"):
        (spec.dir / sub).mkdir(parents=True, exist_ok=True)


def _common_options(spec: HostSpec) -> list[str]:
    """smb.conf options every lab Samba gets: bound to its lab address, files under its own dir."""
    d = spec.dir
    options = {
        "netbios name": spec.netbios,
        "interfaces": spec.address,
        "bind interfaces only": "yes",
        "log file": f"{d}/log/%m.log",
        "ntp signd socket directory": f"{d}/ntp_signd",
        "usershare path": f"{d}/usershares",
        "pid directory": f"{d}/run",
        "load printers": "no",
        "printing": "bsd",
        "printcap name": "/dev/null",
        "disable spoolss": "yes",
        # samba_dnsupdate's nsupdate path fails with NOTAUTH(BADSIG) here
        "dns update command": "/usr/sbin/samba_dnsupdate --use-samba-tool",
        "prefork children": "1",  # about 40 MiB less per DC
    }
    return [f"--option={k}={v}" for k, v in options.items()]


def smb_conf(spec: HostSpec) -> Path:
    return spec.dir / "etc" / "smb.conf"


def _drop_forwarder(conf: Path) -> None:
    # A forwarder to itself loops, a dead one stalls every Kerberos realm lookup by 5 s.
    text = conf.read_text()
    conf.write_text(re.sub(r"(?m)^\s*dns forwarder\s*=.*\n", "", text))


def provision_dc1() -> None:
    spec = DC1
    (spec.dir / "usershares").mkdir(parents=True, exist_ok=True)
    run(host_argv(spec, [
        "/usr/bin/python3", "-c", _PROVISION_WITH_ENV_PASSWORD, "domain", "provision",
        f"--realm={REALM}", f"--domain={DOMAIN}",
        "--server-role=dc", "--dns-backend=SAMBA_INTERNAL",
        f"--host-name={spec.netbios}", f"--host-ip={spec.address}", f"--targetdir={spec.dir}",
        *_common_options(spec),
    ]), env=_adminpass_env(), timeout=120, log_file=spec.dir / "log" / "provision.log")
    _drop_forwarder(smb_conf(spec))


# provision takes the admin password only as --adminpass: append it inside the process from the
# environment so that it never shows in a process list.
_PROVISION_WITH_ENV_PASSWORD = """
import os, sys
from samba.netcmd.main import cmd_sambatool
argv = sys.argv[1:] + ["--adminpass=" + os.environ.pop("RPCW_ADMINPASS")]
try:
    rc = cmd_sambatool()._run("samba-tool", *argv)
except SystemExit as exc:
    rc = exc.code
sys.exit(rc)
"""


def _adminpass_env() -> dict[str, str]:
    env = admin_env()
    env["RPCW_ADMINPASS"] = ADMIN_PASSWORD
    return env


def join_dc2(spec: HostSpec) -> None:
    (spec.dir / "usershares").mkdir(parents=True, exist_ok=True)
    run(host_argv(spec, [
        "samba-tool", "domain", "join", FOREST, "DC", f"--server={DC1.fqdn}",
        "-U", "Administrator", f"--realm={REALM}", "--dns-backend=SAMBA_INTERNAL",
        f"--targetdir={spec.dir}", *_common_options(spec),
    ]), env=admin_env(), timeout=120, log_file=spec.dir / "log" / "join.log")
    _drop_forwarder(smb_conf(spec))


def write_member_conf(spec: HostSpec, admin: bool = False) -> None:
    """A standalone Samba server: an endpoint mapper with the usual pipes, and no DRS. With `admin`, the
    lab's Administrator (any domain name: standalone servers ignore it) signs in as root, so that the
    wizard's signed-in registry reads work there."""
    d = spec.dir
    for sub in ("private", "lock", "state", "cache", "usershares"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    smb_conf(spec).write_text(f"""[global]
\tworkgroup = {DOMAIN}
\tnetbios name = {spec.netbios}
\tserver role = standalone server
\tinterfaces = {spec.address}
\tbind interfaces only = yes
\trpc start on demand helpers = no
\tprivate dir = {d}/private
\tlock directory = {d}/lock
\tstate directory = {d}/state
\tcache directory = {d}/cache
\tpid directory = {d}/run
\tncalrpc dir = {d}/run/ncalrpc
\tlog file = {d}/log/%m.log
\tusershare path = {d}/usershares
\tload printers = no
\tprinting = bsd
\tprintcap name = /dev/null
\tdisable spoolss = yes
""" + (f"\tusername map = {d}/etc/users.map\n" if admin else ""))
    if admin:
        (d / "etc" / "users.map").write_text("root = Administrator\n")
        run(["smbpasswd", "-c", str(smb_conf(spec)), "-a", "-s", "root"],
            input_text=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n", timeout=30)
