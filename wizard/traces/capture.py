"""Packets out of a pcap or pcapng file, one at a time: the file is never read whole.

Every length read from the file is checked before it is used, so a damaged file costs at most one
block's worth of memory (MAX_BLOCK) and ends the reading with a note on what was skipped, never a
traceback. The link layer (Ethernet with VLAN tags, Linux cooked v1/v2, raw IP, BSD loopback) and
IPv4/IPv6 are decoded by hand with struct: this runs for every packet of a file that may hold
gigabytes, and only a few of them matter (dpkt's classes parse the pcapng interface options).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from wizard import WizardError

MAX_BLOCK = 16 * 1024 * 1024  # a pcapng block or pcap record longer than this is damage, not data
MAX_NOTES = 20

PCAP_MAGICS = {0xA1B2C3D4: False, 0xA1B23C4D: True}  # magic as read in the file's byte order -> nanoseconds
PCAPNG_SHB = 0x0A0D0D0A
BOM = 0x1A2B3C4D

# link types read here (LINKTYPE_* numbers from the pcap spec)
ETHERNET, NULL, LOOP, RAW, RAW12, RAW14, SLL, SLL2, IPV4, IPV6 = 1, 0, 108, 101, 12, 14, 113, 276, 228, 229
LINK_NAMES = {ETHERNET: "Ethernet", NULL: "BSD loopback", LOOP: "OpenBSD loopback", RAW: "raw IP",
              RAW12: "raw IP", RAW14: "raw IP", SLL: "Linux cooked", SLL2: "Linux cooked v2", IPV4: "raw IPv4",
              IPV6: "raw IPv6"}
_VLAN = (0x8100, 0x88A8, 0x9100)

TCP, UDP, ICMP, ICMP6 = 6, 17, 1, 58


class CaptureError(WizardError):
    """The file cannot be read as a capture at all (one line for the person)."""


@dataclass(slots=True)
class Packet:
    ts: float
    src: str
    dst: str
    proto: int  # TCP, UDP, ICMP, ICMP6
    sport: int = 0
    dport: int = 0
    flags: int = 0  # TCP flags
    seq: int = 0
    payload: bytes = b""
    # ICMP destination unreachable: the quoted packet's (proto, src, dst, sport, dport) and the type/code
    unreachable: tuple | None = None


@dataclass
class Stats:
    """What the reading saw and skipped, for the report."""

    format: str = ""
    link_types: set[str] = field(default_factory=set)
    packets: int = 0
    truncated: int = 0  # packets cut by the snap length (caplen < original length)
    skipped_link: dict[int, int] = field(default_factory=dict)  # unknown link type -> packets
    other: int = 0  # not IP, or not TCP/UDP/ICMP
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if len(self.notes) < MAX_NOTES and text not in self.notes:
            self.notes.append(text)


def read_packets(fh: BinaryIO, stats: Stats) -> Iterator[Packet]:
    """Decoded TCP/UDP/ICMP packets of a pcap or pcapng stream, in file order."""
    head = fh.read(4)
    if len(head) < 4:
        raise CaptureError("the file is empty or too short to be a capture (pcap or pcapng)")
    magic = struct.unpack("<I", head)[0]
    if magic == PCAPNG_SHB:
        stats.format = "pcapng"
        frames = _pcapng_frames(fh, head, stats)
    elif magic in PCAP_MAGICS or struct.unpack(">I", head)[0] in PCAP_MAGICS:  # written little- or big-endian
        stats.format = "pcap"
        frames = _pcap_frames(fh, head, stats)
    else:
        raise CaptureError(_not_a_capture(head))
    for ts, link, data, wire_len in frames:
        stats.packets += 1
        if len(data) < wire_len:
            stats.truncated += 1
        packet = decode(link, data, ts, stats)
        if packet is not None:
            yield packet


def _not_a_capture(head: bytes) -> str:
    return ("this is not a packet capture (pcap or pcapng): give the .pcap/.pcapng file; a pktmon or netsh "
            ".etl must be converted first on the Windows machine: pktmon etl2pcap FILE.etl --out FILE.pcapng")


def _pcap_frames(fh: BinaryIO, head: bytes, stats: Stats) -> Iterator[tuple[float, int, bytes, int]]:
    rest = fh.read(20)
    if len(rest) < 20:
        raise CaptureError("the pcap file ends inside its file header: nothing to read")
    order = "<" if struct.unpack("<I", head)[0] in PCAP_MAGICS else ">"
    nano = PCAP_MAGICS[struct.unpack(order + "I", head)[0]]
    _vmaj, _vmin, _zone, _sigfigs, snaplen, link = struct.unpack(order + "HHiIII", rest)
    link &= 0x0FFFFFFF  # the top bits may carry the FCS length
    stats.link_types.add(LINK_NAMES.get(link, f"link type {link}"))
    record = struct.Struct(order + "IIII")
    divisor = 1e9 if nano else 1e6
    read = fh.read
    while True:
        hdr = read(16)
        if len(hdr) < 16:
            if hdr:
                stats.note("the file ends inside a packet header: the last packet was skipped (truncated file)")
            return
        sec, frac, caplen, wire_len = record.unpack(hdr)
        if not (sec or frac or caplen or wire_len):  # a run of zeros: a sparse or preallocated file, not packets
            stats.note(f"the file holds only zeros after packet {stats.packets} (a sparse or damaged file): "
                       "the rest was skipped")
            return
        if caplen > MAX_BLOCK:
            stats.note(f"a packet record claims {caplen} bytes after packet {stats.packets}: the file is damaged "
                       "there, the rest was skipped")
            return
        data = read(caplen)
        if len(data) < caplen:
            stats.note("the file ends inside a packet: the last packet was skipped (truncated file)")
            return
        yield sec + frac / divisor, link, data, wire_len


def _pcapng_frames(fh: BinaryIO, head: bytes, stats: Stats) -> Iterator[tuple[float, int, bytes, int]]:
    order = "<"
    interfaces: list[tuple[int, float]] = []  # per interface: link type, timestamp units per second
    first = True
    read = fh.read
    while True:
        hdr = head + read(4) if first else read(8)
        if len(hdr) < 8:
            if hdr:
                stats.note("the file ends inside a block header: the rest was skipped (truncated file)")
            return
        block_type = struct.unpack("<I", hdr[:4])[0]
        if block_type == PCAPNG_SHB:  # a new section: its own byte order and interfaces
            bom = read(4)
            if len(bom) < 4:
                stats.note("the file ends inside a section header (truncated file)")
                return
            order = "<" if struct.unpack("<I", bom)[0] == BOM else ">"
            if struct.unpack(order + "I", bom)[0] != BOM:
                if first:
                    raise CaptureError("the pcapng section header is damaged (no byte-order magic): not readable")
                stats.note("a damaged pcapng section header: the rest was skipped")
                return
            interfaces = []
            length = struct.unpack(order + "I", hdr[4:8])[0]
            body_len = length - 12
            prefix = bom
        else:
            length = struct.unpack(order + "I", hdr[4:8])[0]
            body_len = length - 8
            prefix = b""
        first = False
        if length < 12 or length % 4 or length > MAX_BLOCK:
            stats.note(f"a damaged pcapng block (length {length}) after packet {stats.packets}: the rest was skipped")
            return
        body = read(body_len)
        if len(body) < body_len:
            stats.note("the file ends inside a block: the last block was skipped (truncated file)")
            return
        body = prefix + body
        if block_type == 1:  # interface description
            interfaces.append(_interface(hdr + body, order, stats))
        elif block_type in (6, 2):  # enhanced packet, obsolete packet
            frame = _enhanced(body, block_type, order, interfaces, stats)
            if frame:
                yield frame
        elif block_type == 3:  # simple packet: the first interface, no timestamp
            if interfaces and len(body) >= 8:
                wire_len = struct.unpack(order + "I", body[:4])[0]
                yield 0.0, interfaces[0][0], body[4:4 + min(wire_len, len(body) - 8)], wire_len
        # any other block (name resolution, statistics, custom, unknown) is skipped by its length


def _interface(block: bytes, order: str, stats: Stats) -> tuple[int, float]:
    link = struct.unpack(order + "H", block[8:10])[0] if len(block) >= 10 else -1
    units = 1e6
    try:
        from dpkt import pcapng

        idb = (pcapng.InterfaceDescriptionBlockLE if order == "<" else pcapng.InterfaceDescriptionBlock)(block)
        for opt in idb.opts:
            if opt.code == pcapng.PCAPNG_OPT_IF_TSRESOL and opt.data:
                value = opt.data[0]
                units = float(2 ** (value & 0x7F) if value & 0x80 else 10 ** (value & 0x7F))
    except Exception:  # noqa: BLE001 - damaged options: keep the default resolution, say so
        stats.note("an interface description with damaged options: microsecond timestamps assumed")
    stats.link_types.add(LINK_NAMES.get(link, f"link type {link}"))
    return link, units


def _enhanced(body: bytes, block_type: int, order: str, interfaces: list[tuple[int, float]],
              stats: Stats) -> tuple[float, int, bytes, int] | None:
    if len(body) < 20:
        stats.note("a packet block too short to hold a packet was skipped")
        return None
    if block_type == 6:
        iface, ts_hi, ts_lo, caplen, wire_len = struct.unpack(order + "IIIII", body[:20])
    else:
        iface, _drops, ts_hi, ts_lo, caplen, wire_len = struct.unpack(order + "HHIIII", body[:20])
    if iface >= len(interfaces):
        stats.note(f"packets of an undescribed interface {iface} were skipped")
        return None
    link, units = interfaces[iface]
    if caplen > len(body) - 20:
        stats.note("a packet block shorter than the packet it claims was cut to the block")
        caplen = len(body) - 20
    return ((ts_hi << 32 | ts_lo) / units, link, body[20:20 + caplen], wire_len)


_ETH = struct.Struct("!H")
_IP4 = struct.Struct("!BBHHHBBH4s4s")
_PORTS = struct.Struct("!HHIIBB")


def decode(link: int, data: bytes, ts: float, stats: Stats) -> Packet | None:
    """The IP packet in one link-layer frame, as far as it was captured; None if it is none we read."""
    if link == ETHERNET:
        if len(data) < 14:
            return None
        ethertype, off = _ETH.unpack_from(data, 12)[0], 14
        while ethertype in _VLAN and len(data) >= off + 4:  # 802.1Q / QinQ tags
            ethertype, off = _ETH.unpack_from(data, off + 2)[0], off + 4
    elif link == SLL:
        if len(data) < 16:
            return None
        ethertype, off = _ETH.unpack_from(data, 14)[0], 16
    elif link == SLL2:
        if len(data) < 20:
            return None
        ethertype, off = _ETH.unpack_from(data, 0)[0], 20
    elif link in (RAW, RAW12, RAW14, IPV4, IPV6):
        ethertype, off = (0x86DD if data[:1] and data[0] >> 4 == 6 else 0x0800), 0
    elif link in (NULL, LOOP):
        if len(data) < 4:
            return None
        ethertype, off = (0x86DD if data[4:5] and data[4] >> 4 == 6 else 0x0800), 4
    else:
        stats.skipped_link[link] = stats.skipped_link.get(link, 0) + 1
        return None
    if ethertype == 0x0800:
        return _ipv4(data, off, ts, stats)
    if ethertype == 0x86DD:
        return _ipv6(data, off, ts, stats)
    stats.other += 1
    return None


def _ipv4(data: bytes, off: int, ts: float, stats: Stats) -> Packet | None:
    if len(data) < off + 20:
        stats.other += 1
        return None
    vihl, _tos, total, _ident, frag, _ttl, proto, _csum, src, dst = _IP4.unpack_from(data, off)
    ihl = (vihl & 0x0F) * 4
    if vihl >> 4 != 4 or ihl < 20:
        stats.other += 1
        return None
    if frag & 0x1FFF:  # a later fragment: no transport header in it
        stats.other += 1
        return None
    end = off + total if total >= ihl else len(data)  # Ethernet padding is not payload
    return _transport(proto, _a4(src), _a4(dst), data[off + ihl:end], ts, stats)


def _a4(raw: bytes) -> str:
    return f"{raw[0]}.{raw[1]}.{raw[2]}.{raw[3]}"


def _ipv6(data: bytes, off: int, ts: float, stats: Stats) -> Packet | None:
    if len(data) < off + 40:
        stats.other += 1
        return None
    import ipaddress

    plen = struct.unpack_from("!H", data, off + 4)[0]
    proto = data[off + 6]
    src = str(ipaddress.IPv6Address(data[off + 8:off + 24]))
    dst = str(ipaddress.IPv6Address(data[off + 24:off + 40]))
    body, hops = data[off + 40:off + 40 + plen], 0
    while proto in (0, 43, 60) and len(body) >= 8 and hops < 8:  # hop-by-hop, routing, destination options
        proto, body, hops = body[0], body[(body[1] + 1) * 8:], hops + 1
    if proto == 44:  # fragment header
        if len(body) < 8 or struct.unpack_from("!H", body, 2)[0] & 0xFFF8:
            stats.other += 1
            return None
        proto, body = body[0], body[8:]
    return _transport(proto, src, dst, body, ts, stats)


def _transport(proto: int, src: str, dst: str, seg: bytes, ts: float, stats: Stats) -> Packet | None:
    if proto == TCP:
        if len(seg) < 20:
            return None
        sport, dport, seq, _ack, offset, flags = _PORTS.unpack_from(seg, 0)
        return Packet(ts, src, dst, TCP, sport, dport, flags, seq, seg[(offset >> 4) * 4:])
    if proto == UDP:
        if len(seg) < 8:
            return None
        sport, dport = struct.unpack_from("!HH", seg, 0)
        return Packet(ts, src, dst, UDP, sport, dport, payload=seg[8:])
    if proto in (ICMP, ICMP6):
        return _icmp(proto, src, dst, seg, ts, stats)
    stats.other += 1
    return None


def _icmp(proto: int, src: str, dst: str, seg: bytes, ts: float, stats: Stats) -> Packet | None:
    """An ICMP destination unreachable names the packet it refuses: that packet's flow and ports."""
    if len(seg) < 8 or seg[0] != (3 if proto == ICMP else 1):
        return None
    quoted = seg[8:]  # the refused packet's IP header and at least the first 8 bytes of its transport header
    if quoted[:1] and quoted[0] >> 4 == 4 and len(quoted) >= 28:
        ihl = (quoted[0] & 0x0F) * 4
        inner_proto, inner_src, inner_dst = quoted[9], _a4(quoted[12:16]), _a4(quoted[16:20])
        ports = quoted[ihl:ihl + 4]
    elif quoted[:1] and quoted[0] >> 4 == 6 and len(quoted) >= 44:
        import ipaddress

        inner_proto = quoted[6]
        inner_src, inner_dst = (str(ipaddress.IPv6Address(quoted[8:24])), str(ipaddress.IPv6Address(quoted[24:40])))
        ports = quoted[40:44]
    else:
        return None
    if inner_proto not in (TCP, UDP) or len(ports) < 4:
        return None
    sport, dport = struct.unpack("!HH", ports)
    return Packet(ts, src, dst, proto, unreachable=(inner_proto, inner_src, inner_dst, sport, dport, seg[0], seg[1]))
