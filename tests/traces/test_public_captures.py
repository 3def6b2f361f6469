"""Real Windows RPC exchanges from a public repository (tests/traces/public/SOURCE.md names the source)."""

from __future__ import annotations

from pathlib import Path

from wizard.traces import read_trace

PUBLIC = Path(__file__).parent / "public"


def test_outlook_to_exchange_maps_nspi_and_emsmdb_and_binds():
    result = read_trace(PUBLIC / "mapi.pcap")
    assert result.skipped == []
    mapped = [c for c in result.calls if c.epm.outcome == "mapped"]
    assert [(c.interface_name.split(":")[0], c.epm.port) for c in mapped] == [("[MS-NSPI]", 4997),
                                                                             ("[MS-OXCRPC]", 1032)]
    for call in mapped:
        assert call.epm.connect.outcome == "answered" and call.connect.port == call.epm.port
        assert call.connect.outcome == "answered" and call.bind.outcome == "bind_ack"
        assert call.failure is None
    assert any(c.bind.auth == "NTLM" for c in result.calls)


def test_a_windows_7_join_binds_drs_with_spnego():
    result = read_trace(PUBLIC / "cs_window7-join_stream092.pcap")
    (call,) = result.calls
    assert call.interface_uuid == "e3514235-4b06-11d1-ab04-00c04fc2dcd2"
    assert (call.connect.port, call.connect.outcome, call.bind.outcome, call.bind.auth) == \
        (1024, "answered", "bind_ack", "SPNEGO")
    assert call.epm.outcome == "not-seen"  # this stream starts at the DRS connection
