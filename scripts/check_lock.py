"""Does the installed environment give rpc-wizard what pyproject.toml asks for (dev extras included)?

scripts/bootstrap.sh runs this after installing requirements-lock.txt and the project with --no-deps:
a dependency added to pyproject.toml but not to the lock (or a bound the locked version no longer
meets) is said in one line per requirement, with the command that regenerates the lock. Exit 0 or 1.
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
REGENERATE = "./scripts/lock.sh"
EXTRAS = ("dev",)


def requirements(pyproject: Path = PYPROJECT, extras: tuple[str, ...] = EXTRAS) -> list[Requirement]:
    """What pyproject.toml asks for: the dependencies and those of `extras`."""
    project = tomllib.loads(pyproject.read_text())["project"]
    texts = project.get("dependencies", []) + [t for e in extras for t in project.get("optional-dependencies", {})[e]]
    return [Requirement(text) for text in texts]


def unmet(wanted: list[Requirement] | None = None) -> list[str]:
    """One line for each requirement that the installed environment does not meet."""
    problems = []
    for req in requirements() if wanted is None else wanted:
        if req.marker and not req.marker.evaluate():
            continue  # not for this Python or platform
        try:
            installed = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{req}, which requirements-lock.txt lacks")
            continue
        if req.specifier and not req.specifier.contains(installed, prereleases=True):
            problems.append(f"{req}, but requirements-lock.txt has {req.name} {installed}")
    return problems


def main() -> int:
    problems = unmet()
    for line in problems:
        print(f"bootstrap: pyproject.toml asks for {line}", file=sys.stderr)
    if problems:
        print(f"bootstrap: the lock is out of date: run {REGENERATE} and commit requirements-lock.txt",
              file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
