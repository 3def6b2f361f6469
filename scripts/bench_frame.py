"""Whole-process timings for scripts/bench.py: plain runs and time-to-first-frame in a pseudo-terminal.

Linux only (pidfd_open, /proc). Every wait has a deadline, so nothing here can hang the bench.

Peak RSS is not taken from wait4/RUSAGE_CHILDREN: on Linux a child's ru_maxrss includes the memory it
had before exec, i.e. a copy of the bench process itself (posix_spawn and fork alike), which would
report `python -c pass` at the bench's size. A live child's /proc/PID/status VmHWM and GNU time (which
forks from a tiny C process) are both clean.
"""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass

FRAME_TIMEOUT = 20.0  # seconds for the marker to appear before the run counts as a failure
KILL_GRACE = 2.0  # seconds between SIGTERM and SIGKILL
COLUMNS, LINES = 100, 30

HELLO_APP = '''\
from textual.app import App
from textual.widgets import Static


class Hello(App):
    def compose(self):
        yield Static("Hello, world")


Hello().run()
'''

# A hello world that is 0.5 s late on purpose: if the harness reports ~0.5 s more than for HELLO_APP,
# it measures the frame and not just process start-up.
SLOW_HELLO_APP = '''\
import time

from textual.app import App
from textual.widgets import Static


class SlowHello(App):
    def compose(self):
        yield Static("", id="text")

    def on_mount(self):
        time.sleep(0.5)
        self.query_one("#text", Static).update("Hello, world")


SlowHello().run()
'''

# ECMA-48 escape sequences: CSI (cursor moves, colours, modes), OSC (titles, hyperlinks, clipboard),
# DCS/SOS/PM/APC strings, charset designations, and the remaining two-byte ESC sequences.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[()*+][0-~]"
    r"|\x1b[ -/]*[0-~]"
)
_SPACE = re.compile(r"\s+")


@dataclass
class Run:
    """One whole-process run: wall seconds, peak RSS of the child in KiB if known, and why it failed if it did."""

    seconds: float
    rss_kib: int | None = None
    error: str | None = None
    output: str = ""  # stdout and stderr together, for run_captured only
    cpu: float | None = None  # CPU seconds (user + system) the child used until then, for first_frame only


def screen_text(raw: bytes) -> str:
    """What a pty stream says once escapes and all whitespace are gone.

    Whitespace goes too because Textual may draw the gap between two words as a cursor move
    (stripped to nothing) or as spaces (kept), depending on styles and partial repaints; dropping
    both from the stream and from the marker makes the match independent of that choice.
    """
    return _SPACE.sub("", _ESCAPES.sub("", raw.decode("utf-8", errors="replace")))


def shows(raw: bytes, markers: Sequence[str]) -> bool:
    text = screen_text(raw)
    return any(_SPACE.sub("", marker) in text for marker in markers)


