"""Bad captures: one clear line (exit 3) or a partial result that says what was skipped; never a traceback.

Every damaged file here is cut or altered from a real lab capture (tests/traces/captures/), so the
packets around the damage are real traffic.
"""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard import WizardError
from wizard.traces import read_trace

CAPTURES = Path(__file__).parent / "captures"
PCAP = CAPTURES / "dynamic-blocked-dc1-eth0.pcap"
PCAPNG = CAPTURES / "dynamic-blocked-dc1-any.pcapng"


def cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wizard", "trace", *argv], capture_output=True, text=True,
                          timeout=120)


def one_clear_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rpc-wizard: error: "), proc.stderr
    return lines[0]


def test_not_a_capture(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("repadmin /showrepl output, not packets\n" * 10)
    assert "not a packet capture" in one_clear_line(cli(str(path)))


def test_empty_file_directory_and_missing(tmp_path):
    (tmp_path / "empty.pcap").write_bytes(b"")
    assert "empty" in one_clear_line(cli(str(tmp_path / "empty.pcap")))
    assert "directory" in one_clear_line(cli(str(tmp_path)))
    assert "cannot read" in one_clear_line(cli(str(tmp_path / "nothing.pcap")))


def test_etl_says_how_to_convert(tmp_path):
    path = tmp_path / "PktMon.etl"
    path.write_bytes(b"\x00" * 64)
    line = one_clear_line(cli(str(path)))
    assert "pktmon etl2pcap PktMon.etl --out PktMon.pcapng" in line


@pytest.mark.parametrize("source", [PCAP, PCAPNG])
def test_truncated_file_gives_the_calls_before_the_cut(tmp_path, source):
    data = source.read_bytes()
    whole = read_trace(source)
    cut = tmp_path / f"cut{source.suffix}"
    cut.write_bytes(data[: len(data) - 37])  # inside the last packet
    partial = read_trace(cut)
    assert partial.packets == whole.packets - 1
    assert any("truncated" in s for s in partial.skipped)
    assert [c.server for c in partial.calls] == [c.server for c in whole.calls]


def test_snap_length_cut_packets_are_counted(tmp_path):
    out = tmp_path / "snap.pcap"
    subprocess.run(["editcap", "-s", "60", str(PCAP), str(out)], check=True, capture_output=True) \
        if _has("editcap") else pytest.skip("editcap (wireshark-common) is not installed")
    result = read_trace(out)
    assert any("snap length" in s for s in result.skipped)
    # headers survive a 60-byte snap: the SYNs to the dynamic port are still seen, the PDUs are not
    assert result.packets == read_trace(PCAP).packets


def _has(tool: str) -> bool:
    import shutil

    return shutil.which(tool) is not None


def test_unknown_link_type_is_skipped_with_a_note(tmp_path):
    data = bytearray(PCAP.read_bytes())
    struct.pack_into("<I", data, 20, 147)  # LINKTYPE_USER0
    path = tmp_path / "user0.pcap"
    path.write_bytes(bytes(data))
    result = read_trace(path)
    assert result.calls == []
    assert any("link type 147" in s for s in result.skipped)
    assert cli(str(path)).returncode == 2


def test_damaged_pcapng_block_ends_with_a_note(tmp_path):
    data = bytearray(PCAPNG.read_bytes())
    shb_len = struct.unpack_from("<I", data, 4)[0]
    idb_len = struct.unpack_from("<I", data, shb_len + 4)[0]
    first_packet = shb_len + idb_len
    at = first_packet
    for _ in range(40):  # damage the 41st block's length
        at += struct.unpack_from("<I", data, at + 4)[0]
    struct.pack_into("<I", data, at + 4, 0x7FFFFFF0)
    path = tmp_path / "damaged.pcapng"
    path.write_bytes(bytes(data))
    result = read_trace(path)
    assert result.packets == 40
    assert any("damaged pcapng block" in s for s in result.skipped)


def test_unknown_pcapng_blocks_are_skipped(tmp_path):
    data = PCAPNG.read_bytes()
    shb_len = struct.unpack_from("<I", data, 4)[0]
    custom = struct.pack("<II", 0x40000BAD, 20) + b"\x01\x02\x03\x04\x05\x06\x07\x08" + struct.pack("<I", 20)
    path = tmp_path / "custom.pcapng"
    path.write_bytes(data[:shb_len] + custom + data[shb_len:])
    assert [c.to_dict() for c in read_trace(path).calls] == [c.to_dict() for c in read_trace(PCAPNG).calls]


def test_not_a_regular_file_is_refused():
    with pytest.raises(WizardError, match="not a regular file"):
        read_trace("/dev/zero")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=40_000), flips=st.lists(st.integers(0, 40_000), max_size=8))
def test_any_cut_or_damage_reads_without_a_traceback(tmp_path, cut, flips):
    data = bytearray(PCAP.read_bytes()[:cut])
    for at in flips:
        if at < len(data):
            data[at] ^= 0xFF
    path = tmp_path / "fuzz.pcap"
    path.write_bytes(bytes(data))
    try:
        result = read_trace(path)
    except WizardError as exc:
        assert "\n" not in str(exc)
    else:
        result.to_dict()


def test_a_10_gb_file_of_zeros_after_real_packets_ends_at_once(tmp_path):
    """A sparse 10 GB file (real packets, then zeros): read in a moment, never 670 million empty records."""
    path = tmp_path / "huge.pcap"
    path.write_bytes(PCAP.read_bytes())
    with path.open("r+b") as fh:
        fh.truncate(10 * 1024 ** 3)
    result = read_trace(path)
    assert result.packets == read_trace(PCAP).packets
    assert any("only zeros" in s for s in result.skipped)
    assert cli(str(path)).returncode == 1  # the dynamic-blocked call is there, and failing
