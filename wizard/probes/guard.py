"""The safety net of every probe call: trouble becomes an `error` outcome in plain words, never a
traceback; what a call keeps as evidence is bounded (outside text through the project's one sanitiser,
each string and list capped); independent calls run at once within the call's deadline."""

from __future__ import annotations

import itertools
import math
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from wizard.engine.results import ERROR, ProbeResult
from wizard.engine.untrusted import PROSE_LIMIT, as_str, clean
from wizard.probes.budget import Budget, CutShort
from wizard.probes.session import Session
from wizard.probes.sockets import Garbled, ServerClosed

EVIDENCE_TEXT_LIMIT = 300  # characters of one evidence string (a DN, a binding, an error line)
EVIDENCE_ITEMS_LIMIT = 1000  # entries of one evidence list or mapping (a forest lists at most 1000 DCs)
_GRACE = 0.25  # how long parallel() waits past the deadline for calls that are ending at it anyway


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