def _reap(pid: int, pidfd: int, deadline: float) -> int | None:
    """The wait status once the child exits, or None at the deadline."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        select.select([pidfd], [], [], remaining)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return status


def _stop(pid: int, pidfd: int, drain_fd: int | None = None) -> None:
    """SIGTERM, SIGKILL after KILL_GRACE, always reaped."""
    for sig, grace in ((signal.SIGTERM, KILL_GRACE), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pid, sig)  # the child leads its own session and group: this reaches what it started
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if drain_fd is not None:
                _read(drain_fd)  # a SIGTERM handler that restores the terminal must not block on a full pty
            if _reap(pid, pidfd, min(deadline, time.monotonic() + 0.05)) is not None:
                return
    raise RuntimeError(f"pid {pid} survived SIGKILL")


def run_plain(argv: Sequence[str], env: dict[str, str], timeout: float = 60.0) -> Run:
    """Start argv with stdout/stderr to /dev/null and time it to exit (posix_spawn: least harness overhead)."""
    null = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
    started = time.perf_counter()
    pid = os.posix_spawn(argv[0], list(argv), env, file_actions=null, setsid=True)
    pidfd = os.pidfd_open(pid)
    try:
        status = _reap(pid, pidfd, time.monotonic() + timeout)
        elapsed = time.perf_counter() - started
        if status is None:
            _stop(pid, pidfd)
            return Run(elapsed, error=f"did not exit within {timeout:.0f} s")
        code = os.waitstatus_to_exitcode(status)
        return Run(elapsed, error=None if code == 0 else f"exit code {code}")
    finally:
        os.close(pidfd)


def run_captured(argv: Sequence[str], env: dict[str, str], timeout: float = 60.0, ok_codes: Sequence[int] = (0,),
                 prefix: Sequence[str] = (), gnu_time: bool = False) -> Run:
    """Run prefix + argv with stdout and stderr to one temporary file; time it to exit; keep its output.

    prefix is a command that execs argv in place (`ip netns exec NS`: the pid stays the same), so the
    child's /proc/PID/status VmHWM, polled while it runs, is argv's peak RSS (up to the last poll).
    gnu_time puts GNU time between prefix and argv: an exact peak RSS, at the cost of one fork.
    An exit code outside ok_codes makes the run a failure.
    """
    gnu = shutil.which("time", path="/usr/bin:/bin") if gnu_time else None
    with tempfile.NamedTemporaryFile("w+b") as out, tempfile.NamedTemporaryFile("r") as rss_file:
        full = [*prefix, *([gnu, "-f", "%M", "-o", rss_file.name] if gnu else []), *argv]
        actions = [(os.POSIX_SPAWN_OPEN, 1, out.name, os.O_WRONLY, 0), (os.POSIX_SPAWN_DUP2, 1, 2)]
        started = time.perf_counter()
        pid = os.posix_spawn(full[0], full, env, file_actions=actions, setsid=True)
        pidfd = os.pidfd_open(pid)
        try:
            deadline, status, hwm = time.monotonic() + timeout, None, None
            while status is None and time.monotonic() < deadline:
                status = _reap(pid, pidfd, min(deadline, time.monotonic() + POLL_INTERVAL))
                if status is None and not gnu:
                    hwm = _peak(hwm, _vm_hwm(pid))
            elapsed = time.perf_counter() - started
            if status is None:
                _stop(pid, pidfd)
                return Run(elapsed, hwm, f"did not exit within {timeout:.0f} s", _text(out))
        finally:
            os.close(pidfd)
        if gnu:
            lines = rss_file.read().strip().splitlines()
            hwm = int(lines[-1]) if lines and lines[-1].isdigit() else None
        code = os.waitstatus_to_exitcode(status)
        return Run(elapsed, hwm, None if code in ok_codes else f"exit code {code}", _text(out))


POLL_INTERVAL = 0.05  # seconds between two reads of a running child's VmHWM


def _text(out) -> str:
    out.seek(0)
    return out.read().decode("utf-8", errors="replace")


def _peak(a: int | None, b: int | None) -> int | None:
    return max((x for x in (a, b) if x is not None), default=None)


def peak_rss_plain(argv: Sequence[str], env: dict[str, str], timeout: float = 60.0) -> int | None:
    """Peak RSS in KiB of one run under GNU time (see the module docstring), or None without it."""
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if not gnu_time:
        return None
    with tempfile.NamedTemporaryFile("r") as out:
        try:
            subprocess.run([gnu_time, "-f", "%M", "-o", out.name, *argv], env=env, timeout=timeout,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:  # subprocess.run has killed and reaped it
            return None
        text = out.read().strip().splitlines()
    return int(text[-1]) if text and text[-1].isdigit() else None


def _vm_hwm(pid: int) -> int | None:
    """Peak RSS so far of a live process, in KiB (VmHWM belongs to the mm created at exec)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), None)
    except OSError:
        return None


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a live process so far (/proc/PID/stat, in clock ticks): unlike wall
    time, hardly changed by other processes competing for the cores."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14, 15


def _exec_in_pty(argv: Sequence[str], env: dict[str, str]) -> None:
    """Child side of pty.fork(): size the terminal before the app can ask, then exec. Never returns."""
    try:
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        os.execve(argv[0], list(argv), env)
    finally:
        os._exit(127)


def first_frame(argv: Sequence[str], markers: Sequence[str], env: dict[str, str],
                timeout: float = FRAME_TIMEOUT) -> Run:
    """Seconds from fork to the first pty output that shows one of markers; the child is then killed."""
    started = time.perf_counter()
    pid, master = pty.fork()
    if pid == 0:
        _exec_in_pty(argv, env)
    pidfd = os.pidfd_open(pid)
    try:
        error, elapsed = _watch(master, pidfd, markers, started, timeout)
        rss = None if error else _vm_hwm(pid)  # read before the kill: peak RSS up to the first frame
        cpu = None if error else _cpu_seconds(pid)
        _stop(pid, pidfd, master)
        return Run(elapsed, rss, error, cpu=cpu)
    finally:
        os.close(pidfd)
        os.close(master)


def _watch(master: int, pidfd: int, markers: Sequence[str], started: float, timeout: float) -> tuple[str | None, float]:
    """Read the pty until a marker shows, the child exits, or timeout; returns (error or None, elapsed)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        ready = select.select([master, pidfd], [], [], remaining)[0]
        exited = pidfd in ready
        # after an exit, take what is still buffered in the pty: the marker may be in its last words
        chunk = _read(master) if master in ready or exited else b""
        seen += chunk
        if shows(seen, markers):  # re-scan all of it: a marker may straddle two reads
            return None, time.perf_counter() - started
        if exited and not chunk:
            elapsed = time.perf_counter() - started
            return f"exited after {elapsed:.2f} s without showing the first frame", elapsed
    return f"did not show the first frame within {timeout:.0f} s", time.perf_counter() - started


def _read(fd: int) -> bytes:
    if not select.select([fd], [], [], 0)[0]:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError as exc:
        if exc.errno == errno.EIO:  # Linux reports EIO on the master once the child side is closed
            return b""
        raise
