"""Validation of host names, addresses and GUIDs typed by a person (wizard/engine/names.py)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard import WizardError
from wizard.engine.names import check_address, check_guid, check_host, is_valid_address, is_valid_host

# What cmd.exe or PowerShell would read as syntax, and line breaks that would end a pasted command.
HOSTILE = "&|;^%\"'$()<>`\n\r\t "
GUID = "5c4e6e1a-9b7f-4a51-8f5b-2d3c4e5f6a7b"


@pytest.mark.parametrize("text", [
    "dc2", "DC2", "dc2.lab.example", "dc2.lab.example.", "_msdcs.lab.example",
    f"{GUID}._msdcs.lab.example", "a-b.c-d", "x" * 63 + ".example", "198.51.100.20", "2001:db8::20",
    "::1", "fe80::1%12", "fe80::1%eth0",
])
def test_valid_hosts(text):
    assert is_valid_host(text)


@pytest.mark.parametrize("text", [
    "", ".", "dc2..lab", ".dc2", "-dc2.lab", "dc2-.lab", "dc2 .lab", "dc2/lab", "x" * 64 + ".example",
    ".".join(["abc"] * 70), "dc2\n", "dc2.lab\n", "dc2\r\n", "dc2\n.", "dc2.lab\n.", "dç2.lab",
    "10.0.0.256", "10.0.0", "1.2.3.4.5", "198.51.100.20:135", "\\\\dc2", "fe80::1%\"&calc", "::1%a b",
])
def test_invalid_hosts(text):
    assert not is_valid_host(text)


@pytest.mark.parametrize("text", ["198.51.100.20", "127.0.0.1", "2001:db8::1", "::ffff:192.0.2.1", "fe80::1%7"])
def test_valid_addresses(text):
    assert is_valid_address(text)
    assert check_address(f"  {text} ") == text


@pytest.mark.parametrize("text", [
    "", "dc2.lab.example", "not an ip", "198.51.100.256", "010.0.0.1", "198.51.100.20\n", "fe80::1%",
    "fe80::1%\"&calc", "fe80::1%x;y", "fe80::1%a\nb", "1.2.3.4%1",
])
def test_invalid_addresses(text):
    assert not is_valid_address(text)


def test_non_text_is_not_an_address():
    assert not is_valid_address(3232235777)  # ipaddress alone would take the int


def test_check_host_normalises_names_but_not_addresses():
    assert check_host(" DC2.Lab.Example. ") == "dc2.lab.example"
    assert check_host("2001:DB8::1") == "2001:DB8::1"


@pytest.mark.parametrize("text", [GUID, GUID.upper(), "{" + GUID + "}", f" {{{GUID.upper()}}} "])
def test_check_guid_accepts_the_usual_spellings(text):
    assert check_guid(text) == GUID


@pytest.mark.parametrize("text", [
    "", "not-a-guid", GUID[:-1], GUID + "0", GUID.replace("-", ""), GUID + "\n}", "{" + GUID + "\n}",
    GUID[:8] + "-" + GUID[9:].replace("4a51", "4g51"), f"{GUID}&calc",
])
def test_check_guid_refuses(text):
    with pytest.raises(WizardError, match="is not of the form"):
        check_guid(text)


@pytest.mark.parametrize("check,what", [(check_host, "--target"), (check_address, "--dns-server"),
                                        (check_guid, "--guid")])
@pytest.mark.parametrize("text", ["dc2..lab", "dc2&calc", "dc2|calc", "dc2;calc", "dc2^x", "%COMSPEC%",
                                  "dc2\"x", "dc2'x", "$(calc)", "(dc2)", "<dc2>", "dc2\nlab", "dc2\r\ncalc"])
def test_errors_are_one_line_and_name_the_option(check, what, text):
    with pytest.raises(WizardError) as info:
        check(text, what)
    message = str(info.value)
    assert message.startswith(f"{what} ")
    assert "\n" not in message and "\r" not in message


_NAME_CHARS = string.ascii_letters + string.digits + "-_."


@given(st.text(alphabet=_NAME_CHARS, min_size=1, max_size=40), st.sampled_from(HOSTILE),
       st.text(alphabet=_NAME_CHARS, max_size=10))
def test_a_metacharacter_anywhere_is_refused_by_every_check(head, bad, tail):
    text = head + bad + tail
    if bad.isspace() and not tail:
        text += "x"  # leading/trailing blanks are trimmed, by design: put the blank inside
    for check in (check_host, check_address, check_guid):
        with pytest.raises(WizardError) as info:
            check(text)
        assert len(str(info.value).splitlines()) == 1


@given(st.text(max_size=80))
def test_whatever_is_accepted_is_safe_to_paste(text):
    """Anything check_host returns holds only name/address characters - never shell syntax."""
    try:
        value = check_host(text)
    except WizardError as exc:
        assert len(str(exc).splitlines()) == 1
        return
    assert value and not set(value) & set(HOSTILE.replace("%", ""))
    assert "%" not in value or is_valid_address(value)  # only an IPv6 zone id, itself restricted
    assert is_valid_host(value)


@given(st.text(max_size=60))
def test_guid_check_never_returns_anything_but_a_guid(text):
    try:
        value = check_guid(text)
    except WizardError:
        return
    assert len(value) == 36 and set(value) <= set("0123456789abcdef-")


@given(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]([a-z0-9-]{0,20}[a-z0-9])?){0,4}", fullmatch=True))
def test_generated_dns_names_pass_and_round_trip(name):
    assert check_host(name) == name
    assert check_host(name.upper() + ".") == name
