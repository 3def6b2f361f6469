"""reg query: keys and their values with types. REG_MULTI_SZ entries are listed; `\\0` separates them."""

from __future__ import annotations

import re

from wizard.parsers.common import Found

KIND = "reg-query"
_TYPES = ("REG_SZ|REG_EXPAND_SZ|REG_MULTI_SZ|REG_DWORD_BIG_ENDIAN|REG_DWORD|REG_QWORD|REG_BINARY|REG_NONE"
          "|REG_LINK|REG_RESOURCE_LIST|REG_FULL_RESOURCE_DESCRIPTOR|REG_RESOURCE_REQUIREMENTS_LIST")
_KEY = re.compile(r"^\s*(?:\\{1,2}[^\\\s]+\\)?((?:HKEY_[A-Z_]+|HKLM|HKCU|HKCR|HKU|HKCC)\b.*?)\s*$", re.I)
_VALUE = re.compile(r"^\s*(?P<name>.*?)\s+(?P<type>" + _TYPES + r")\b[ \t]*(?P<data>.*?)\s*$")
_NOT_FOUND = re.compile(r"ERROR:\s*The system was unable to find the specified registry key or value", re.I)
_COMMAND = re.compile(r"\breg(?:\.exe)?\s+query\s+(\"[^\"]+\"|\S+)", re.I)


def parse(text: str) -> list[Found]:
    keys: list[dict] = []
    current: dict | None = None
    asked, errors, pos = "", [], None
    offset = 0
    for line in text.split("\n"):
        if m := _COMMAND.search(line):
            asked = m.group(1).strip('"')
        elif m := _KEY.match(line):
            # reg query prints the key without the computer it was asked on: the command line names it
            current = {"key": m.group(1), "values": [], "computer": computer_of(asked)}
            keys.append(current)
            pos = offset if pos is None else pos
        elif current is not None and (m := _VALUE.match(line)):
            current["values"].append(_value(m.group("name"), m.group("type"), m.group("data")))
        elif _NOT_FOUND.search(line):
            errors.append({"key": asked, "error": "not-found"})
            pos = offset if pos is None else pos
        offset += len(line) + 1
    if pos is None or not (any(k["values"] for k in keys) or errors or asked):
        return []
    return [Found(KIND, pos, {"keys": keys, "not_found": errors})]


def computer_of(asked: str) -> str:
    """`CONTOSO-DC3` of `\\\\CONTOSO-DC3\\HKLM\\...`; "" for a key of the computer reg ran on."""
    return asked[2:].split("\\", 1)[0] if asked.startswith("\\\\") else ""


def _value(name: str, kind: str, data: str) -> dict:
    value: object = data
    if kind == "REG_MULTI_SZ":
        value = [part for part in data.split("\\0") if part]
    elif kind in ("REG_DWORD", "REG_QWORD") and re.fullmatch(r"0x[0-9a-fA-F]+", data):
        value = int(data, 16)
    return {"name": name.strip() or "(Default)", "type": kind, "data": value}


def value_of(keys: list[dict], key_pattern: str, name: str) -> object | None:
    """A value's data from the first key whose path matches the pattern (case-insensitive)."""
    for key in keys:
        if re.search(key_pattern, key["key"], re.I):
            for value in key["values"]:
                if value["name"].lower() == name.lower():
                    return value["data"]
    return None
