"""Every dependency pyproject.toml declares is imported by rpc-wizard itself (a declared
but unused one, such as ldap3 was, is installed for nothing and reviewed for nothing)."""

from __future__ import annotations

import ast
import re
from importlib.metadata import packages_distributions
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent


def imported_modules() -> set[str]:
    """Top-level names of every module imported anywhere in wizard/."""
    names: set[str] = set()
    for path in (ROOT / "wizard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_every_declared_dependency_is_imported():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    wanted = {re.split(r"[<>=!~;\[ ]", item, maxsplit=1)[0].lower() for item in declared}
    owners = packages_distributions()  # import name -> the distributions that provide it
    used = {dist.lower() for module in imported_modules() for dist in owners.get(module, [])}
    assert wanted - used == set(), "declared in pyproject.toml but never imported"
