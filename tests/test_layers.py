"""The core imports without Textual, and the pure layers import without any network library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize("module", ["wizard.engine", "wizard.parsers", "wizard.verdicts", "wizard.verdicts.declared"])
def test_pure_layers_import_no_io_libraries(module):
    proc = imports_without(module, {"textual", "impacket", "dns", "ldap3", "socket"})
    assert proc.returncode == 0, proc.stderr


def test_the_blocker_does_block():
    proc = imports_without("wizard.probes.epm", {"impacket"})
    assert proc.returncode != 0 and "layer violation" in proc.stderr


HEAVY = {"impacket", "OpenSSL", "dns", "ldap3", "textual", "cryptography"}
PROBE = """
import sys
from wizard.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
print("LOADED=" + ",".join(sorted({{m.split('.')[0] for m in sys.modules}} & {heavy!r})))
"""


@pytest.mark.parametrize("argv", [["--help"], ["diagnose", "--help"], ["check", "--help"], ["flows", "list"],
                                  ["parse", str(Path(__file__).parent / "parsers" / "samples" / "dcdiag_1753.txt")]])
def test_start_up_commands_load_no_network_or_ui_library(argv):
    proc = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv, heavy=HEAVY)], capture_output=True,
                          text=True, timeout=60)
    loaded = proc.stdout.rsplit("LOADED=", 1)[-1].strip()
    assert "LOADED=" in proc.stdout and loaded == "", f"{argv} loaded {loaded}"


def test_a_probe_loads_only_its_own_module():
    code = ("import sys; from wizard.probes.run import probe_function; probe_function('epm_lookup'); "
            "print(sorted(m for m in sys.modules if m.startswith('wizard.probes.')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    loaded = set(eval(proc.stdout))  # noqa: S307 - our own print of a list of module names
    assert "wizard.probes.epm" in loaded, proc.stderr
    assert not loaded & {"wizard.probes.ldap", "wizard.probes.dns", "wizard.probes.identity", "wizard.probes.winreg"}


def test_verdicts_import_only_the_engine():
    """Probes and parsers call the verdicts, not the other way round (design.md's layers)."""
    import ast

    for path in sorted((Path(__file__).parent.parent / "wizard" / "verdicts").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            ours = [n for n in names if n.startswith("wizard.")]
            assert all(n.startswith(("wizard.engine", "wizard.verdicts")) for n in ours), f"{path.name}: {ours}"
