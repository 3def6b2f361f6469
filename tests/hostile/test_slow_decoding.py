"""The deadline covers the whole check, decoding included (issue 18): a list decoded slowly still ends
within DEADLINE_FACTOR x timeout, keeping what was decoded and saying it was cut short.

The slow decoder goes in through the probes' own seams: epm_lookup and epm_transports take the step
that decodes one entry (`decode`), and run_probe takes a function in place of a probe (PROBES), so the
call keeps its real deadline, sockets and evidence building; only the decoding is slowed down.
"""

from __future__ import annotations

import functools
import time

import pytest
from hostile_checks import timed
from hostile_servers import DEADLINE_FACTOR, TIMEOUT, deadline, endless_list, endpoint_mapper, short_list

from wizard.probes import epm, run

TIME_CUT = f"did not end within the check's {TIMEOUT * DEADLINE_FACTOR:g} s limit"


class SlowDecoder:
    """epm.decode_entry, `seconds` late for every entry; counts the entries it decoded."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.count = seconds, 0

    def __call__(self, entry):
        time.sleep(self.seconds)
        self.count += 1
        return epm.decode_entry(entry)


@pytest.fixture
def decoded_by(monkeypatch):
    """decoded_by(probe, decoder): `probe` runs with `decoder` as its decoding step."""
    def use(probe: str, decoder: SlowDecoder) -> None:
        monkeypatch.setitem(run.PROBES, probe, functools.partial(getattr(epm, probe), decode=decoder))
    return use


def test_an_endless_list_decoded_slowly_is_cut_at_the_deadline(host, servers, decoded_by):
    """Every page arrives at once; decoding is what takes the time. Cut by the deadline, not the caps."""
    decoder = SlowDecoder(0.01)  # 2000 entries (the cap) would take 20 s
    decoded_by("epm_lookup", decoder)
    servers.tcp(host, 135, endpoint_mapper(endless_list(500)))
    result, took = timed("epm_lookup", {"address": host})
    assert took < deadline(), f"took {took:.1f} s"
    assert result.outcome == "listed", result.summary
    assert TIME_CUT in result.evidence["cut_short"], result.evidence["cut_short"]
    assert "cut short" in result.summary
    assert 0 < result.evidence["endpoints_total"] == decoder.count < epm.MAX_ENTRIES


def test_a_short_list_too_slow_to_decode_keeps_what_was_decoded(host, servers, decoded_by):
    """One page of 30 entries that ends the list, each entry taking an eighth of the deadline to decode:
    the deadline is checked before each one, so the call overruns it by one entry's decoding at most."""
    decoder = SlowDecoder(TIMEOUT * DEADLINE_FACTOR / 8)
    decoded_by("epm_lookup", decoder)
    servers.tcp(host, 135, endpoint_mapper(short_list(b"slow\x00", count=30)))
    result, took = timed("epm_lookup", {"address": host})
    assert took < deadline(), f"took {took:.1f} s"
    assert result.outcome == "listed", result.summary
    assert 0 < result.evidence["endpoints_total"] <= 9 and TIME_CUT in result.evidence["cut_short"]


def test_a_list_decoded_within_the_deadline_is_whole(host, servers, decoded_by):
    """The control: the same slow step, in time, changes nothing (and is the step actually used)."""
    decoder = SlowDecoder(0.01)
    decoded_by("epm_lookup", decoder)
    servers.tcp(host, 135, endpoint_mapper(short_list(b"slow\x00", count=3)))
    result, _ = timed("epm_lookup", {"address": host})
    assert result.outcome == "listed", result.summary
    assert decoder.count == result.evidence["endpoints_total"] == 3
    assert "cut_short" not in result.evidence


def test_the_transports_of_an_interface_decoded_slowly_end_at_the_deadline(host, servers, decoded_by):
    """epm_transports (and epm_map of any interface but DRS) reads the same list the same way."""
    decoded_by("epm_transports", SlowDecoder(0.01))
    servers.tcp(host, 135, endpoint_mapper(endless_list(500)))
    result, took = timed("epm_transports", {"address": host, "interface": "wmi"})
    assert took < deadline(), f"took {took:.1f} s"
    assert TIME_CUT in result.evidence["cut_short"], result.summary
