"""What the hostile tests check on every result: time taken, no control characters, bounded size."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator

from hostile_servers import TIMEOUT

from wizard.engine.results import ProbeResult
from wizard.probes.run import run_probe
from wizard.probes.session import Session

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def timed(name: str, params: dict, session: Session | None = None,
          timeout: float = TIMEOUT) -> tuple[ProbeResult, float]:
    """run_probe, and how long the whole call took by the monotonic clock."""
    session = session or Session(timeout=timeout)
    started = time.monotonic()
    result = run_probe(name, params, session)
    return result, time.monotonic() - started


def texts(value: object) -> Iterator[str]:
    """Every string in a result's evidence or facts, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(key)
            yield from texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from texts(item)


def assert_printable(result: ProbeResult) -> None:
    """Nothing a terminal would act on anywhere in the result."""
    for text in [result.summary, *texts(result.evidence), *texts(result.facts)]:
        assert not _CONTROL.search(text), f"control character in {text!r}"


def json_size(result: ProbeResult) -> int:
    return len(json.dumps(result.to_dict(), default=str))


def pool_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor")}


def assert_no_thread_left(before: set[threading.Thread], grace: float = 0.5) -> None:
    """The probe's worker threads ended soon after it returned: nothing keeps reading in the background."""
    end = time.monotonic() + grace
    while time.monotonic() < end and {t for t in pool_threads() - before if t.is_alive()}:
        time.sleep(0.02)
    left = {t.name for t in pool_threads() - before if t.is_alive()}
    assert not left, f"worker threads still running after the probe returned: {left}"
