"""Issue 11, cases 5 and 9: files a person names are read bounded and never block.

`parse FILE`, `diagnose --log`/`--paste` and `--hosts-file` read at most the limit + 1 byte of a regular
file and refuse anything else (a FIFO, /dev/zero, a directory) with one line; `-` (standard input) stays
allowed and bounded; a file over the limit is told in exact numbers. The commands run as processes with a
deadline and a memory cap, so a regression fails here instead of blocking or eating the machine's memory.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest
from machine_speed import slack

from wizard import WizardError
from wizard.files import read_regular
from wizard.parsers import MAX_BYTES

DEADLINE_S = slack(20)  # a 5 MiB file or /dev/zero is refused at once; 20 s is the hang detector
MEMORY_CAP = 1 << 30  # 1 GiB: reading /dev/zero whole stops here instead of at the machine's end
LIMIT = f"the limit is {MAX_BYTES:,} bytes (64 MiB)"
SYMPTOM = ["--symptom", "domain-join-0x6d9", "--target", "dc1.contoso.com", "--answer", "host=not-found"]


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def rpc_wizard(*argv: str, stdin: bytes = b"") -> tuple[int, str]:
    """Exit code and stderr of `rpc-wizard ARGV` in a process of its own, within the deadline."""
    try:
        done = subprocess.run([sys.executable, "-m", "wizard", *argv], input=stdin, capture_output=True,
                              timeout=DEADLINE_S, preexec_fn=_cap_memory)
    except subprocess.TimeoutExpired:
        done = None
    if done is None:
        pytest.fail(f"rpc-wizard {' '.join(argv)} was still running after {DEADLINE_S} s", pytrace=False)
    return done.returncode, done.stderr.decode()


def one_line(code: int, err: str) -> str:
    assert code == 3, err
    assert len(err.splitlines()) == 1 and err.startswith("rpc-wizard: error: "), err
    return err


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)  # nobody ever writes to it: opening it for reading the usual way waits forever
    return str(path)


@pytest.fixture
def over_limit(tmp_path):
    """A file one line over the limit."""
    path = tmp_path / "over.log"
    path.write_bytes(b"NetpDoDomainJoin: status: 0x6d9\n" * (MAX_BYTES // 32 + 1))
    return str(path)


def node_paste(path: str) -> list[str]:
    return ["diagnose", "--symptom", "ad-replication-1753", "--target", "dc2.contoso.com",
            "--answer", "dest-guid=skipped", "--paste", f"cname={path}"]


@pytest.mark.parametrize("argv", [
    lambda p: ["parse", p],
    lambda p: ["diagnose", "--log", p, *SYMPTOM],
    node_paste,
    lambda p: ["diagnose", *SYMPTOM, "--hosts-file", p],
], ids=["parse", "log", "paste", "hosts-file"])
@pytest.mark.parametrize("what,kind", [("fifo", "a named pipe (FIFO)"), ("/dev/zero", "a character device"),
                                       ("dir", "a directory")])
def test_only_regular_files_are_read(argv, what, kind, fifo, tmp_path):
    path = {"fifo": fifo, "dir": str(tmp_path)}.get(what, what)
    err = one_line(*rpc_wizard(*argv(path)))
    assert f"{path}: it is {kind}, not a regular file" in err


@pytest.mark.parametrize("argv", [lambda p: ["parse", p], lambda p: ["diagnose", "--log", p, *SYMPTOM], node_paste],
                         ids=["parse", "log", "paste"])
def test_a_file_over_the_limit_is_told_in_exact_numbers(argv, over_limit):
    err = one_line(*rpc_wizard(*argv(over_limit)))
    assert f"{over_limit} is {os.path.getsize(over_limit):,} bytes; {LIMIT}" in err


@pytest.mark.parametrize("argv", [["parse", "-"], ["diagnose", "--log", "-", *SYMPTOM], node_paste("-")],
                         ids=["parse", "log", "paste"])
def test_standard_input_stays_allowed_and_bounded(argv):
    err = one_line(*rpc_wizard(*argv, stdin=b"error 5\n" * (MAX_BYTES // 8 + 1)))
    assert f"standard input is more than the limit of {MAX_BYTES:,} bytes (64 MiB)" in err


def test_standard_input_within_the_limit_is_read():
    code, err = rpc_wizard("diagnose", "--log", "-", *SYMPTOM, stdin=b"NetpDoDomainJoin: status: 0x6d9\n")
    assert code == 1, err


# --- the shared reader (hosts files and the lmhosts beside them read through it too) ------------------

def test_read_regular_reads_at_most_the_limit_and_one_byte(tmp_path):
    path = tmp_path / "hosts"
    path.write_bytes(b"x" * 100)
    assert read_regular(path, 10) == (b"x" * 11, 100)
    assert read_regular(path, 1000) == (b"x" * 100, 100)


@pytest.mark.parametrize("what", ["fifo", "/dev/zero", "dir", "missing"])
def test_read_regular_refuses_at_once(what, fifo, tmp_path):
    path = {"fifo": fifo, "dir": str(tmp_path), "missing": str(tmp_path / "lmhosts")}.get(what, what)
    with pytest.raises(WizardError, match=f"^cannot read {path}: "):
        read_regular(path, 1000)
