"""`lab down` leaves no process, namespace, mount, iptables rule or file behind.

Runs after every other test (marker lab_teardown). When the session found the lab already up,
it brings the lab back up afterwards, so a developer's lab survives a test run.
"""

from __future__ import annotations

import os

import pytest

import wizard.lab as lab_api
from tests.conftest import machine_traces
from wizard.lab.netns import in_home_netns
from wizard.lab.topology import ALL_NETNS, NETNS_ETC, NETNS_RUN, PREFIX, STATE_DIR

pytestmark = [pytest.mark.lab, pytest.mark.lab_teardown]


def _lab_processes() -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"{STATE_DIR}/" in cmdline:  # samba by its smb.conf, the listeners by their lab directory
            found.append(f"{pid}: {cmdline}")
    return found


def test_down_leaves_nothing_behind(lab, lab_session):
    with in_home_netns():  # down refuses to run from inside the namespace it removes
        lab_api.down(log=lambda _msg: None)
        try:
            after = machine_traces()
            assert lab_api.status() is None
            assert _lab_processes() == []
            assert not STATE_DIR.exists()
            assert not any((NETNS_RUN / ns).exists() for ns in ALL_NETNS)
            assert not any((NETNS_ETC / ns).exists() for ns in ALL_NETNS)
            with open("/proc/self/mountinfo") as fh:
                mounts = [line.split()[4] for line in fh]
            assert not [m for m in mounts if PREFIX in m or f"{STATE_DIR}/" in m]
            if not (NETNS_RUN.is_dir() and os.listdir(NETNS_RUN)):  # no other namespaces in use
                assert str(NETNS_RUN) not in mounts
            before = lab_session.traces_before
            assert after["files"] == before["files"]
            assert after["mounts"] == before["mounts"]
            assert after["links"] == before["links"]
            assert after["iptables"] == before["iptables"]
        finally:
            if lab_session.reused:
                lab_api.up(log=lambda _msg: None)
