"""The wizard in a real terminal (tmux): the ambiguous-code prompt and the masked password prompt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest
from machine_speed import busy_timeout, slowness

from wizard.lab.topology import CLIENT_NS, PREFIX

pytestmark = pytest.mark.lab


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", f"{PREFIX}test", *args], capture_output=True, text=True, timeout=10).stdout


def wait_for(text: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds * slowness()  # the wizard starts and runs late on a busy machine
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", "wizard", "-S", "-200")
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; screen:\n{screen}")


@pytest.fixture
def terminal():
    if not shutil.which("tmux"):
        pytest.skip("tmux is not installed")
    yield
    tmux("kill-server")


def test_prompts_for_the_symptom_and_a_masked_password(lab, fault, terminal):
    fault("ds-stopped")
    wizard = os.path.join(os.path.dirname(sys.executable), "rpc-wizard")
    command = (f"ip netns exec {CLIENT_NS} {wizard} diagnose --symptom 0x6d9 --target {lab.hosts['DC2'].fqdn} "
               f"--dest {lab.hosts['DC1'].fqdn} --dns-server {lab.dns_servers[0]} --timeout {busy_timeout(3.0)} "
               f"--user 'LAB\\Administrator'; echo EXIT=$?; sleep 60")
    env = {k: v for k, v in os.environ.items() if k != "RPC_WIZARD_PASSWORD"}
    subprocess.run(["tmux", "-L", f"{PREFIX}test", "new-session", "-d", "-s", "wizard", "-x", "160", "-y", "50",
                    command], check=True, env=env, timeout=10)
    screen = wait_for("Choose 1-2:")
    assert "ad-replication-1753" in screen and "domain-join-0x6d9" in screen
    tmux("send-keys", "-t", "wizard", "1", "Enter")
    wait_for("Password for LAB\\Administrator:")
    tmux("send-keys", "-t", "wizard", lab.admin_password, "Enter")
    screen = wait_for("EXIT=")
    assert "EXIT=1" in screen
    assert "(ad-ds-not-running)" in screen
    assert lab.admin_password not in screen  # the prompt did not echo it, and nothing printed it
