"""DNS messages (dnspython) and Kerberos errors (pyasn1, impacket's KRB-ERROR) out of packet payloads."""

from __future__ import annotations

from dataclasses import dataclass, field

@dataclass
class DnsMessage:
    id: int
    response: bool
    name: str
    qtype: str
    rcode: str = ""
    addresses: list[str] = field(default_factory=list)
    cnames: list[str] = field(default_factory=list)


_SEEN: dict[bytes, DnsMessage | None] = {}  # a client asks the same names again and again
_SEEN_MAX = 4096


def dns(payload: bytes) -> DnsMessage | None:
    """A DNS message's question and its A/AAAA/CNAME answers. Repeats (the same bytes but the id) are
    decoded once: most DNS traffic asks the same few names over and over."""
    key = payload[2:]
    if key in _SEEN:
        known = _SEEN[key]
        if known is None:
            return None
        return DnsMessage(int.from_bytes(payload[:2], "big"), known.response, known.name, known.qtype, known.rcode,
                          list(known.addresses), list(known.cnames))
    found = _decode(payload)
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    _SEEN[key] = found
    return found


def _decode(payload: bytes) -> DnsMessage | None:
    try:
        import dns.message
        import dns.rcode
        import dns.rdatatype

        response = len(payload) > 2 and bool(payload[2] & 0x80)
        # a question needs only its question section: the cheaper parse, for half of all DNS packets
        msg = dns.message.from_wire(payload, ignore_trailing=True, question_only=not response)
    except Exception:  # noqa: BLE001 - a damaged or truncated DNS message is skipped
        return None
    if not msg.question:
        return None
    q = msg.question[0]
    out = DnsMessage(msg.id, bool(msg.flags & 0x8000), q.name.to_text().rstrip(".").lower(),
                     dns.rdatatype.to_text(q.rdtype), dns.rcode.to_text(msg.rcode()))
    for rrset in msg.answer:
        for rdata in rrset:  # a damaged record comes back as GenericRdata, without these attributes
            if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA) and hasattr(rdata, "address"):
                out.addresses.append(rdata.address)
            elif rrset.rdtype == dns.rdatatype.CNAME and hasattr(rdata, "target"):
                out.cnames.append(rdata.target.to_text().rstrip(".").lower())
    return out


@dataclass
class KerberosError:
    code: int
    name: str
    realm: str = ""
    sname: str = ""


def error_code(data: bytes) -> int | None:
    """The error-code of a DER KRB-ERROR without decoding it all: the [6] INTEGER after pvno and msg-type."""
    at = data.find(b"\xa6\x03\x02\x01", 0, 200)
    return data[at + 4] if at >= 0 and len(data) > at + 4 else None


def kerberos_error(data: bytes, skip: tuple[int, ...] = ()) -> KerberosError | None:
    """A KRB-ERROR (APPLICATION 30) at the start of `data`; codes in `skip` are not decoded (routine)."""
    if not data[:1] == b"\x7e" or (skip and error_code(data) in skip):
        return None
    try:
        from impacket.krb5 import constants
        from impacket.krb5.asn1 import KRB_ERROR
        from pyasn1.codec.der import decoder

        err, _ = decoder.decode(bytes(data), asn1Spec=KRB_ERROR())
        code = int(err["error-code"])
        try:
            name = constants.ErrorCodes(code).name
        except ValueError:
            name = f"Kerberos error {code}"
        sname = ""
        if err["sname"].hasValue():
            sname = "/".join(str(part) for part in err["sname"]["name-string"])
        return KerberosError(code, name, str(err["realm"]), sname)
    except Exception:  # noqa: BLE001
        return None


def kerberos_in(blob: bytes) -> KerberosError | None:
    """A KRB-ERROR inside an authentication token (GSS-API krb5 token 03 00, maybe wrapped in SPNEGO)."""
    at = blob.find(b"\x03\x00\x7e")
    while at >= 0:
        found = kerberos_error(blob[at + 2:])
        if found:
            return found
        at = blob.find(b"\x03\x00\x7e", at + 1)
    return kerberos_error(blob) if blob[:1] == b"\x7e" else None
