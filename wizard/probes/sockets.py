"""TCP as the probes use it: portqry's states of one connect, and a connected socket bounded by the
call's deadline and byte allowance (budget.Budget) that impacket reads and writes through unaware."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from typing import Any

from wizard.probes.budget import Budget
from wizard.verdicts.ports import FILTERED, LISTENING, NOT_LISTENING, UNREACHABLE  # portqry's words, written once

# a reset or abort proves the host is up (portqry: NOT LISTENING); these say no packet got there
_REFUSED = (errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED)
_UNREACHABLE = (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN)


class ServerClosed(ConnectionError):
    """The server hung up where an answer was due (a read returned nothing)."""

    def __init__(self, what: str = "the server closed the connection without answering") -> None:
        super().__init__(what)


class Garbled(Exception):
    """The answer is not the protocol that was asked for; the message says so in plain words."""


class BoundedSocket:
    """A connected socket whose every wait lasts at most the timeout and ends at the call's deadline,
    and whose reads draw on the call's byte allowance. impacket reads and writes through it unaware;
    a read that returns nothing raises ServerClosed (impacket's LDAP reader would spin on it)."""

    def __init__(self, sock: socket.socket, budget: Budget, timeout: float) -> None:
        self._sock, self._budget, self._timeout = sock, budget, timeout
        self._wanted = timeout

    def settimeout(self, value: float | None) -> None:
        # a library may ask for less than the session's timeout, never for more (or for none)
        self._wanted = self._timeout if not value or value <= 0 else min(value, self._timeout)

    def gettimeout(self) -> float:
        return self._wanted

    def recv(self, size: int, *flags: int) -> bytes:
        data = self._wait(self._sock.recv, size, *flags)
        if not data:
            raise ServerClosed()
        self._budget.took(len(data))
        return data

    def send(self, data: bytes, *flags: int) -> int:
        return self._wait(self._sock.send, data, *flags)

    def sendall(self, data: bytes, *flags: int) -> None:
        return self._wait(self._sock.sendall, data, *flags)

    def _wait(self, operation: Callable[..., Any], *args: Any) -> Any:
        self._sock.settimeout(self._budget.wait(self._wanted))
        try:
            return operation(*args)
        except TimeoutError:
            if self._budget.remaining() <= 0:
                raise self._budget.cut_by_time() from None
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)  # fileno, close, shutdown, getpeername...


def tcp_connect(address: str, port: int, timeout: float) -> tuple[str, str]:
    """portqry's three states (plus unreachable) of one TCP port, within the timeout."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
        except TimeoutError:
            return FILTERED, f"no answer within {timeout:g} s"
        except OSError as exc:
            return _refused_state(exc)
    return LISTENING, "connected"


def _refused_state(exc: OSError) -> tuple[str, str]:
    if exc.errno == errno.ECONNREFUSED:
        return NOT_LISTENING, "connection refused (TCP reset)"
    if exc.errno in _REFUSED:
        return NOT_LISTENING, f"{exc.strerror or exc} (TCP reset: the host is up)"
    if exc.errno in _UNREACHABLE:
        return UNREACHABLE, exc.strerror or str(exc)
    return FILTERED, exc.strerror or str(exc)
