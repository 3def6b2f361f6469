"""Command templates: values are substituted only when they cannot do harm in cmd.exe or PowerShell."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from wizard.engine.commands import placeholders, render_command, render_param

# Characters that mean something to cmd.exe or PowerShell (plus whitespace, which splits arguments).
METACHARS = set("&|;^%!<>\"'`$(){}[],@#*?~=+/\\ \t\r\n\x00")


def test_values_are_substituted():
    ctx = {"target": "dc2.contoso.com", "address": "10.0.0.12", "endpoint_port": 49156}
    assert render_command("portqry -n {target} -e {endpoint_port}", ctx) == "portqry -n dc2.contoso.com -e 49156"
    assert render_command("nbtstat -A {address}", ctx) == "nbtstat -A 10.0.0.12"


def test_guid_ipv6_and_underscore_names_pass():
    ctx = {"guid": "74fbe06c-932c-46b5-831b-af9e31f496b2", "forest": "contoso.com", "address": "fe80::1",
           "dns_server": "_msdcs.contoso.com"}
    assert render_command("{guid}._msdcs.{forest} {address} {dns_server}", ctx) == (
        "74fbe06c-932c-46b5-831b-af9e31f496b2._msdcs.contoso.com fe80::1 _msdcs.contoso.com")


def test_dns_server_falls_back_to_the_first_of_dns_servers():
    assert render_command("nslookup x {dns_server}", {"dns_servers": ["10.0.0.1", "10.0.0.2"]}) == "nslookup x 10.0.0.1"
    rendered = render_command("nslookup x {dns_server}", {"dns_servers": [], "dns_server": None})
    assert rendered == "nslookup x [dns_server]"


def test_missing_value_shows_a_visible_placeholder():
    assert render_command("nslookup {target} {dns_server}", {}) == "nslookup [target] [dns_server]"
    assert render_command("nslookup {target}", {"target": ""}) == "nslookup [target]"


def test_hostile_values_are_never_substituted():
    for bad in ["dc2 & calc", "dc2|whoami", "a;b", "$(iex x)", "`calc`", "%PATH%", "!x!", "dc2\ncalc", "a>b",
                "'x'", '"x"', "dc2.contoso.com ", "-n", "--help", "x" * 256, "dc2^&calc", "é.example"]:
        assert render_command("ping {target}", {"target": bad}) == "ping [invalid:target]", bad


def test_non_text_values_are_refused():
    for bad in [True, 1.5, {"a": 1}, object()]:
        assert render_command("x {target}", {"target": bad}) == "x [invalid:target]"


def test_lists_join_when_every_item_is_safe():
    assert render_command("{dns_servers}", {"dns_servers": ["10.0.0.1", "10.0.0.2"]}) == "10.0.0.1,10.0.0.2"
    assert render_command("{dns_servers}", {"dns_servers": ["10.0.0.1", "a&b"]}) == "[invalid:dns_servers]"


def test_template_text_is_kept_verbatim():
    template = 'wevtutil qe System /q:"*[System[(EventID=5820)]]" /r:{address}'
    assert render_command(template, {"address": "dc1"}) == 'wevtutil qe System /q:"*[System[(EventID=5820)]]" /r:dc1'
    assert placeholders("a {target} {guid}._msdcs.{forest} {NotOne} {x-y}") == ["target", "guid", "forest"]


def test_params_keep_types_and_go_missing_as_none():
    ctx = {"target": "dc2", "dns_servers": ["10.0.0.1"], "endpoint_port": 49156, "guid": "g", "forest": "f"}
    assert render_param("{dns_servers}", ctx) == ["10.0.0.1"]
    assert render_param("{endpoint_port}", ctx) == 49156
    assert render_param("{hosts_file}", ctx) is None
    assert render_param("{guid}._msdcs.{forest}", ctx) == "g._msdcs.f"
    assert render_param("{guid}._msdcs.{nothing}", ctx) is None
    assert render_param(["{target}", 135, "x"], ctx) == ["dc2", 135, "x"]
    assert render_param(135, ctx) == 135
    assert render_param("e3514235-4b06-11d1-ab04-00c04fc2dcd2", ctx) == "e3514235-4b06-11d1-ab04-00c04fc2dcd2"


# A template made of safe literal text and placeholders, so any metacharacter in the output must
# have come from a value.
_names = st.sampled_from(["target", "dest", "address", "guid", "forest", "dns_server", "endpoint_port"])
_literal = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-.:", max_size=8)
_template = st.lists(st.one_of(_literal, _names.map(lambda n: "{" + n + "}")), max_size=8).map(" ".join)
_value = st.one_of(st.text(max_size=40), st.integers(), st.none(), st.booleans(),
                   st.lists(st.text(max_size=10), max_size=3), st.sampled_from(["dc1.contoso.com", "10.0.0.1", "-x"]))


@given(_template, st.dictionaries(_names, _value))
def test_no_metacharacter_from_a_value_ever_reaches_a_command(template, context):
    rendered = render_command(template, context)
    values_only = re.sub(r"\[(invalid:)?[a-z_]+\]", "", rendered)
    literal_only = re.sub(r"\{[a-z_]+\}", "", template)
    for char in METACHARS:  # every metacharacter in the output was already in the template's own text
        assert values_only.count(char) == literal_only.count(char), repr(char)
    assert not any(word.startswith("-") and word not in template.split() for word in rendered.split())


@given(st.text(max_size=60))
def test_a_value_is_either_passed_whole_or_replaced(value):
    rendered = render_command("x {target} y", {"target": value})
    assert rendered in (f"x {value} y", "x [invalid:target] y", "x [target] y")
    if rendered == f"x {value} y":
        assert re.fullmatch(r"[A-Za-z0-9_:.][A-Za-z0-9_:.-]*", value)
