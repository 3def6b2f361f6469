"""Endpoint mappers on loopback that never finish, never end their list, hang up or talk nonsense.

Issue 11, cases 1 (a deadline for the whole exchange, a cap on bytes), 2 (an endless list),
4 (annotations with escape codes) and 9 (plain words). Every test also checks the probe call ended
within its deadline: DEADLINE_FACTOR x timeout, plus scheduling slack.
"""

from __future__ import annotations

import errno
import socket

import pytest
from hostile_checks import assert_printable, json_size, timed
from hostile_servers import (
    DEADLINE_FACTOR,
    TIMEOUT,
    close_after_request,
    close_at_once,
    deadline,
    endless_list,
    endpoint_mapper,
    flood_fragments,
    random_bytes,
    reset_after_request,
    reset_at_once,
    short_list,
    silent,
    trickle_bytes,
    trickle_fragments,
)
from machine_speed import slack

from wizard.probes import budget


def test_deadline_factor_is_the_documented_one():
    assert budget.DEADLINE_FACTOR == DEADLINE_FACTOR


# case 1: a trickle keeps every single read alive; only a deadline on the whole exchange ends it
def test_trickling_fragments_are_cut_at_the_deadline(host, servers):
    servers.tcp(host, 135, endpoint_mapper(trickle_fragments))
    result, took = timed("epm_map", {"address": host})
    assert took < deadline(), f"took {took:.1f} s"
    assert result.outcome == "error"
    assert f"{TIMEOUT * DEADLINE_FACTOR:g} s" in result.summary, result.summary
    assert result.command == f"portqry -n {host} -e 135"


def test_a_trickled_bind_answer_is_cut_at_the_deadline(host, servers):
    servers.tcp(host, 135, trickle_bytes)
    result, took = timed("epm_lookup", {"address": host})
    assert took < deadline(), f"took {took:.1f} s"
    assert result.outcome == "error"


# case 1: the cap on bytes read
def test_a_flood_of_fragments_stops_at_the_byte_cap(host, servers):
    servers.tcp(host, 135, endpoint_mapper(flood_fragments))
    result, took = timed("epm_map", {"address": host})
    assert took < deadline(), f"took {took:.1f} s"
    assert result.outcome == "error"
    assert f"{budget.MAX_BYTES_READ // 2**20} MB" in result.summary, result.summary


# case 2: a list that never ends
def test_an_endless_list_is_cut_short(host, servers):
    servers.tcp(host, 135, endpoint_mapper(endless_list(500)))
    result, took = timed("epm_lookup", {"address": host})
    assert took < deadline(), f"took {took:.1f} s"
    assert result.outcome == "listed"
    assert result.evidence["cut_short"], result.evidence.keys()
    assert len(result.facts["endpoints"]) <= 2000
    assert len(result.evidence["endpoints"]) <= 500
    assert "cut short" in result.summary
    assert json_size(result) < 200_000


def test_an_endless_list_of_tiny_pages_stops_after_a_bounded_number_of_pages(host, servers):
    servers.tcp(host, 135, endpoint_mapper(endless_list(1)))
    result, took = timed("epm_lookup", {"address": host})
    assert took < deadline(), f"took {took:.1f} s"
    assert result.outcome == "listed"
    assert result.evidence["cut_short"]
    assert len(result.facts["endpoints"]) <= 20


# case 4: server-supplied annotations reach evidence, tables and tickets
def test_annotations_lose_their_escape_codes(host, servers):
    hostile = b"\x1b[2J\x1b]0;owned\x07\x9b31mred\xe2\x80\xaeevil\x00"
    servers.tcp(host, 135, endpoint_mapper(short_list(hostile)))
    result, took = timed("epm_lookup", {"address": host})
    assert took < deadline()
    assert result.outcome == "listed", result.summary
    assert_printable(result)
    assert "red" in result.evidence["endpoints"][0]["annotation"]


# case 9: a server that hangs up at once is described in plain words, not by the parser that choked
@pytest.mark.parametrize("probe, handler", [("epm_map", close_at_once), ("epm_map", close_after_request),
                                            ("epm_map", reset_at_once), ("epm_lookup", reset_after_request)])
def test_a_server_that_hangs_up_or_resets_closed_the_connection(host, servers, probe, handler):
    """At once, after the request, or in the middle of the exchange: plain words, never a parser's
    complaint ("unpack requires a buffer"), and a reset is no filter."""
    servers.tcp(host, 135, handler)
    result, took = timed(probe, {"address": host})
    assert took < deadline()
    assert "unpack" not in result.summary and "buffer" not in result.summary
    if result.outcome == "refused" and handler is reset_at_once:
        # on a busy machine the reset can land before the port check's connect() returns: NOT LISTENING
        assert result.evidence["port_135"] == "NOT LISTENING", result.evidence
        return
    assert result.outcome == "error"
    assert "closed the connection" in result.summary, result.summary


def test_silence_after_accept_costs_one_timeout(host, servers):
    servers.tcp(host, 135, silent)
    result, took = timed("epm_map", {"address": host})
    assert took < TIMEOUT + slack(1.0)
    assert result.outcome == "error"
    assert "did not answer" in result.summary


def test_random_bytes_are_not_an_endpoint_mapper(host, servers):
    servers.tcp(host, 135, random_bytes)
    result, took = timed("epm_map", {"address": host})
    assert took < deadline()
    assert result.outcome == "error"
    assert "endpoint mapper" in result.summary, result.summary
    assert_printable(result)
    assert json_size(result) < 4000


# case 9: a reset during the TCP handshake proves the host is up: NOT LISTENING, never FILTERED
def test_a_reset_during_connect_is_not_listening(host, monkeypatch):
    def reset(sock, address):
        raise ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")

    monkeypatch.setattr(socket.socket, "connect", reset)
    result, took = timed("tcp_ports", {"address": host, "ports": "135"})
    assert result.outcome == "not-listening", result.summary
    assert result.evidence["ports"]["135"]["state"] == "NOT LISTENING"
    result, _ = timed("epm_map", {"address": host})
    assert result.outcome == "refused", result.summary
