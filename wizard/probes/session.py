"""One diagnosis run as the probes share it: the timeout, the credentials, what each TCP connect already
showed, who answered at each address (which decides where credentials may go), and one probe call's view
of it with its own deadline (`for_call`)."""

from __future__ import annotations

import copy
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wizard.probes.budget import DEADLINE_FACTOR, DEFAULT_TIMEOUT, Budget
from wizard.probes.sockets import BoundedSocket, tcp_connect
from wizard.verdicts.ports import FILTERED, LISTENING, UNREACHABLE


@dataclass(frozen=True)
class Credentials:
    """An account for LDAP/registry reads. The password never appears in repr, logs or output."""

    user: str  # DOMAIN\\user or user@domain
    password: str = field(default="", repr=False)
    ccache: str | None = None  # the path of a Kerberos ticket cache file instead of a password

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
    """One diagnosis run: shared timeout, credentials, what each TCP connect already showed, and who
    answered at each address (the identity check), which decides where credentials may go.

    The connect cache is why a host that drops packets costs one timeout per run, not one per probe.
    `for_call` gives one probe call a view of the session with its own deadline (`budget`).
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, credentials: Credentials | None = None) -> None:
        self.timeout = timeout
        self.credentials = credentials
        # outside a call no deadline and no byte cap (they are per call): run_probe gives each call its own
        self.budget = Budget(None, max_bytes=sys.maxsize)
        self._ports: dict[tuple[str, int], tuple[str, str]] = {}
        self._identities: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self._shared: dict[tuple[Any, ...], tuple[threading.Lock, list[Any]]] = {}

    def for_call(self) -> Session:
        """This session for one probe call: the same caches and credentials, a deadline of its own."""
        call = copy.copy(self)  # shallow: the caches and their lock are shared with the session
        call.budget = Budget(self.timeout * DEADLINE_FACTOR)
        return call

    def wait(self) -> float:
        """How long the next single wait may last (the timeout, or what is left of the deadline)."""
        return self.budget.wait(self.timeout)

    def port_state(self, address: str, port: int) -> tuple[str, str]:
        """(state, detail) of a TCP connect to address:port, measured once per session."""
        key = (address, port)
        with self._lock:
            if key in self._ports:
                return self._ports[key]
        wait = self.wait()
        state = tcp_connect(address, port, wait)
        if state[0] == FILTERED and wait < self.timeout:
            return state  # cut by the deadline, not a full timeout: not a fact about the port
        with self._lock:
            self._ports.setdefault(key, state)
        return state

    def shared(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """`compute()` once per session for `key`, however many threads ask at once: a question every DC's
        walk asks alike (the forest's DC locator SRV list, 500 records in a large forest) costs one answer."""
        with self._lock:
            lock, box = self._shared.setdefault(key, (threading.Lock(), []))
        with lock:
            if not box:
                box.append(compute())
            return box[0]

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

    def record_identity(self, address: str, host: str, outcome: str) -> None:
        """What the identity check said about `host` at `address`: match, mismatch or silent."""
        with self._lock:
            self._identities[(address, _host_key(host))] = outcome

    def identity_of(self, address: str, host: str) -> str | None:
        with self._lock:
            return self._identities.get((address, _host_key(host)))

    def is_verified(self, address: str, host: str) -> bool:
        """Did the identity check, in this session, find `host` answering at `address`?"""
        return self.identity_of(address, host) == "match"

    def host_at(self, address: str) -> str | None:
        """The host the identity check was asked about at `address`: a confirmed one first."""
        with self._lock:
            asked = [(outcome != "match", host) for (addr, host), outcome in self._identities.items()
                     if addr == address]
        return min(asked)[1] if asked else None


def _host_key(host: str) -> str:
    return host.strip().lower().rstrip(".")


def open_tcp(session: Session, address: str, port: int) -> BoundedSocket:
    """A TCP connection to address:port (an IP address) whose every wait draws on the call's deadline."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(session.wait())
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return BoundedSocket(sock, session.budget, session.timeout)
