"""Reading a file a person names (a pasted log, a command's output, a HOSTS or LMHOSTS file).

Only a regular file is read, and never more than the caller's limit + 1 byte (the extra byte tells
"too big" without reading the rest): a FIFO would block the read forever, /dev/zero would fill the
memory, a directory has nothing to read. The file is opened non-blocking and checked on the open
descriptor, so nothing can be swapped in between a check and the read. Standard library only: the
probes (hosts files) and the command line share it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from wizard import WizardError

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
# O_NONBLOCK: opening a FIFO that nobody writes to returns at once instead of waiting for a writer
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def read_regular(path: str | Path, limit: int) -> tuple[bytes, int]:
    """(at most `limit` + 1 bytes of the file, the file's whole size). A WizardError of one line,
    `cannot read PATH: why`, for a missing or unreadable file and for anything but a regular file."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        raise WizardError(f"cannot read {path}: {exc.strerror or exc}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise WizardError(f"cannot read {path}: it is {_kind(info.st_mode)}, not a regular file")
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read(limit + 1), info.st_size
        except OSError as exc:
            raise WizardError(f"cannot read {path}: {exc.strerror or exc}") from None


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "a special file")
