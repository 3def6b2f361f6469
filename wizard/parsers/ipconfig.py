"""ipconfig /all: host name, suffix, and per adapter its addresses and DNS servers (primary first)."""

from __future__ import annotations

import re

from wizard.engine.names import is_valid_address
from wizard.parsers.common import Found, hosts

KIND = "ipconfig"
_SIGN = re.compile(r"^\s*Windows IP Configuration|^\s*DNS Servers[ .]*:", re.I | re.M)
_ADAPTER = re.compile(r"^\s*(\S.* adapter .*?):\s*$", re.I)
_FIELD = re.compile(r"^\s*(?P<key>[A-Za-z][\w ()/-]*?)\s*(?:\.\s?)+:\s?(?P<value>.*)$")
_STATE = re.compile(r"\((?:Preferred|Deprecated|Tentative|Duplicate)\)\s*$", re.I)
_KEYS = {"host name": "host_name", "primary dns suffix": "primary_dns_suffix", "description": "description",
         "ipv4 address": "ipv4", "ip address": "ipv4", "ipv6 address": "ipv6", "link-local ipv6 address": "ipv6",
         "temporary ipv6 address": "ipv6", "dns servers": "dns_servers", "default gateway": "gateway",
         "primary wins server": "wins", "secondary wins server": "wins", "physical address": "mac",
         "media state": "media_state", "dns suffix search list": "search_list"}
_LISTS = {"ipv4", "ipv6", "dns_servers", "gateway", "wins", "search_list"}


def parse(text: str) -> list[Found]:
    sign = _SIGN.search(text)
    if not sign:
        return []
    facts: dict = {"host_name": "", "primary_dns_suffix": "", "search_list": [], "adapters": []}
    target: dict = facts
    key = ""
    for line in text[sign.start():].split("\n"):
        if m := _ADAPTER.match(line):
            target = {"name": m.group(1).strip(), "description": "", "ipv4": [], "ipv6": [], "dns_servers": [],
                      "gateway": [], "wins": [], "mac": "", "media_state": ""}
            facts["adapters"].append(target)
            key = ""
        elif m := _FIELD.match(line):
            key = _KEYS.get(m.group("key").strip().lower(), "")
            if key:
                _put(target, key, m.group("value"))
        elif key in _LISTS and _continues(key, line):
            _put(target, key, line)  # a continuation line: the secondary DNS server and so on
        elif line.strip():
            key = ""
    facts["dns_servers"] = list(dict.fromkeys(s for a in facts["adapters"] for s in a["dns_servers"]))
    names = [facts["host_name"]] + [a for ad in facts["adapters"] for a in ad["ipv4"]]
    return [Found(KIND, sign.start(), facts, [], hosts(*names))]


def _continues(key: str, line: str) -> bool:
    value = _STATE.sub("", line.strip()).strip()
    return is_valid_address(value) or (key == "search_list" and bool(value) and ":" not in value)


def _put(target: dict, key: str, value: str) -> None:
    value = _STATE.sub("", value.strip()).strip()
    if key not in _LISTS:
        target[key] = value
    elif value and (key == "search_list" or is_valid_address(value)):
        target.setdefault(key, []).append(value)
