"""Credentials go only where identity said `match` in this session (NTLM), or to the intended name
(Kerberos), issue 11 case 6; a FILE: ticket cache is read by impacket too, case 7.

The "servers" here are recorders on loopback: they keep every byte a probe sends, so a test can
tell whether an NTLM exchange (NTLMSSP) or a Kerberos bind (GSS-SPNEGO) was offered to them.
"""

from __future__ import annotations

import os
import time

from hostile_checks import assert_printable, timed
from hostile_servers import TIMEOUT, deadline, node_status, silent

from wizard.probes.session import Credentials, Session

TARGET = "dc2.lab.example"
GUID = "0bf36a10-f065-4bf2-9995-0f18a3001a00"
PASSWORD = Credentials("LAB\\Administrator", "not-a-real-password")


def with_password() -> Session:
    return Session(timeout=TIMEOUT, credentials=PASSWORD)


def test_ntds_guid_sends_no_ntlm_to_an_address_nobody_vouched_for(host, servers):
    ldap = servers.tcp(host, 389, silent)
    result, took = timed("ntds_guid", {"address": host, "target": TARGET, "guid": GUID}, with_password())
    assert took < deadline()
    assert b"NTLMSSP" not in ldap.received
    assert result.outcome == "skipped", result.summary
    assert "not confirmed" in result.summary and "repadmin /showobjmeta" in result.summary, result.summary
    assert_printable(result)


def test_ntds_lookup_sends_no_ntlm_to_an_unverified_destination(host, servers):
    ldap = servers.tcp(host, 389, silent)
    result, took = timed("ntds_lookup", {"target": TARGET, "dest": host}, with_password())
    assert took < deadline()
    assert b"NTLMSSP" not in ldap.received
    assert result.outcome == "skipped", result.summary
    assert "repadmin /showobjmeta" in result.summary


def test_rpc_port_config_does_not_connect_to_an_unverified_address(host, servers):
    smb = servers.tcp(host, 445, silent)
    result, took = timed("rpc_port_config", {"address": host}, with_password())
    assert took < deadline()
    assert smb.connections == 0
    assert result.outcome == "skipped", result.summary
    assert "reg query" in result.summary, result.summary


def test_after_identity_matched_the_registry_is_asked(host, servers):
    servers.udp(host, 137, node_status([b"DC2"]))
    smb = servers.tcp(host, 445, silent)
    session = with_password()
    who, _ = timed("identity", {"address": host, "expected": TARGET}, session)
    assert who.outcome == "match", who.summary
    asked_by_identity = smb.connections
    result, took = timed("rpc_port_config", {"address": host}, session)
    assert took < deadline()
    assert smb.connections > asked_by_identity  # now it may sign in
    assert result.outcome == "error", result.summary  # the recorder never answers


def test_identity_silent_is_not_a_licence(host, servers):
    ldap = servers.tcp(host, 389, silent)
    session = with_password()
    who, _ = timed("identity", {"address": host, "expected": TARGET}, session)
    assert who.outcome == "silent"
    result, took = timed("ntds_guid", {"address": host, "target": TARGET, "guid": GUID}, session)
    assert took < deadline()
    assert b"NTLMSSP" not in ldap.received
    assert result.outcome == "skipped" and "silent" in result.summary, result.summary


# case 7 (and the Kerberos half of case 6): KRB5CCNAME=FILE:/path is what kinit and klist write;
# impacket reads the raw variable, so the probe must hand it the plain path itself
def test_a_file_ticket_cache_is_read_and_kerberos_goes_to_the_intended_name(host, servers, tmp_path, monkeypatch):
    cache = tmp_path / "krb5cc_test"
    fake_ticket_cache(cache, f"ldap/{TARGET}@LAB.EXAMPLE")
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{cache}")
    ldap = servers.tcp(host, 389, silent)
    session = Session(timeout=TIMEOUT, credentials=Credentials("LAB\\Administrator", ccache=str(cache)))
    result, took = timed("ntds_guid", {"address": host, "target": TARGET, "guid": GUID}, session)
    assert took < deadline()
    assert b"GSS-SPNEGO" in ldap.received, result.summary  # a Kerberos bind was made from the cache
    assert b"NTLMSSP" not in ldap.received
    assert result.outcome == "error"  # the recorder never answers the bind


def fake_ticket_cache(path: os.PathLike, spn: str, user: str = "administrator@LAB.EXAMPLE") -> None:
    """A ccache holding one service ticket for `spn` (random bytes where the secrets would be)."""
    from impacket.krb5 import constants, types
    from impacket.krb5.asn1 import Ticket as TicketAsn1
    from impacket.krb5.ccache import CCache, CountedOctetString, Credential, Header, KeyBlockV4, Principal, Times
    from pyasn1.codec.der import encoder

    def principal(name: str, kind: constants.PrincipalNameType) -> Principal:
        made = Principal()
        made.fromPrincipal(types.Principal(name, type=kind.value))
        return made

    def octets(data: bytes) -> CountedOctetString:
        made = CountedOctetString()
        made["data"], made["length"] = data, len(data)
        return made

    cache, header, cred = CCache(), Header(), Credential()
    header["tag"], header["taglen"], header["tagdata"] = 1, 8, b"\xff\xff\xff\xff\x00\x00\x00\x00"
    cache.headers, cache.principal = [header], principal(user, constants.PrincipalNameType.NT_PRINCIPAL)
    cred["client"], cred["server"] = cache.principal, principal(spn, constants.PrincipalNameType.NT_SRV_INST)
    key, times, now = KeyBlockV4(), Times(), int(time.time())
    key["keytype"], key["keyvalue"], key["keylen"] = 18, os.urandom(32), 32
    times["authtime"] = times["starttime"] = now
    times["endtime"] = times["renew_till"] = now + 3600
    cred["key"], cred["time"], cred["is_skey"], cred["tktflags"], cred["num_address"] = key, times, 0, 0, 0
    ticket = types.Ticket()
    ticket.tkt_vno, ticket.realm = 5, "LAB.EXAMPLE"
    ticket.service_principal = types.Principal(spn.split("@")[0], type=constants.PrincipalNameType.NT_SRV_INST.value)
    ticket.encrypted_part = types.EncryptedData()
    ticket.encrypted_part.etype, ticket.encrypted_part.kvno, ticket.encrypted_part.ciphertext = 18, 1, os.urandom(64)
    cred.ticket, cred.secondTicket = octets(encoder.encode(ticket.to_asn1(TicketAsn1()))), octets(b"")
    cache.credentials.append(cred)
    cache.saveFile(str(path))
