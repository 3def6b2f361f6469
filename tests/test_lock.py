"""requirements-lock.txt is what bootstrap installs: every package pinned with its hashes, and it
meets what pyproject.toml asks for (scripts/check_lock.py, which bootstrap runs too)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def test_every_locked_package_is_pinned_with_a_hash():
    text = (ROOT / "requirements-lock.txt").read_text()
    pins = re.split(r"\n(?=[a-z0-9])", text[re.search(r"^[a-z0-9]", text, re.M).start():])
    assert len(pins) > 20, "the lock lists the whole test environment"
    assert all(re.match(r"[a-z0-9._-]+==\S+ \\", pin) for pin in pins), "each entry an exact version"
    unhashed = [pin.split()[0] for pin in pins if "--hash=sha256:" not in pin]
    assert unhashed == [], f"locked without a hash: {unhashed}"
    assert re.search(r"^impacket==0\.13\.", text, re.M), "impacket as pyproject.toml bounds it"


def test_the_installed_environment_meets_pyproject():
    spec = importlib.util.spec_from_file_location("check_lock", ROOT / "scripts" / "check_lock.py")
    check_lock = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_lock)
    assert check_lock.unmet() == [], "run ./scripts/lock.sh and commit requirements-lock.txt"
    assert check_lock.unmet([Requirement("no-such-dependency>=1")]) == [
        "no-such-dependency>=1, which requirements-lock.txt lacks"]
