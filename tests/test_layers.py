"""The core imports without Textual, and the pure layers import without any network library."""

from __future__ import annotations

import subprocess
import sys

import pytest

BLOCK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {blocked!r}:
            raise ImportError('layer violation: ' + name)
sys.meta_path.insert(0, Block())
import {module}
"""


def imports_without(module: str, blocked: set[str]) -> subprocess.CompletedProcess:
    code = BLOCK.format(blocked=blocked, module=module)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("module", ["wizard.engine", "wizard.probes", "wizard.parsers", "wizard.report",
                                   "wizard.probes.run", "wizard.diagnose", "wizard.cli", "wizard.lab"])
def test_core_imports_without_textual(module):
    proc = imports_without(module, {"textual"})
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("module", ["wizard.engine", "wizard.parsers"])
def test_pure_layers_import_no_io_libraries(module):
    proc = imports_without(module, {"textual", "impacket", "dns", "ldap3", "socket"})
    assert proc.returncode == 0, proc.stderr


def test_the_blocker_does_block():
    proc = imports_without("wizard.probes.run", {"impacket"})
    assert proc.returncode != 0 and "layer violation" in proc.stderr
