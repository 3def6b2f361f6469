"""HOSTS and LMHOSTS lookups (wizard/probes/hostsfile.py): pure text parsing and reading copied files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.probes.hostsfile import hosts_lookup, lookup_files, read_text

UNIX_HOSTS = """\
127.0.0.1\tlocalhost
::1     localhost ip6-localhost ip6-loopback
# 198.51.100.99 dc2.lab.example   (commented out: must not count)
198.51.100.30   member1.lab.example member1
198.51.100.21\tdc2.lab.example\tdc2   # stale: DC2 moved
2001:db8::21 dc2.lab.example
198.51.100.21   dc2.lab.example
"""

# As Windows ships it (CRLF, indented comments), with one entry added by someone.
WINDOWS_HOSTS = (
    "# Copyright (c) 1993-2009 Microsoft Corp.\r\n"
    "#\r\n"
    "# This is a sample HOSTS file used by Microsoft TCP/IP for Windows.\r\n"
    "#\r\n"
    "#      102.54.94.97     rhino.acme.com          # source server\r\n"
    "#       38.25.63.10     x.acme.com              # x client host\r\n"
    "\r\n"
    "# localhost name resolution is handled within DNS itself.\r\n"
    "#\t127.0.0.1       localhost\r\n"
    "#\t::1             localhost\r\n"
    "\t198.51.100.30\tDC2.LAB.EXAMPLE.\t# added during the migration\r\n"
)

LMHOSTS = (
    "# LMHOSTS for the lab\r\n"
    "198.51.100.20 DC2 #PRE #DOM:LAB\r\n"
    "198.51.100.10 DC1 #PRE #DOM:LAB   # primary\r\n"
    '198.51.100.40 "APPSRV         \\0x14" #PRE\r\n'
    "#INCLUDE \\\\dc1\\public\\lmhosts\r\n"
)


def test_unix_hosts_in_file_order_without_repeats_or_comments():
    assert hosts_lookup(UNIX_HOSTS, "dc2.lab.example") == ["198.51.100.21", "2001:db8::21"]
    assert hosts_lookup(UNIX_HOSTS, "member1") == ["198.51.100.30"]
    assert hosts_lookup(UNIX_HOSTS, "ip6-loopback") == ["::1"]
    assert hosts_lookup(UNIX_HOSTS, "dc1.lab.example") == []


def test_an_alias_on_the_line_matches_too():
    assert hosts_lookup(UNIX_HOSTS, "MEMBER1.lab.example") == ["198.51.100.30"]


def test_windows_hosts_crlf_tabs_case_and_trailing_dot():
    assert hosts_lookup(WINDOWS_HOSTS, "dc2.lab.example") == ["198.51.100.30"]
    assert hosts_lookup(WINDOWS_HOSTS, "DC2.Lab.Example.") == ["198.51.100.30"]
    assert hosts_lookup(WINDOWS_HOSTS, "rhino.acme.com") == []  # the sample lines are comments
    assert hosts_lookup(WINDOWS_HOSTS, "localhost") == []


def test_lmhosts_netbios_names_with_tags():
    assert hosts_lookup(LMHOSTS, "dc2.lab.example", netbios=True) == ["198.51.100.20"]  # NetBIOS: the first label
    assert hosts_lookup(LMHOSTS, "DC2", netbios=True) == ["198.51.100.20"]
    assert hosts_lookup(LMHOSTS, "dc1", netbios=True) == ["198.51.100.10"]
    assert hosts_lookup(LMHOSTS, "lab", netbios=True) == []  # #DOM:LAB is a tag, not a name
    assert hosts_lookup(LMHOSTS, "pre", netbios=True) == []


def test_lines_without_an_address_first_are_ignored():
    text = "dc2.lab.example 198.51.100.21\nnot-an-ip dc2.lab.example\n198.51.100.256 dc2.lab.example\n" \
           "198.51.100.22\n   \n#198.51.100.23 dc2.lab.example\n"
    assert hosts_lookup(text, "dc2.lab.example") == []


def test_other_fqdn_with_the_same_first_label_does_not_match():
    assert hosts_lookup("198.51.100.21 dc2.other.example\n", "dc2.lab.example") == []


def test_hostile_zone_id_is_not_an_address():
    assert hosts_lookup('fe80::1%x&calc dc2\nfe80::1%12 dc2\n', "dc2") == ["fe80::1%12"]


@given(st.text(max_size=400), st.text(max_size=40))
def test_never_raises_on_arbitrary_text(text, name):
    found = hosts_lookup(text, name)
    assert len(found) == len(set(found))
    assert all(address in text for address in found)


@given(st.lists(st.sampled_from(["\n", "\r\n", "\t", " ", "#", "#PRE", "\"", "198.51.100.21", "::1",
                                 "dc2", "DC2.lab.example", "x.lab.example", "\x00", "\ufeff"]), max_size=30))
def test_never_raises_on_hosts_shaped_noise(parts):
    hosts_lookup(" ".join(parts), "dc2.lab.example")


# --- reading copied files ------------------------------------------------------------------------

@pytest.mark.parametrize("encoding,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                          ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"")])
def test_read_text_decodes_what_windows_tools_write(tmp_path, encoding, bom):
    # PowerShell 5 `>` writes UTF-16LE with a BOM; Notepad used to write UTF-8 with a BOM
    path = tmp_path / "hosts"
    first = "198.51.100.31 first.lab\r\n"
    path.write_bytes(bom + (first + WINDOWS_HOSTS).encode(encoding))
    text = read_text(path)
    assert "\ufeff" not in text
    assert hosts_lookup(text, "first.lab") == ["198.51.100.31"]  # the first line survives the BOM
    assert hosts_lookup(text, "dc2.lab.example") == ["198.51.100.30"]


def test_read_text_replaces_undecodable_bytes(tmp_path):
    path = tmp_path / "hosts"
    path.write_bytes(b"198.51.100.21 dc2.lab.example \xff\xfe\xfa\n")  # not UTF-16: no BOM at the start
    assert hosts_lookup(read_text(path), "dc2.lab.example") == ["198.51.100.21"]


def test_lookup_files_reads_hosts_and_the_lmhosts_beside_it(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text(UNIX_HOSTS)
    (tmp_path / "lmhosts").write_bytes(LMHOSTS.encode())
    found = lookup_files("dc2.lab.example", str(hosts))
    assert found == {str(hosts): ["198.51.100.21", "2001:db8::21"],
                     str(tmp_path / "lmhosts"): ["198.51.100.20"]}
    assert list(found) == [str(hosts), str(tmp_path / "lmhosts")]  # the HOSTS file first: it is read first


def test_lookup_files_only_lists_files_that_mention_the_name(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n")
    (tmp_path / "lmhosts").write_text(LMHOSTS)
    assert lookup_files("dc1", str(hosts)) == {str(tmp_path / "lmhosts"): ["198.51.100.10"]}
    assert lookup_files("nothere.lab.example", str(hosts)) == {}


def test_lookup_files_with_missing_or_unreadable_paths(tmp_path):
    assert lookup_files("dc2", str(tmp_path / "no-such-hosts")) == {}
    assert lookup_files("dc2", str(tmp_path)) == {}  # a directory: nothing to read, no exception


def test_lookup_files_defaults_to_this_machines_hosts(monkeypatch, tmp_path):
    from wizard.probes import hostsfile

    fake = tmp_path / "etc" / "hosts"
    fake.parent.mkdir()
    fake.write_text("198.51.100.21 dc2.lab.example\n")
    monkeypatch.setattr(hostsfile, "default_hosts_file", lambda: fake)
    assert lookup_files("dc2.lab.example", None) == {str(fake): ["198.51.100.21"]}


def test_default_hosts_file_per_platform(monkeypatch):
    from wizard.probes import hostsfile

    monkeypatch.setattr(hostsfile.sys, "platform", "linux")
    assert hostsfile.default_hosts_file() == Path("/etc/hosts")
    monkeypatch.setattr(hostsfile.sys, "platform", "win32")
    monkeypatch.setenv("SystemRoot", r"D:\Win")
    assert str(hostsfile.default_hosts_file()).replace("\\", "/").endswith("D:/Win/System32/drivers/etc/hosts")


def test_hosts_matches_the_exact_name_only():
    # Windows looks a full name up as it is in HOSTS: a bare "dc2" line is not used for dc2.lab.example
    assert hosts_lookup("198.51.100.20 dc2\n", "dc2.lab.example") == []
    assert hosts_lookup("198.51.100.20 dc2\n", "dc2.lab.example", netbios=True) == ["198.51.100.20"]
