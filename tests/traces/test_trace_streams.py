"""TCP as it really arrives: segments out of order, retransmitted, a PDU split over segments, several PDUs
in one segment, VLAN tags, IPv6. Each case rewrites a real lab capture (tests/traces/captures/) and must
read as the original does."""

from __future__ import annotations

from pathlib import Path

import dpkt

from wizard.traces import read_trace

CAPTURES = Path(__file__).parent / "captures"
HEALTHY = CAPTURES / "healthy-client-impacket.pcap"


def frames(path: Path) -> list[tuple[float, bytes]]:
    with path.open("rb") as fh:
        return list(dpkt.pcap.Reader(fh))


def write(path: Path, items: list[tuple[float, bytes]]) -> Path:
    with path.open("wb") as fh:
        writer = dpkt.pcap.Writer(fh)
        for ts, buf in items:
            writer.writepkt(buf, ts)
    return path


def rpc_calls(path: Path) -> list[dict]:
    """The calls as JSON, without times (a rewrite may move a packet by a microsecond)."""
    out = []
    for call in read_trace(path).calls:
        d = call.to_dict()
        for key in ("first_seen", "last_seen"):
            d.pop(key)
        for part in (d["epm"], d["epm"]["connect"], d["connect"], d["bind"]):
            part.pop("time")
        d["dns"] = [{k: v for k, v in a.items() if k != "time"} for a in d["dns"]]
        out.append(d)
    return out


def _tcp(buf: bytes):
    eth = dpkt.ethernet.Ethernet(buf)
    ip = eth.data
    if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.tcp.TCP):
        return eth, ip, ip.data
    return eth, ip, None


def _rebuild(eth, ip, tcp, data: bytes, seq: int) -> bytes:
    tcp = dpkt.tcp.TCP(bytes(tcp))
    tcp.data, tcp.seq, tcp.sum = data, seq, 0
    ip = dpkt.ip.IP(bytes(ip))
    ip.data, ip.len, ip.sum = tcp, 0, 0
    ip.len = len(ip)
    eth = dpkt.ethernet.Ethernet(bytes(eth))
    eth.data = ip
    return bytes(eth)


def test_the_original_reads_as_a_healthy_call():
    calls = rpc_calls(HEALTHY)
    mine = [c for c in calls if c["client"] == "198.51.100.1"]
    assert mine and mine[0]["epm"]["outcome"] == "mapped" and mine[0]["bind"]["outcome"] == "bind_ack"


def test_split_reordered_and_retransmitted_segments(tmp_path):
    out = []
    for ts, buf in frames(HEALTHY):
        eth, ip, tcp = _tcp(buf)
        if tcp is None or len(tcp.data) < 20:
            out.append((ts, buf))
            continue
        head, tail = tcp.data[:7], tcp.data[7:]  # a PDU header split over two segments
        first = _rebuild(eth, ip, tcp, head, tcp.seq)
        second = _rebuild(eth, ip, tcp, tail, (tcp.seq + 7) & 0xFFFFFFFF)
        out += [(ts, second), (ts, first), (ts, second)]  # the second first, then again: a retransmission
    assert rpc_calls(write(tmp_path / "split.pcap", out)) == rpc_calls(HEALTHY)


def test_several_pdus_in_one_segment(tmp_path):
    out, held = [], None
    for ts, buf in frames(HEALTHY):
        eth, ip, tcp = _tcp(buf)
        client_data = tcp is not None and tcp.data and tcp.dport in (135,) and ip.src == bytes([198, 51, 100, 1])
        if client_data and held is None:
            held = (ts, eth, ip, tcp)
            continue
        if client_data and held is not None:  # the bind and the map request travel together
            _, heth, hip, htcp = held
            out.append((ts, _rebuild(heth, hip, htcp, htcp.data + tcp.data, htcp.seq)))
            held = None
            continue
        out.append((ts, buf))
    assert rpc_calls(write(tmp_path / "merged.pcap", out)) == rpc_calls(HEALTHY)


def test_vlan_tags(tmp_path):
    tagged = [(ts, buf[:12] + b"\x81\x00\x00\x64" + buf[12:]) for ts, buf in frames(HEALTHY)]
    assert rpc_calls(write(tmp_path / "vlan.pcap", tagged)) == rpc_calls(HEALTHY)


def _v6(address: bytes) -> bytes:
    return bytes.fromhex("20010db8000000000000000000000000")[:12] + address


def test_ipv6(tmp_path):
    out = []
    for ts, buf in frames(HEALTHY):
        eth, ip, tcp = _tcp(buf)
        if not isinstance(ip, dpkt.ip.IP):
            continue
        ip6 = dpkt.ip6.IP6(src=_v6(ip.src), dst=_v6(ip.dst), nxt=ip.p, hlim=64, data=ip.data)
        ip6.plen = len(bytes(ip.data))
        eth6 = dpkt.ethernet.Ethernet(dst=eth.dst, src=eth.src, type=dpkt.ethernet.ETH_TYPE_IP6, data=ip6)
        out.append((ts, bytes(eth6)))
    calls = [c for c in read_trace(write(tmp_path / "v6.pcap", out)).calls if c.client.endswith("::c633:6401")]
    assert calls and calls[0].server == "2001:db8::c633:641e"
    assert calls[0].epm.outcome == "mapped" and calls[0].bind.outcome == "bind_ack"
