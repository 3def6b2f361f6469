"""What every probe shares: the session (timeout, credentials, connect cache, identities checked), the
deadline of one probe call, sockets bounded by it, and the safety net.

Time, in two numbers derived from --timeout (`Session.timeout`, 3 s by default):
- each single wait (one TCP connect, one read, one DNS question) lasts at most `timeout`: a host
  that says nothing is FILTERED or "did not answer" after one timeout, as before;
- a whole probe call (every connect, every read, every page of a list and its decoding, and any
  check it runs first, such as identity before credentials are sent) ends within DEADLINE_FACTOR x
  timeout: 9 s by default. `run_probe` gives each call a Budget with that deadline; every socket a probe opens draws
  on it (BoundedSocket), so a server that trickles bytes or never ends its answer is cut off there;
  work between reads checks it too (`Budget.check`), so a long answer cannot be decoded past it.
  Three timeouts: a connect, an answer, and one more exchange (the SRV after the CNAME, the PTR after
  the A record, the identity check before a signed-in read).
A call also reads at most MAX_BYTES_READ from the network, and what it keeps as evidence is bounded
(`bounded`): outside text goes through the project's one sanitiser, each string and list is capped.
"""

from __future__ import annotations

import copy
import errno
import itertools
import math
import socket
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from wizard.engine.results import ERROR, ProbeResult
from wizard.engine.untrusted import PROSE_LIMIT, as_str, clean
from wizard.verdicts.ports import FILTERED, LISTENING, NOT_LISTENING, UNREACHABLE  # portqry's words, written once

DEFAULT_TIMEOUT = 3.0
DEADLINE_FACTOR = 3  # a probe call ends within DEADLINE_FACTOR x timeout (see the module docstring)
MAX_BYTES_READ = 4 * 2**20  # per probe call; a full endpoint list of a busy DC is a few hundred KB
EVIDENCE_TEXT_LIMIT = 300  # characters of one evidence string (a DN, a binding, an error line)
EVIDENCE_ITEMS_LIMIT = 1000  # entries of one evidence list or mapping (a forest lists at most 1000 DCs)
_GRACE = 0.25  # how long parallel() waits past the deadline for calls that are ending at it anyway


# a reset or abort proves the host is up (portqry: NOT LISTENING); these say no packet got there
_REFUSED = (errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED)
_UNREACHABLE = (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN)


class CutShort(Exception):
    """The call's deadline or byte allowance ran out; the message says which, in plain words."""

    errno = None  # impacket reads exc.errno from whatever a socket raised


class ServerClosed(ConnectionError):
    """The server hung up where an answer was due (a read returned nothing)."""

    def __init__(self, what: str = "the server closed the connection without answering") -> None:
        super().__init__(what)


class Garbled(Exception):
    """The answer is not the protocol that was asked for; the message says so in plain words."""


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


class Budget:
    """The deadline and byte allowance of one probe call: every connect, read and page draws on it."""

    def __init__(self, seconds: float | None, max_bytes: int = MAX_BYTES_READ) -> None:
        self.seconds = seconds
        self._end = None if seconds is None else time.monotonic() + seconds
        self.max_bytes, self.bytes_read = max_bytes, 0
        self.why: str | None = None  # why the call was cut short, once it was
        self._lock = threading.Lock()

    def remaining(self) -> float:
        return math.inf if self._end is None else max(0.0, self._end - time.monotonic())

    def wait(self, timeout: float) -> float:
        """How long the next single wait may last: the timeout, or what is left of the deadline."""
        left = self.remaining()
        if left <= 0:
            raise self.cut_by_time()
        return min(timeout, left)

    def check(self) -> None:
        """Raise CutShort once the deadline has passed. Called between pieces of work that wait for
        nothing (decoding a page, describing each entry), so CPU work ends at the deadline as reads do."""
        if self.remaining() <= 0:
            raise self.cut_by_time()

    def took(self, count: int) -> None:
        with self._lock:
            self.bytes_read += count
            over = self.bytes_read > self.max_bytes
        if over:
            raise self.cut(f"the server sent more than {self.max_bytes // 2**20} MB for one check; stopped there")

    def cut_by_time(self) -> CutShort:
        return self.cut(f"the answer did not end within the check's {self.seconds:g} s limit "
                        "(a server that trickles or never finishes); stopped there")

    def cut(self, why: str) -> CutShort:
        with self._lock:
            self.why = self.why or why  # the first reason is the real one; later ones are its echoes
        return CutShort(self.why)


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


