"""The impacket internals wizard/probes relies on are where the probes expect them.

The probes bound impacket's I/O by reaching inside it (a transport subclass, a socket swapped under a
live connection, a module function replaced, a private counter reset). A new impacket release that
moves one of these would not fail loudly: the probe would lose its deadline, or read the wrong thing.
pyproject.toml bounds impacket to the releases tested; this test is what says which internal moved
when that bound is raised. Each row: the probe file that relies on it, what it relies on, a check.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import pytest
from impacket import nmb, smb3, smbconnection
from impacket.dcerpc.v5 import epm, rpcrt, rrp, scmr, transport
from impacket.krb5 import ccache, constants, kerberosv5
from impacket.krb5.asn1 import KRB_ERROR
from impacket.ldap import ldap, ldapasn1
from impacket.uuid import bin_to_string, uuidtup_to_bin

PORTMAP = "e1af8308-5d1f-11c9-91a4-08002b14a0fa"


def params(fn: Callable) -> list[str]:
    return list(inspect.signature(fn).parameters)


def calls(fn: Callable, text: str) -> bool:
    return text in inspect.getsource(fn)


INTERNALS: list[tuple[str, str, Callable[[], bool]]] = [
    # epm.py: BoundedTransport replaces TCPTransport's socket I/O; DCERPC_v5 must keep calling it so
    ("epm.py", "TCPTransport(remoteName, dstport) is subclassable",
     lambda: params(transport.TCPTransport.__init__)[:3] == ["self", "remoteName", "dstport"]),
    ("epm.py", "transport.send(data, forceWriteAndx, forceRecv)",
     lambda: params(transport.TCPTransport.send) == ["self", "data", "forceWriteAndx", "forceRecv"]),
    ("epm.py", "transport.recv(forceRecv, count)",
     lambda: params(transport.TCPTransport.recv) == ["self", "forceRecv", "count"]),
    ("epm.py", "DCERPC_v5 reads a bind answer with recv() and a response with recv(forceRecv, count=...)",
     lambda: calls(rpcrt.DCERPC_v5.bind, "self._transport.recv()")
     and calls(rpcrt.DCERPC_v5.recv, "self._transport.recv(forceRecv, count=")),
    ("epm.py", "get_dce_rpc(), getRemoteHost(), get_socket()",
     lambda: all(hasattr(transport.TCPTransport, m) for m in ("get_dce_rpc", "getRemoteHost", "get_socket"))),
    ("epm.py", "DCERPCException.get_error_code()", lambda: hasattr(rpcrt.DCERPCException, "get_error_code")),
    ("epm.py", "ept_lookup request fields and the lookup handle's isNull()",
     lambda: {"inquiry_type", "object", "Ifid", "vers_option", "entry_handle", "max_ents"}
     <= {name for name, _ in epm.ept_lookup.structure} and hasattr(epm.ept_lookup_handle_t(), "isNull")),
    ("epm.py", "ept_lookupResponse carries num_ents, entries and entry_handle",
     lambda: {"num_ents", "entries", "entry_handle"} <= {name for name, _ in epm.ept_lookupResponse.structure}),
    ("epm.py", "constants and helpers: MSRPC_UUID_PORTMAP, RPC_C_EP_ALL_ELTS, RPC_C_VERS_ALL, NULL, hept_map",
     lambda: all(hasattr(epm, n) for n in ("MSRPC_UUID_PORTMAP", "RPC_C_EP_ALL_ELTS", "RPC_C_VERS_ALL", "NULL",
                                            "hept_map"))),
    ("epm.py", "EPMTower(bytes)['Floors'] and PrintStringBinding(floors)",
     lambda: "Floors" in {name for name, _ in epm.EPMTower.structure} and callable(epm.PrintStringBinding)),
    ("epm.py", "the name tables KNOWN_PROTOCOLS (UUID text keys) and KNOWN_UUIDS (binary keys)",
     lambda: isinstance(epm.KNOWN_PROTOCOLS, dict) and isinstance(next(iter(epm.KNOWN_UUIDS)), bytes)),
    ("epm.py", "uuid helpers round-trip",
     lambda: bin_to_string(uuidtup_to_bin((PORTMAP, "3.0")))[:36].lower() == PORTMAP),
    # ldap.py: the connection's socket is swapped for a BoundedSocket after connecting
    ("ldap_connection.py", "LDAPConnection keeps its socket in self._socket and reads and writes through it",
     lambda: calls(ldap.LDAPConnection.__init__, "self._socket") and calls(ldap.LDAPConnection.send, "self._socket")
     and calls(ldap.LDAPConnection.recv_raw, "self._socket.recv")),
    ("ldap_connection.py", "LDAPConnection(url, baseDN, dstIp, signing)",
     lambda: {"url", "dstIp", "signing"} <= set(params(ldap.LDAPConnection.__init__))),
    ("ldap_connection.py", "search(searchBase, scope, searchFilter, attributes, searchControls)",
     lambda: {"searchBase", "scope", "searchFilter", "attributes", "searchControls"}
     <= set(params(ldap.LDAPConnection.search))),
    ("ldap_connection.py", "ldapasn1 SearchResultEntry, Control, LDAPOID, Scope",
     lambda: all(hasattr(ldapasn1, n) for n in ("SearchResultEntry", "Control", "LDAPOID", "Scope"))),
    # smb.py: an SMB2/3 client negotiating on a socket opened here
    ("smb.py", "NetBIOSTCPSession(..., timeout, sock=)",
     lambda: {"sock", "timeout", "sess_port"} <= set(params(nmb.NetBIOSTCPSession.__init__))),
    ("smb.py", "NetBIOS session reads through self._sock and reads errno of what it raised",
     lambda: calls(nmb.NetBIOSTCPSession.non_polling_read, "self._sock.recv")
     and calls(nmb.NetBIOSTCPSession.non_polling_read, "ex.errno")),
    ("smb.py", "SMB3(..., session=) and negotiateSession(preferredDialect, negSessionResponse)",
     lambda: "session" in params(smb3.SMB3.__init__)
     and params(smb3.SMB3.negotiateSession) == ["self", "preferredDialect", "negSessionResponse"]),
    ("smb.py", "SMB3 numbers messages from self._Connection['SequenceWindow']",
     lambda: calls(smb3.SMB3.__init__, "'SequenceWindow'") and calls(smb3.SMB3.sendSMB, "SequenceWindow")),
    ("smb.py", "SMBConnection(existingConnection=)",
     lambda: "existingConnection" in params(smbconnection.SMBConnection.__init__)),
    # registry.py, services.py: RPC over a named pipe of that SMB connection
    ("registry.py", "SMBTransport(smb_connection=)",
     lambda: "smb_connection" in params(transport.SMBTransport.__init__)),
    ("registry.py", "rrp helpers and KEY_READ",
     lambda: all(hasattr(rrp, n) for n in ("MSRPC_UUID_RRP", "hOpenLocalMachine", "hBaseRegOpenKey",
                                            "hBaseRegQueryValue", "hBaseRegEnumValue", "unpackValue", "KEY_READ",
                                            "DCERPCSessionError"))),
    ("services.py", "scmr helpers",
     lambda: all(hasattr(scmr, n) for n in ("MSRPC_UUID_SCMR", "hROpenSCManagerW", "hROpenServiceW",
                                             "hRQueryServiceStatus", "hRQueryServiceConfigW",
                                             "hRCloseServiceHandle", "DCERPCSessionError"))),
    # kerberos.py: every KDC exchange goes through the module-level sendReceive, which is replaced
    ("kerberos.py", "kerberosv5.sendReceive(data, host, kdcHost, port)",
     lambda: params(kerberosv5.sendReceive) == ["data", "host", "kdcHost", "port"]),
    ("kerberos.py", "getKerberosTGT and getKerberosTGS call the module's sendReceive (so replacing it bounds them)",
     lambda: calls(kerberosv5.getKerberosTGT, "sendReceive(") and calls(kerberosv5.getKerberosTGS, "sendReceive(")),
    ("kerberos.py", "KerberosError(packet=).getErrorCode(), KDC_ERR_PREAUTH_REQUIRED, KRB_ERROR",
     lambda: "packet" in params(kerberosv5.KerberosError.__init__) and hasattr(kerberosv5.KerberosError, "getErrorCode")
     and hasattr(constants.ErrorCodes, "KDC_ERR_PREAUTH_REQUIRED") and KRB_ERROR is not None),
    ("kerberos.py", "CCache.loadFile, getCredential(anySPN=), toTGT, toTGS",
     lambda: hasattr(ccache.CCache, "loadFile") and "anySPN" in params(ccache.CCache.getCredential)
     and all(hasattr(ccache.Credential, m) for m in ("toTGT", "toTGS"))),
    # signin.py: signing an LDAP or SMB connection in, by password or with tickets handed over
    ("signin.py", "login(user, password, domain) and kerberosLogin(..., kdcHost, TGT, TGS, useCache) on both",
     lambda: all({"kdcHost", "TGT", "TGS", "useCache"} <= set(params(cls.kerberosLogin))
                 and params(cls.login)[1:4] == ["user", "password", "domain"]
                 for cls in (ldap.LDAPConnection, smbconnection.SMBConnection))),
    # identity.py: node status with a timeout that impacket splits over its retries
    ("identity.py", "NetBIOS().getnodestatus(name, destaddr, ..., timeout)",
     lambda: {"nbname", "destaddr", "timeout"} <= set(params(nmb.NetBIOS.getnodestatus))),
]


@pytest.mark.parametrize("probe, internal, check", INTERNALS, ids=[f"{p}: {i}" for p, i, _ in INTERNALS])
def test_an_impacket_internal_the_probes_rely_on_is_still_there(probe, internal, check):
    try:
        there = check()
    except (AttributeError, TypeError, ValueError, KeyError, OSError) as exc:
        there, why = False, f"{type(exc).__name__}: {exc}"
    else:
        why = "the check came back false"
    assert there, (f"impacket {_version()} moved what wizard/probes/{probe} relies on: {internal} ({why}). "
                   f"Fix wizard/probes/{probe} for this release, or keep impacket within pyproject.toml's bound.")


def test_every_probe_module_that_imports_impacket_is_listed():
    """A probe module that starts using impacket gets its rows here."""
    from pathlib import Path

    probes = Path(__file__).resolve().parents[1] / "wizard" / "probes"
    users = {p.name for p in probes.glob("*.py") if re.search(r"^\s*(from|import) impacket", p.read_text(), re.M)}
    assert users <= {probe for probe, _, _ in INTERNALS}, users


def _version() -> str:
    from importlib.metadata import version

    return version("impacket")
