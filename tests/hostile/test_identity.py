"""Who answers at an address, when what answers is hostile: escape codes in NetBIOS names, random
bytes, trickles on SMB and LDAP (issue 11, cases 1, 4 and 9)."""

from __future__ import annotations

import os

from hostile_checks import assert_no_thread_left, assert_printable, json_size, pool_threads, timed
from hostile_servers import deadline, framed_random_bytes, ldap_trickle, node_status, random_bytes, trickle_bytes

EXPECTED = "dc2.lab.example"


# case 4: a NetBIOS name with ESC[2J must not reach the terminal, the ticket or the JSON as a control
def test_netbios_names_lose_their_escape_codes(host, servers):
    servers.udp(host, 137, node_status([b"DC2\x1b[2J", b"\x1b]0;x\x07LAB"]))
    result, took = timed("identity", {"address": host, "expected": EXPECTED})
    assert took < deadline()
    assert_printable(result)
    # the cleaned name is not DC2, so the hostile host is not taken for it
    assert result.outcome == "mismatch", result.summary
    assert result.evidence["claimed"]["netbios"] == "DC2[2J"


def test_a_plain_netbios_answer_still_matches(host, servers):
    servers.udp(host, 137, node_status([b"DC2"]))
    result, took = timed("identity", {"address": host, "expected": EXPECTED})
    assert took < deadline()
    assert result.outcome == "match", result.summary


# case 9: random bytes everywhere must not grow the evidence (it was 242 KB of escaped garbage)
def test_random_bytes_everywhere_keep_the_evidence_small(host, servers):
    for port in (135, 389):
        servers.tcp(host, port, random_bytes)
    servers.tcp(host, 445, framed_random_bytes)
    servers.udp(host, 137, lambda query: os.urandom(1400))
    result, took = timed("identity", {"address": host, "expected": EXPECTED})
    assert took < deadline()
    assert result.outcome == "silent", result.summary
    assert_printable(result)
    assert json_size(result) < 8000, json_size(result)


# case 1: trickles on SMB and LDAP end at the deadline, and nothing keeps reading after the probe returned
def test_trickling_smb_and_ldap_end_at_the_deadline(host, servers):
    servers.tcp(host, 445, trickle_bytes)
    servers.tcp(host, 389, ldap_trickle)
    before = pool_threads()
    result, took = timed("identity", {"address": host, "expected": EXPECTED})
    assert took < deadline(), f"took {took:.1f} s"
    assert result.outcome == "silent", result.summary
    assert_no_thread_left(before)


# addresses from a DNS answer with hundreds of records: a bounded number are asked
def test_identity_asks_a_bounded_number_of_addresses(host, servers):
    servers.udp(host, 137, node_status([b"DC2"]))
    many = [f"127.0.0.{n}" for n in range(2, 60)]
    before = pool_threads()
    result, took = timed("identity", {"address": host, "expected": EXPECTED, "addresses": many})
    assert took < deadline()
    assert len(result.evidence.get("all_addresses", {})) <= 8
    assert_no_thread_left(before)