def run_guarded(name: str, command: str, body: Callable[[], ProbeResult], budget: Budget | None = None) -> ProbeResult:
    """Run a probe body; any exception becomes an `error` outcome with one line, never a traceback.
    Whatever it returns is bounded on the way out: outside text cleaned, strings and lists capped."""
    started = time.monotonic()
    try:
        result = body()
    except Exception as exc:  # noqa: BLE001 - a probe reports trouble, it never raises
        result = ProbeResult(name, ERROR, f"{name}: {_plain(exc, budget)}", {"error": one_line(exc)})
    result.probe = name
    result.command = command
    result.summary = clean(result.summary, PROSE_LIMIT)
    result.evidence = bounded(result.evidence)
    result.facts = bounded(result.facts, items=None)  # later probes need every item; the probe capped them
    result.elapsed_s = time.monotonic() - started
    return result


def _plain(exc: BaseException, budget: Budget | None = None) -> str:
    """What went wrong, in words a helpdesk can act on; the technical line stays in the evidence."""
    if budget is not None and budget.why:
        return budget.why  # a library may have wrapped our exception: the reason is kept here
    if isinstance(exc, (CutShort, ServerClosed, Garbled)):
        return str(exc)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "the server accepted the connection but did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "the server refused the connection (TCP reset)"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return "the server closed the connection in the middle of the exchange"
    return f"the answer could not be understood or the exchange failed ({one_line(exc)})"


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def bounded(value: Any, items: int | None = EVIDENCE_ITEMS_LIMIT, depth: int = 0) -> Any:
    """Evidence as it may be kept and printed: text through the one sanitiser (no control characters),
    each string, list and mapping capped. Keeps the shape: dicts stay dicts, lists lists, tuples tuples."""
    if isinstance(value, str):
        return clean(value, EVIDENCE_TEXT_LIMIT)
    if value is None or isinstance(value, (bool, float)) or (isinstance(value, int) and abs(value) < 10**18):
        return value
    if depth > 8:
        return clean(as_str(value), EVIDENCE_TEXT_LIMIT)
    if isinstance(value, dict):
        return {bounded(k, items, depth + 1): bounded(v, items, depth + 1)
                for k, v in itertools.islice(value.items(), items)}
    if isinstance(value, (list, tuple, set, frozenset)):
        kept = [bounded(v, items, depth + 1) for v in itertools.islice(value, items)]
        return tuple(kept) if isinstance(value, tuple) else kept
    if isinstance(value, (bytes, bytearray)):
        return clean(bytes(value[:EVIDENCE_TEXT_LIMIT]).decode("latin-1"), EVIDENCE_TEXT_LIMIT)
    return clean(as_str(value), EVIDENCE_TEXT_LIMIT)


def parallel(calls: dict[str, Callable[[], Any]], timeout: float | None, grace: float = 2.0) -> dict[str, Any]:
    """Run independent calls at once; each value is the call's result or the exception it raised.
    Waits at most timeout + grace (None: until all are done); callers inside a probe pass what is
    left of the deadline and a short grace, since every call there ends at the deadline itself."""
    results: dict[str, Any] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, len(calls)))
    futures = {key: pool.submit(fn) for key, fn in calls.items()}
    deadline = None if timeout is None or math.isinf(timeout) else time.monotonic() + timeout + grace
    for key, future in futures.items():
        try:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            results[key] = future.result(timeout=left)
        except Exception as exc:  # noqa: BLE001 - collected and reported by the caller
            results[key] = exc
    pool.shutdown(wait=False, cancel_futures=True)  # never wait on a call that overran its own timeout
    return results


def in_parallel(session: Session, calls: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """parallel() within a probe call: until the call's deadline (every call in it ends there too)."""
    return parallel(calls, session.budget.remaining(), grace=_GRACE)
