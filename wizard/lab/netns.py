"""Network namespaces of the lab: a bridge in the client namespace, one veth per host.

Nothing is created in the root namespace and no namespace gets a default route, so lab traffic
can never leave the machine.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wizard.lab.runner import LabError, run
from wizard.lab.topology import BRIDGE, CLIENT_ADDRESS, CLIENT_NS, NETNS_RUN, SUBNET_PREFIX, HostSpec

CLONE_NEWNET = 0x40000000


def exists(netns: str) -> bool:
    return (NETNS_RUN / netns).exists()


def _ip(netns: str, *args: str) -> None:
    run(["ip", "-n", netns, *args], timeout=15)


def _quiet_ipv6(netns: str) -> None:
    # Link-local IPv6 addresses would only add AAAA noise to what Samba registers in DNS.
    run(["ip", "netns", "exec", netns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
         "net.ipv6.conf.default.disable_ipv6=1"], timeout=15)


def create_client() -> None:
    run(["ip", "netns", "add", CLIENT_NS], timeout=15)
    _quiet_ipv6(CLIENT_NS)
    _ip(CLIENT_NS, "link", "set", "lo", "up")
    _ip(CLIENT_NS, "link", "add", BRIDGE, "type", "bridge")
    _ip(CLIENT_NS, "addr", "add", f"{CLIENT_ADDRESS}/{SUBNET_PREFIX}", "dev", BRIDGE)
    _ip(CLIENT_NS, "link", "set", BRIDGE, "up")


def create_host(spec: HostSpec) -> None:
    run(["ip", "netns", "add", spec.netns], timeout=15)
    _quiet_ipv6(spec.netns)
    _ip(spec.netns, "link", "set", "lo", "up")
    _ip(spec.netns, "link", "add", "eth0", "type", "veth", "peer", "name", spec.veth, "netns", CLIENT_NS)
    _ip(spec.netns, "addr", "add", f"{spec.address}/{SUBNET_PREFIX}", "dev", "eth0")
    _ip(spec.netns, "link", "set", "eth0", "up")
    _ip(CLIENT_NS, "link", "set", spec.veth, "master", BRIDGE, "up")


def set_link(spec: HostSpec, up: bool) -> None:
    _ip(spec.netns, "link", "set", "eth0", "up" if up else "down")


def _netns_inode(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def pids_in(netns: str) -> list[int]:
    """Processes whose network namespace is `netns` (what `ip netns pids` reports)."""
    target = _netns_inode(NETNS_RUN / netns)
    if target is None:
        return []
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _netns_inode(Path("/proc", entry, "ns", "net")) == target:
            pids.append(int(entry))
    return pids


def kill_all(netns: str, grace: float = 5.0) -> None:
    """TERM every process in the namespace, then KILL what is left after `grace` seconds."""
    if os.getpid() in pids_in(netns):
        raise LabError(f"this process is inside {netns}: leave it before stopping the lab")
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids_in(netns):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while pids_in(netns) and time.monotonic() < deadline:
            _reap_children()
            time.sleep(0.1)
        _reap_children()
        if not pids_in(netns):
            return
    raise LabError(f"processes survive SIGKILL in {netns}: {pids_in(netns)}")


def _reap_children() -> None:
    """Collect daemons this process started (a fault's restart) so that no zombie lingers."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def delete(netns: str) -> None:
    if exists(netns):
        kill_all(netns)
        run(["ip", "netns", "del", netns], timeout=15)


def is_mount_point(path: Path) -> bool:
    """From mountinfo: os.path.ismount misses a bind mount of a directory onto itself."""
    with open("/proc/self/mountinfo") as fh:
        return any(line.split()[4] == str(path) for line in fh)


def release_netns_dir() -> None:
    """`ip netns add` turns /run/netns into a mount point; undo that once no namespace is left."""
    if NETNS_RUN.is_dir() and not any(NETNS_RUN.iterdir()):
        if is_mount_point(NETNS_RUN):
            run(["umount", str(NETNS_RUN)], timeout=15)
        try:
            NETNS_RUN.rmdir()
        except OSError:
            pass


_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise LabError(f"setns failed: {os.strerror(err)}")


_home_fd: int | None = None  # the namespace this process was in before its first switch


def _remember_home() -> None:
    global _home_fd
    if _home_fd is None:
        _home_fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)


@contextmanager
def _entered(target_path: Path) -> Iterator[None]:
    _remember_home()
    with open("/proc/thread-self/ns/net", "rb") as original:
        with open(target_path, "rb") as target:  # closed at once: it would keep /run/netns busy
            _setns(target.fileno())
        try:
            yield
        finally:
            _setns(original.fileno())


@contextmanager
def in_netns(netns: str) -> Iterator[None]:
    """Move the calling thread into `netns` (sockets it opens live there); restore on exit."""
    if not exists(netns):
        raise LabError(f"network namespace {netns} does not exist: is the lab up?")
    with _entered(NETNS_RUN / netns):
        yield


@contextmanager
def in_home_netns() -> Iterator[None]:
    """Back, for a while, to the namespace this process was in before it first entered the lab."""
    _remember_home()
    with _entered(Path(f"/proc/self/fd/{_home_fd}")):
        yield


def thread_in(netns: str) -> bool:
    return _netns_inode(Path("/proc/thread-self/ns/net")) == _netns_inode(NETNS_RUN / netns)


def current_has_link(name: str) -> bool:
    """Whether this thread's network namespace has a link called `name` (the lab bridge, say)."""
    try:
        socket.if_nametoindex(name)  # asks the kernel through a socket of this thread's namespace
    except OSError:
        return False
    return True
