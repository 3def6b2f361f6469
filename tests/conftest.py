"""Fixtures for the Samba AD lab: `lab` (session) and `fault` (per test).

Lab tests skip with the reason when this is not Linux or not root; with CI=true a lab that cannot
start is a failure instead. Tests that use `lab` run inside the lab's client network namespace,
so their sockets reach the lab's addresses and nothing else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "lab_teardown: takes the lab down; runs after every other test")


def pytest_report_header(config: pytest.Config) -> str:
    # measured here at the start, and again by the tests that bound time when it is older than FRESH_S
    from machine_speed import slowness

    return f"machine speed: {slowness():.1f}x slower than idle (slack of time-bounded tests scales with it)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The teardown test must come last, whatever the order of directories: later tests need the lab.
    items.sort(key=lambda item: item.get_closest_marker("lab_teardown") is not None)


def _unavailable_reason() -> str | None:
    if not sys.platform.startswith("linux"):
        return f"the lab needs Linux network namespaces (this is {sys.platform})"
    if os.geteuid() != 0:
        return "the lab needs root (network namespaces, Samba daemons)"
    return None


def _cannot_run(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true and the lab cannot start: {reason}", pytrace=False)
    pytest.skip(reason)


# Where a lab could leave traces on the machine itself; `lab down` must leave them as they were.
_TRACE_TREES = ("/var/lib/samba", "/var/cache/samba", "/run/samba", "/var/log/samba", "/etc/netns")
_TRACE_LISTINGS = ("/etc", "/var/lib", "/run", "/var/log")
# /tmp is shared with everything else on the machine: only names a Samba or Kerberos tool would use
_TMP_WORDS = ("krb5", "samba", "smb", "ldb", "tdb", "rpcw")
# The lab's own places; a reused lab is up when the session starts, so they are left out here and
# checked by name in the teardown test.
_LAB_WORDS = ("rpcw", "rpc-wizard-lab")
_LAB_DIRS = ("/etc/netns", "/run/netns")


# mount(8) makes /run/mount (its utab) on its first use on a machine: the lab's bind mounts may be
# that first use, and the directory stays, empty of the lab, as it would after any mount
_MACHINE_DIRS = ("/run/mount",)


def _is_lab_trace(text: str) -> bool:
    return any(word in text for word in _LAB_WORDS) or text in _LAB_DIRS or text in _MACHINE_DIRS


def machine_traces() -> dict[str, set[str]]:
    """Files, mounts, links and firewall rules of the machine's own namespaces, the lab's own
    places left out. Call it from the machine's network namespace, not the lab's."""
    import subprocess

    files: set[str] = set()
    for top in _TRACE_TREES:
        for root, dirs, names in os.walk(top):
            files.update(os.path.join(root, n) for n in dirs + names)
    for top in _TRACE_LISTINGS:
        try:
            files.update(os.path.join(top, n) for n in os.listdir(top) if not n.startswith(("bash_", "tmp")))
        except OSError:
            pass
    files.update(os.path.join("/tmp", n) for n in os.listdir("/tmp") if any(w in n.lower() for w in _TMP_WORDS))
    with open("/proc/self/mountinfo") as fh:
        mounts = {line.split()[4] for line in fh}
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    rules = subprocess.run(["iptables-save"], capture_output=True, text=True).stdout
    return {
        "files": {f for f in files if not _is_lab_trace(f)},
        "mounts": {m for m in mounts if not _is_lab_trace(m)},
        "links": {line.split(":")[1].strip().split("@")[0] for line in links.splitlines()},
        "iptables": {line for line in rules.splitlines() if line.startswith("-A")},
    }


class LabSession:
    """What the session knows about the lab: its info, whether this session built it, and the
    machine's traces from before."""

    def __init__(self) -> None:
        self.info = None
        self.reused = False
        self.traces_before: dict[str, set[str]] | None = None


_SESSION = LabSession()


@pytest.fixture(scope="session")
def lab_session() -> LabSession:
    return _SESSION


@pytest.fixture(scope="session")
def lab(lab_session: LabSession) -> Iterator:
    """The lab's LabInfo; the session runs inside the client namespace while it is alive."""
    reason = _unavailable_reason()
    if reason:
        _cannot_run(reason)
    import wizard.lab as lab_api
    from wizard.lab.netns import current_has_link
    from wizard.lab.status import problems

    lab_session.traces_before = machine_traces()
    info = lab_api.status()
    if info is not None and not problems():
        lab_session.reused = True
        if info.fault:
            lab_api.heal()
    else:
        try:
            lab_api.up(log=lambda msg: print(msg, file=sys.stderr))
        except Exception as exc:  # a lab that cannot start: skip, or fail in CI
            try:
                lab_api.down(log=lambda _msg: None)
            finally:
                _cannot_run(f"lab up failed: {exc}")
    lab_session.info = lab_api.status()
    with lab_api.in_client_netns():
        assert current_has_link(lab_api.BRIDGE), "in_client_netns did not reach the lab's client namespace"
        yield lab_session.info
    if not lab_session.reused and lab_api.status() is not None:
        lab_api.down(log=lambda _msg: None)


@pytest.fixture
def fault(lab) -> Iterator[Callable[[str], None]]:
    """fault(name) applies a lab fault; the lab is healed after the test."""
    import wizard.lab as lab_api

    applied: list[str] = []

    def apply(name: str) -> None:
        lab_api.apply_fault(name)
        applied.append(name)

    yield apply
    if applied:
        lab_api.heal()
