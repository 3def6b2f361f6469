"""Kerberos from a ticket cache file, for the signed-in LDAP and registry reads.

impacket reads the raw KRB5CCNAME when asked to "use the cache", and cannot open the usual
`FILE:/path` form; wizard/cli/credentials.py turns the variable into a plain path (refusing KCM:,
API:, KEYRING: and other caches that are not files) and the tickets are read here from that path and
handed to impacket explicitly.

impacket's exchange with a KDC has no timeout at all (and spins on a closed connection): while a
probe signs in, that exchange goes through `_send_receive`, bounded by the probe call's deadline.
"""

from __future__ import annotations

import contextvars
import socket
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from impacket.krb5 import constants, kerberosv5
from impacket.krb5.asn1 import KRB_ERROR
from impacket.krb5.ccache import CCache
from pyasn1.codec.der import decoder

from wizard.probes.session import Credentials, Session
from wizard.probes.sockets import BoundedSocket, Garbled

KDC_PORT = 88
_MAX_REPLY = 2**20  # a KDC reply is a few KB; a length beyond this is not Kerberos
_CALL: contextvars.ContextVar[Session | None] = contextvars.ContextVar("kdc_call", default=None)
_impacket_send_receive = kerberosv5.sendReceive


class NoTicket(Exception):
    """The cache holds nothing usable for the service: the person needs to run kinit."""


def tickets(creds: Credentials, spn: str) -> tuple[str, dict | None, dict | None]:
    """(domain, TGT, TGS) for `spn` (e.g. ldap/dc2.contoso.com) from the cache file at creds.ccache:
    a service ticket when the cache has one, else the ticket-granting ticket."""
    cache = CCache.loadFile(creds.ccache)
    domain = creds.domain or cache.principal.realm["data"].decode()
    realm = domain.upper()
    service = cache.getCredential(f"{spn}@{realm}")
    if service is not None:
        return domain, None, service.toTGS(f"{spn}@{realm}")
    granting = cache.getCredential(f"krbtgt/{realm}@{realm}", anySPN=False)
    if granting is not None:
        return domain, granting.toTGT(), None
    raise NoTicket(f"the ticket cache holds no ticket for {spn} or krbtgt/{realm}: run kinit")


@contextmanager
def bounded_kdc(session: Session) -> Iterator[None]:
    """While inside, impacket's KDC exchanges in this thread end at the session's deadline."""
    token = _CALL.set(session)
    try:
        yield
    finally:
        _CALL.reset(token)


def _send_receive(data: bytes, host: str, kdcHost: str | None, port: int = KDC_PORT) -> bytes:  # noqa: N803
    """impacket's sendReceive with a deadline; outside a probe's sign-in, impacket's own."""
    session = _CALL.get()
    if session is None:
        return _impacket_send_receive(data, host, kdcHost, port)
    reply = _exchange(session, kdcHost or host, port, data)
    try:
        error = kerberosv5.KerberosError(packet=decoder.decode(reply, asn1Spec=KRB_ERROR())[0])
    except Exception:  # noqa: BLE001 - not an error message: the answer itself
        return reply
    if error.getErrorCode() != constants.ErrorCodes.KDC_ERR_PREAUTH_REQUIRED.value:
        raise error
    return reply


def _exchange(session: Session, kdc: str, port: int, data: bytes) -> bytes:
    raw = socket.create_connection((kdc, port), timeout=session.wait())
    with raw:
        sock = BoundedSocket(raw, session.budget, session.timeout)
        sock.sendall(struct.pack("!i", len(data)) + data)
        size = struct.unpack("!i", _exactly(sock, 4))[0]
        if not 0 < size <= _MAX_REPLY:
            raise Garbled(f"what answers on TCP {port} at {kdc} is not a Kerberos KDC")
        return _exactly(sock, size)


def _exactly(sock: BoundedSocket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        data += sock.recv(count - len(data))
    return data


def install() -> Any:
    """Route impacket's KDC exchanges through `_send_receive` (idempotent)."""
    kerberosv5.sendReceive = _send_receive
    return _send_receive


install()
