"""Fill {placeholders} in Windows command templates so a hostile value cannot run anything when pasted.

Values in practice are host names, addresses, GUIDs and ports, so only those characters pass:
letters, digits, `.`, `_`, `:`, `-`, not starting with `-` (it would read as an option), at most
255 characters. Anything else is replaced by a visible `[invalid:name]`, a missing value by
`[name]`. Square brackets are inert in both cmd.exe and PowerShell argument mode, unlike the
`<name>` of the documents, which cmd.exe would read as a redirection.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
SAFE_VALUE = re.compile(r"[A-Za-z0-9_:.][A-Za-z0-9_:.-]{0,254}")


def context_value(context: Mapping[str, Any], name: str) -> Any:
    """A context value; `dns_server` falls back to the first of `dns_servers`. Missing -> None."""
    value = context.get(name)
    if value is None and name == "dns_server":
        servers = context.get("dns_servers") or []
        value = servers[0] if isinstance(servers, (list, tuple)) and servers else None
    return value


def safe_text(value: Any) -> str | None:
    """The value as command text when every character is safe to paste, else None."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value)
    return text if SAFE_VALUE.fullmatch(text) else None


def _substitute(name: str, value: Any) -> str:
    if value is None or value == "" or value == [] or value == ():
        return f"[{name}]"
    items = value if isinstance(value, (list, tuple)) else [value]
    texts = [safe_text(item) for item in items]
    if any(text is None for text in texts):
        return f"[invalid:{name}]"
    return ",".join(texts)  # type: ignore[arg-type]


def render_command(template: str, context: Mapping[str, Any]) -> str:
    """The template with each {name} replaced by its checked context value (see module docstring)."""
    return PLACEHOLDER.sub(lambda m: _substitute(m.group(1), context_value(context, m.group(1))), template)


def placeholders(template: str) -> list[str]:
    """The placeholder names a template uses, in order."""
    return PLACEHOLDER.findall(template)


def render_param(template: Any, context: Mapping[str, Any]) -> Any:
    """A probe parameter from the context, unquoted (probes validate their own input).

    "{name}" alone gives the raw value (a list stays a list); a template mixing text and
    placeholders gives a string, or None when any placeholder is missing; lists are rendered
    item by item; other literals pass through.
    """
    if isinstance(template, list):
        return [render_param(item, context) for item in template]
    if not isinstance(template, str):
        return template
    whole = PLACEHOLDER.fullmatch(template)
    if whole:
        return context_value(context, whole.group(1))
    values = {name: context_value(context, name) for name in placeholders(template)}
    if any(v is None for v in values.values()):
        return None
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)
