"""Running commands for the lab: in a host's namespace, with a step log and readable failures."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from wizard import WizardError
from wizard.lab.topology import ADMIN_PASSWORD, HostSpec

Log = Callable[[str], None]

# Inside a host namespace: own hostname (smbd stalls on the shared one), own /run/samba (smbd finds
# winbindd there at a compiled-in path) and own /var/log/samba (helpers log there whatever smb.conf
# says). `ip netns exec` already gives a private mount namespace and binds /etc/netns/NS/* over /etc.
_HOST_WRAPPER = (
    'hostname "$1" && mount --bind "$2" /run/samba && mount --bind "$3" /var/log/samba '
    '&& shift 3 && exec "$@"'
)


class LabError(WizardError):
    """A lab step failed; the message names the command and ends with the tail of its log."""


def host_argv(spec: HostSpec, argv: Sequence[str]) -> list[str]:
    """argv run inside `spec`'s namespace, with its hostname and private Samba run/log dirs."""
    return [
        "ip", "netns", "exec", spec.netns, "unshare", "--uts", "--",
        "sh", "-c", _HOST_WRAPPER, "sh", spec.netbios.lower(),
        str(spec.dir / "run"), str(spec.dir / "log"), *argv,
    ]


def netns_argv(netns: str, argv: Sequence[str]) -> list[str]:
    return ["ip", "netns", "exec", netns, *argv]


def admin_env() -> dict[str, str]:
    """Environment that hands the admin password to Samba tools (they read PASSWD), never argv."""
    env = dict(os.environ)
    env["PASSWD"] = ADMIN_PASSWORD
    return env


def show(argv: Sequence[str]) -> str:
    """The command as a person reads it: the namespace wrapper and inline scripts abbreviated."""
    parts = list(argv)
    if _HOST_WRAPPER in parts:  # ip netns exec NS unshare ... sh -c WRAPPER sh HOST RUN LOG CMD...
        i = parts.index(_HOST_WRAPPER)
        parts = parts[:4] + parts[i + 5:]
    return shlex.join("<script>" if "\n" in p else p for p in parts)


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run(argv: Sequence[str], *, timeout: float = 60, env: dict[str, str] | None = None,
        log_file: Path | None = None, check: bool = True, input_text: str | None = None,
        ) -> subprocess.CompletedProcess:
    """Run argv to completion; on failure raise LabError with the command and its output's tail."""
    try:
        proc = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout,
                              env=env, input=input_text)
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"timed out after {timeout:.0f} s: {show(argv)}") from exc
    except OSError as exc:
        raise LabError(f"cannot run {show(argv)}: {exc}") from exc
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("a") as fh:
            fh.write(f"$ {show(argv)}\n{proc.stdout}{proc.stderr}\n")
    if check and proc.returncode != 0:
        output = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise LabError(f"failed (exit {proc.returncode}): {show(argv)}\n{output}")
    return proc


class Steps:
    """Prints each step with the elapsed time since the start, and the failing step's details."""

    def __init__(self, log: Log) -> None:
        self.log = log
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def run(self, title: str, action: Callable[[], object]) -> None:
        t0 = time.monotonic()
        try:
            action()
        except LabError as exc:
            self.log(f"[{self.elapsed():5.1f}s] FAILED: {title}\n{exc}")
            raise
        self.log(f"[{self.elapsed():5.1f}s] {title} ({time.monotonic() - t0:.1f}s)")
