"""Starting and stopping the lab's daemons, each inside its host's namespace."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from wizard.lab import netns
from wizard.lab.provision import smb_conf
from wizard.lab.runner import LabError, host_argv, netns_argv, run, show, tail
from wizard.lab.topology import CLIENT_NS, DC2, EXCH1, EXCHANGE_PORTS, MEMBER1, HostSpec

DC_PORTS = (53, 135, 389, 445)
MEMBER_PORTS = (135, 445)
DCERPC_WITHOUT_DRS = ("epmapper, wkssvc, samr, netlogon, lsarpc, dssetup, unixinfo, browser, "
                      "eventlog6, backupkey, dnsserver")


def _spawn(argv: Sequence[str], log: Path) -> subprocess.Popen:
    """Start a daemon in its own session so that it outlives the command that started it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as fh:
        return subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=fh, stderr=fh,
                                start_new_session=True)


def _tcp_open(address: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_ports(spec: HostSpec, ports: Sequence[int], procs: Sequence[subprocess.Popen],
               log: Path, timeout: float = 40) -> None:
    """Wait until every port answers from the client namespace; fail early if a daemon died."""
    deadline = time.monotonic() + timeout
    pending = list(ports)
    with netns.in_netns(CLIENT_NS):
        while pending:
            pending = [p for p in pending if not _tcp_open(spec.address, p)]
            if not pending:
                return
            dead = [p for p in procs if p.poll() is not None]
            if dead:
                raise LabError(f"{spec.key}: exited with {dead[0].returncode}: "
                               f"{show(dead[0].args)}\n{tail(log)}")
            if time.monotonic() > deadline:
                raise LabError(f"{spec.key}: ports {pending} not answering after {timeout:.0f} s\n{tail(log)}")
            time.sleep(0.2)


def dc_log(spec: HostSpec) -> Path:
    return spec.dir / "log" / "samba.out"


def start_dc(spec: HostSpec, without_drs: bool = False, drs_port: int | None = None) -> None:
    # dnsupdate off: a record a fault made stale stays stale; the lab registers records itself.
    argv = ["samba", "-s", str(smb_conf(spec)), "-F", "--no-process-group",
            "--option=server services=-dnsupdate"]
    if without_drs:
        argv.append(f"--option=dcerpc endpoint servers={DCERPC_WITHOUT_DRS}")
    if drs_port:
        argv.append(f"--option=rpc server port:drsuapi={drs_port}")
    proc = _spawn(host_argv(spec, argv), dc_log(spec))
    wait_ports(spec, DC_PORTS, [proc], dc_log(spec))
    wait_netbios(spec)


def wait_netbios(spec: HostSpec, timeout: float = 20) -> None:
    """Wait until the DC's NetBIOS names are registered (about 4 s after its ports answer). A fault that
    takes the link down while they are still being registered leaves the DC without them for good, and
    the identity check would then miss what nbtstat -A shows on a real network."""
    deadline = time.monotonic() + timeout
    while True:
        proc = run(netns_argv(CLIENT_NS, ["nmblookup", "-A", spec.address]), timeout=5, check=False)
        if re.search(rf"^\s*{spec.netbios}\s+<00>", proc.stdout, re.M):
            return
        if time.monotonic() > deadline:
            raise LabError(f"{spec.key}: its NetBIOS names are not registered after {timeout:.0f} s")
        time.sleep(0.3)


def start_member(spec: HostSpec = MEMBER1, netbios: bool = True) -> None:
    """A standalone Samba; without `netbios` no nmbd, whose node status would answer for every address
    the namespace holds (EXCH1 holds the many-dcs fault's addresses too)."""
    conf = str(smb_conf(spec))
    log = spec.dir / "log" / "daemons.out"
    procs = [_spawn(host_argv(spec, ["/usr/libexec/samba/samba-dcerpcd", "--libexec-rpcds", "-F", "-s", conf]), log)]
    procs += [_spawn(host_argv(spec, [daemon, "-F", "--no-process-group", "-s", conf]), log)
              for daemon in ("smbd", "nmbd")[:2 if netbios else 1]]
    wait_ports(spec, MEMBER_PORTS, procs, log)


def _listener_pidfile(port: int) -> Path:
    return EXCH1.dir / "run" / f"listener-{port}.pid"


def start_listeners(ports: Sequence[int] = EXCHANGE_PORTS) -> None:
    log = EXCH1.dir / "log" / "listeners.out"
    procs = []
    for port in ports:
        # EXCH1's directory at the end names this lab's listeners apart from another lab's (RPCW_LAB)
        env_python = [sys.executable, "-m", "wizard.lab.listener", str(port), EXCH1.address, str(EXCH1.dir)]
        proc = _spawn(netns_argv(EXCH1.netns, env_python), log)
        _listener_pidfile(port).write_text(f"{proc.pid}\n")
        procs.append(proc)
    wait_ports(EXCH1, ports, procs, log, timeout=15)


def stop_listeners(ports: Sequence[int]) -> None:
    for port in ports:
        pidfile = _listener_pidfile(port)
        try:
            pid = int(pidfile.read_text())
        except (OSError, ValueError):
            continue
        if pid in netns.pids_in(EXCH1.netns):  # never signal a recycled pid outside the lab
            os.kill(pid, signal.SIGTERM)
            _wait_gone(pid)
        pidfile.unlink(missing_ok=True)


def listening_ports() -> list[int]:
    return [p for p in EXCHANGE_PORTS if _listener_pidfile(p).exists()]


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent (init here may reap late)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_gone(pid: int, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)  # reap it when this process started it
        except ChildProcessError:
            pass
        time.sleep(0.05)


def stop_host(spec: HostSpec) -> None:
    """Stop every process of the host: Samba's helpers detach, so go by namespace, not by pid file."""
    netns.kill_all(spec.netns)


def restart_dc2(without_drs: bool, drs_port: int | None = None, holder: int | None = None) -> None:
    """DC2 again, with or without DRS, DRS on a fixed port, and `holder`: a port another process holds."""
    stop_host(DC2)
    if holder:
        log = DC2.dir / "log" / "listeners.out"
        proc = _spawn(netns_argv(DC2.netns, [sys.executable, "-m", "wizard.lab.listener", str(holder),
                                             DC2.address]), log)
        wait_ports(DC2, [holder], [proc], log, timeout=15)
    start_dc(DC2, without_drs=without_drs, drs_port=drs_port)


def host_running(spec: HostSpec) -> bool:
    return bool(netns.pids_in(spec.netns))

