"""What every probe shares: the session (timeout, credentials, connect cache) and the safety net."""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from wizard.engine.results import ERROR, ProbeResult

DEFAULT_TIMEOUT = 3.0

# portqry's words for the three states of a TCP port, plus a host that cannot be reached at all
LISTENING = "LISTENING"
NOT_LISTENING = "NOT LISTENING"
FILTERED = "FILTERED"
UNREACHABLE = "UNREACHABLE"


@dataclass(frozen=True)
class Credentials:
    """An account for LDAP/registry reads. The password never appears in repr, logs or output."""

    user: str  # DOMAIN\\user or user@domain
    password: str = field(default="", repr=False)
    ccache: str | None = None  # a Kerberos ccache path (KRB5CCNAME) instead of a password

    @property
    def domain(self) -> str:
        if "\\" in self.user:
            return self.user.split("\\", 1)[0]
        return self.user.split("@", 1)[1] if "@" in self.user else ""

    @property
    def username(self) -> str:
        if "\\" in self.user:
            return self.user.split("\\", 1)[1]
        return self.user.split("@", 1)[0]


class Session:
    """One diagnosis run: shared timeout, credentials, and what each TCP connect already showed.

    The connect cache is why a host that drops packets costs one timeout per run, not one per probe.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, credentials: Credentials | None = None) -> None:
        self.timeout = timeout
        self.credentials = credentials
        self._ports: dict[tuple[str, int], tuple[str, str]] = {}
        self._lock = threading.Lock()

    def port_state(self, address: str, port: int) -> tuple[str, str]:
        """(state, detail) of a TCP connect to address:port, measured once per session."""
        key = (address, port)
        with self._lock:
            if key in self._ports:
                return self._ports[key]
        state = tcp_connect(address, port, self.timeout)
        with self._lock:
            self._ports.setdefault(key, state)
        return state

    def known_dead(self, address: str, port: int) -> tuple[str, str] | None:
        """A state already seen that makes another connect pointless: filtered, refused, unreachable."""
        with self._lock:
            state = self._ports.get((address, port))
            if state and state[0] != LISTENING:
                return state
            for (addr, _), seen in self._ports.items():
                if addr == address and seen[0] == UNREACHABLE:
                    return seen
        return None


def tcp_connect(address: str, port: int, timeout: float) -> tuple[str, str]:
    """portqry's three states (plus unreachable) of one TCP port, within the timeout."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
        except TimeoutError:
            return FILTERED, f"no answer within {timeout:g} s"
        except ConnectionRefusedError:
            return NOT_LISTENING, "connection refused (TCP reset)"
        except OSError as exc:
            if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN):
                return UNREACHABLE, exc.strerror or str(exc)
            return FILTERED, exc.strerror or str(exc)
    return LISTENING, "connected"


def run_guarded(name: str, command: str, body: Callable[[], ProbeResult]) -> ProbeResult:
    """Run a probe body; any exception becomes an `error` outcome with one line, never a traceback."""
    started = time.monotonic()
    try:
        result = body()
    except Exception as exc:  # noqa: BLE001 - a probe reports trouble, it never raises
        result = ProbeResult(name, ERROR, f"{name}: {_plain(exc)}", {"error": one_line(exc)})
    result.probe = name
    result.command = command
    result.elapsed_s = time.monotonic() - started
    return result


def _plain(exc: BaseException) -> str:
    """What went wrong, in words a helpdesk can act on; the technical line stays in the evidence."""
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "the server accepted the connection but did not answer in time"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return "the server closed the connection in the middle of the exchange"
    return f"the answer could not be understood or the exchange failed ({one_line(exc)})"


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def parallel(calls: dict[str, Callable[[], Any]], timeout: float) -> dict[str, Any]:
    """Run independent calls at once; each value is the call's result or the exception it raised."""
    results: dict[str, Any] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, len(calls)))
    futures = {key: pool.submit(fn) for key, fn in calls.items()}
    deadline = time.monotonic() + timeout + 2  # each call has its own timeout; this is the backstop
    for key, future in futures.items():
        try:
            results[key] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except Exception as exc:  # noqa: BLE001 - collected and reported by the caller
            results[key] = exc
    pool.shutdown(wait=False, cancel_futures=True)  # never wait on a call that overran its own timeout
    return results
