"""Whatever is pasted, parsing never raises and gives well-formed results."""

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.engine.catalog import CATALOG
from wizard.parsers import (
    answer_from_paste,
    decode_paste,
    evaluate_rpc_ports,
    parse_text,
)
from wizard.parsers.detect import PARSERS
from wizard.parsers.errorcodes import codes_in

# fragments of real outputs, so that the generated text reaches deep into the parsers
FRAGMENTS = ["Starting test: ", "Get-WmiObject : ", "+ CategoryInfo : InvalidOperation: (", ":String) [", "I_NetLogonControl failed: Status = ", "Trusted DC Name \\\\", "netdom resetpwd /server:", "RPC_OUT_DATA /rpc/rpcproxy.dll ", ":6001 443 ", "RPC Error: 6ba", "rpcping -t ncacn_http -s ", "Exception 1722 (0x000006BA)", "endpoint with identity: ", "DsBindWithSpnEx() failed with error ", "Printing RPC Extended Error Info:\n",
             "Unicode string: ", "._msdcs.", "==== INBOUND NEIGHBORS ====\n", " via RPC\n", "DSA object GUID: ",
             "Last attempt @ ", " failed, result ", " consecutive failure(s).\n", "Source DSA          largest delta",
             "NetpDoDomainJoin: status: ", "failed: 0x", "Event ID: ", "Error value:\n", "Log Name: ",
             "TCP port 135 (epmap service): ", "FILTERED", "UUID: e3514235-4b06-11d1-ab04-00c04fc2dcd2 ",
             "ncacn_ip_tcp:dc[", "]", "Server:  ", "Address:  ", "can't find ", "Non-existent domain",
             " <00>  UNIQUE      Registered\n", "DNS Servers . . . : ", "Start Port      : ",
             "Protocol tcp Dynamic Port Range\n",
             "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Rpc\\Internet\n", "    Ports    REG_MULTI_SZ    ",
             "Loc.USN   Originating DSA  Org.USN", "objectGUID: ", "\n", "\n\n", "\r\n", "> ", "```", "\t", " ", "1753",
             "0x6d9", "-2146893022", "4294967295", "99999999999", "\x00", "\ufeff", "ProtSeq:", "Bindings:\n",
             "03/30 16:19:28 ", "\tHostName: ", "NetpValidateName: checking to see if '", "' is valid as type 3 name",
             ", last error is 0x0", " returned 5", "[*] Retrieving endpoint list from ",
             "] LDAP bind failed with error ",
             "Ldap search capabality attribute search failed on server ", ",\nreturn value = ", "EventID            : ",
             "MachineName        : ", "EntryType          : Error\n", "04h:46m:38s", '        " DC01 ', '",\n']
pasteish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), pasteish))
def test_parse_text_never_raises(text):
    parsed = parse_text(text)
    d = parsed.to_dict()
    assert d["kind"] == (d["kinds"][0] if d["kinds"] else "unknown")
    assert all(isinstance(e, int) and e != 0 and -(2**31) <= e < 2**31 for e in d["errors"])
    assert all(g == g.lower() for g in d["guids"])


@settings(max_examples=200, deadline=None)
@given(pasteish)
def test_each_parser_never_raises(text):
    for parser in PARSERS:  # parse_text guards parsers; here a bug would show
        for found in parser.parse(text):
            assert isinstance(found.facts, dict)
    codes_in(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_never_raises(data):
    text = decode_paste(data)
    assert "\r" not in text and "\x00" not in text


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(CATALOG)), pasteish,
       st.dictionaries(st.sampled_from(["target", "guid", "forest", "host", "expected", "interface", "ports"]),
                       st.text(max_size=20), max_size=4))
def test_answer_never_raises(probe, text, context):
    result = answer_from_paste(probe, text, context)
    if result is not None:
        assert result[0] in CATALOG[probe].outcomes + ("error", "skipped")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.lists(st.text(max_size=12), max_size=5)),
       st.one_of(st.none(), st.text(max_size=3)), st.one_of(st.none(), st.text(max_size=3)))
def test_evaluate_rpc_ports_total(ports, available, use):
    outcome, why = evaluate_rpc_ports(ports, available, use)
    assert outcome in ("default", "valid", "too-small", "invalid") and why
