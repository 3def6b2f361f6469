"""The wizard's own settings file: a keymap (binding ids -> keys) and the theme, in TOML.

    theme = "ansi-dark"          # written by the wizard when a theme is chosen in the palette

    [keymap]                     # binding id = keys, commas between (F1 lists the ids in force)
    "walk.run" = "r,space"
    "app.quit" = "ctrl+x"

It lives in the platform's config directory (~/.config/rpc-wizard/config.toml on Linux, XDG_CONFIG_HOME
honoured), or where RPC_WIZARD_CONFIG points. A file that cannot be used gives one line saying why, and
the defaults. No Textual here: what ids and themes exist is passed in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

ENV = "RPC_WIZARD_CONFIG"
MAX_BYTES = 64 * 1024  # a keymap is a few lines; anything bigger is not this file


@dataclass
class Config:
    path: Path
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    problem: str | None = None  # one line: why the file is not used (the defaults are in force)
    found: bool = False


def config_path() -> Path:
    """RPC_WIZARD_CONFIG, else config.toml in the platform's config directory for rpc-wizard."""
    given = os.environ.get(ENV, "").strip()
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_path  # installed (and imported) by Textual

    return user_config_path("rpc-wizard", appauthor=False) / "config.toml"


def read_config(path: Path, binding_ids: Callable[[], Collection[str]], themes: Collection[str]) -> Config:
    """The settings in `path`; a missing file is the defaults, a bad one the defaults and `problem`.
    `binding_ids` is asked only for a keymap to check (it imports every screen)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Config(path)
    except OSError as exc:
        return Config(path, problem=f"{path}: cannot be read ({exc.strerror or exc}); the defaults are in force")
    import tomllib  # only for a file that is there: not before every first frame

    try:
        if len(raw) > MAX_BYTES:
            raise ValueError(f"over {MAX_BYTES // 1024} KiB")
        data = tomllib.loads(raw.decode("utf-8"))
        keymap, theme = _keymap(data.get("keymap", {}), binding_ids), _theme(data.get("theme"), themes)
        unknown = sorted(set(data) - {"keymap", "theme"})
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r} (known: keymap, theme)")
    except (ValueError, UnicodeDecodeError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        return Config(path, problem=f"{path}: {_one_line(exc)}; the defaults are in force", found=True)
    return Config(path, keymap, theme, found=True)


def _keymap(table: object, binding_ids: Callable[[], Collection[str]]) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ValueError("keymap must be a table: [keymap] then \"binding.id\" = \"keys\" lines")
    keymap: dict[str, str] = {}
    known = binding_ids() if table else set()
    for binding_id, keys in _flat(table):
        if binding_id not in known:
            raise ValueError(f"keymap: no binding {binding_id!r} (F1 lists the ids of the keys in force)")
        if not isinstance(keys, str) or not keys.strip() or not all(k.strip() for k in keys.split(",")):
            raise ValueError(f"keymap: {binding_id!r} must be keys as a string, commas between (\"ctrl+r,f5\")")
        keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return keymap


def _flat(table: dict, prefix: str = "") -> list[tuple[str, object]]:
    """`walk.run = "r"` unquoted is a dotted key, a nested table in TOML: read it as the id it spells."""
    pairs: list[tuple[str, object]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            pairs += _flat(value, f"{prefix}{key}.")
        else:
            pairs.append((f"{prefix}{key}", value))
    return pairs


def _theme(name: object, themes: Collection[str]) -> str | None:
    if name is None:
        return None
    if not isinstance(name, str) or name not in themes:
        raise ValueError(f"theme {name!r} is not one of: {', '.join(sorted(themes))}")
    return name


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


_THEME_LINE = re.compile(r"^\s*theme\s*=")
_TABLE_LINE = re.compile(r"^\s*\[")


def remember_theme(path: Path, name: str) -> None:
    """Write `theme = "name"` into the file, keeping everything else in it as it was (comments too):
    the top-level theme line is replaced, or one is put first. OSError when the file cannot be written."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        lines = []
    import json

    line = f"theme = {json.dumps(name)}\n"  # a JSON string is a TOML basic string
    top = next((i for i, text in enumerate(lines) if _TABLE_LINE.match(text)), len(lines))
    at = next((i for i in range(top) if _THEME_LINE.match(lines[i])), None)
    if at is None:
        lines.insert(0, line)
    else:
        lines[at] = line
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("".join(lines), encoding="utf-8")
    temporary.replace(path)  # never a half-written file
