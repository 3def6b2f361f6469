"""A Samba AD lab in network namespaces, with faults to inject: the wizard's proving ground.

Linux and root only. Hosts: a client namespace, DC1 (forest root), DC2 (replica), MEMBER1 (a
non-DC Samba with an endpoint mapper), EXCH1 (plain TCP listeners on Exchange's RPC/HTTP ports).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from wizard.lab.faults import FAULTS, apply_fault, heal
from wizard.lab.lifecycle import down, up
from wizard.lab.netns import in_netns
from wizard.lab.runner import LabError
from wizard.lab.status import LabHost, LabInfo, status
from wizard.lab.topology import BRIDGE, CLIENT_NS

__all__ = ["FAULTS", "LabError", "LabHost", "LabInfo", "apply_fault", "client_exec", "down", "heal",
           "in_client_netns", "status", "up", "BRIDGE", "CLIENT_NS"]


def client_exec(argv: list[str], timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run argv in the client namespace (its hosts and resolv.conf point into the lab); capture output.

    `env` adds to (and overrides) this process's environment rather than replacing it.
    """
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(["ip", "netns", "exec", CLIENT_NS, *argv], capture_output=True, text=True,
                          timeout=timeout, env=full_env)


@contextmanager
def in_client_netns() -> Iterator[None]:
    """Move the calling thread into the client namespace; the original one is restored on exit."""
    with in_netns(CLIENT_NS):
        yield
