"""SMB connections bounded by the call's deadline.

impacket's SMBConnection negotiates inside its constructor, on a socket of its own that only has a
per-read timeout. Here the connection is opened within the deadline, wrapped in a BoundedSocket, and
handed to impacket's SMB2/3 client as an existing NetBIOS session, so the negotiation and every later
read (the NTLM challenge, a named pipe) end at the deadline and count against the byte cap.
"""

from __future__ import annotations

from impacket import nmb, smb3
from impacket.smbconnection import SMBConnection

from wizard.probes.session import Session, open_tcp

SMB_PORT = 445


class _FreshSMB3(smb3.SMB3):
    """impacket's SMB2/3 client negotiating directly on a fresh connection. Given a session, impacket
    assumes an SMB1 negotiation already used message 0 and starts at 1; a server drops a first request
    numbered 1, so it starts at 0 here."""

    def negotiateSession(self, preferredDialect=None, negSessionResponse=None):  # noqa: N802, N803 - impacket's
        if negSessionResponse is None:
            self._Connection["SequenceWindow"] = 0
        return super().negotiateSession(preferredDialect, negSessionResponse)


def smb_connection(session: Session, address: str, name: str | None = None) -> SMBConnection:
    """A negotiated SMB2/3 connection to `address`. `name` is the host meant (the Kerberos service name
    is cifs/<name>); without one the address stands for it, as `net use \\\\ADDRESS` would."""
    remote = name or address
    sock = open_tcp(session, address, SMB_PORT)
    try:
        netbios = nmb.NetBIOSTCPSession("", remote, address, sess_port=SMB_PORT, timeout=session.timeout, sock=sock)
        client = _FreshSMB3(remote, address, sess_port=SMB_PORT, timeout=session.timeout, session=netbios)
    except BaseException:
        sock.close()
        raise
    return SMBConnection(remote, address, sess_port=SMB_PORT, timeout=session.timeout, existingConnection=client)


def close_quietly(conn: SMBConnection) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing a half-open session is best effort
        pass
