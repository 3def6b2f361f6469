"""The deadline of one probe call, from --timeout (`Session.timeout`, 3 s by default):
- each single wait (one TCP connect, one read, one DNS question) lasts at most `timeout`: a host
  that says nothing is FILTERED or "did not answer" after one timeout;
- a whole probe call (every connect, every read, every page of a list and its decoding, and any
  check it runs first, such as identity before credentials are sent) ends within DEADLINE_FACTOR x
  timeout: 9 s by default. `run_probe` gives each call a Budget with that deadline; every socket a probe
  opens draws on it (sockets.BoundedSocket), so a server that trickles bytes or never ends its answer is
  cut off there; work between reads checks it too (`Budget.check`), so a long answer cannot be decoded
  past it. Three timeouts: a connect, an answer, and one more exchange (the SRV after the CNAME, the PTR
  after the A record, the identity check before a signed-in read).
A call also reads at most MAX_BYTES_READ from the network.
"""

from __future__ import annotations

import math
import threading
import time

DEFAULT_TIMEOUT = 3.0
DEADLINE_FACTOR = 3  # a probe call ends within DEADLINE_FACTOR x timeout (see the module docstring)
MAX_BYTES_READ = 4 * 2**20  # per probe call; a full endpoint list of a busy DC is a few hundred KB


class CutShort(Exception):
    """The call's deadline or byte allowance ran out; the message says which, in plain words."""

    errno = None  # impacket reads exc.errno from whatever a socket raised


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
