import pytest

from wizard.parsers.errorcodes import codes_in, describe, to_int


@pytest.mark.parametrize("text, value", [
    ("1753", 1753), ("0x6d9", 1753), ("0x6D9", 1753), ("0x6ba", 1722), ("0x80090322", -2146893022),
    ("-2146893022", -2146893022), ("2148074274", -2146893022), ("0x800706BA", 1722), ("0x16C9A0D6", 1753),
    ("0xffffffff", -1), ("99999999999", None), ("0x1g", None), ("", None),
])
def test_every_form_of_a_code(text, value):
    assert to_int(text) == value


@pytest.mark.parametrize("text, codes", [
    ("DsBindWithSpnEx() failed with error 1753,", [1753]),
    ("Last attempt @ 2024-05-14 09:02:17 failed, result -2146893022 (0x80090322):", [-2146893022]),
    ("NetpGetComputerObjectDn failed: 0x6d9", [1753]),
    ("The replication generated an error (1753):", [1753]),
    ("Error value:\n1753 There are", [1753]),
    ("Exception from HRESULT: 0x800706BA", [1722]),
    ("the error code is 87 (0x57) ERROR_INVALID_PARAMETER", [87]),
    ("MTA: NT Error: 1720. [ncacn_ip_tcp BASE IL MAIN BASE 1 504]", [1720]),
    ("EPM:Response: ept_map: 0x16C9A0D6 - EP_S_NOT_REGISTERED", [1753]),
    ("RPC_S_SERVER_UNAVAILABLE", [1722]),
    ("SEC_E_WRONG_PRINCIPAL", [-2146893022]),
    ("RPC_S_CANNOT_SUPPORT", [1764]),
    ("The RPC server is\nunavailable.", [1722]),
    ("The target principal name is incorrect.", [-2146893022]),
    ("There are no more endpoints available from the endpoint mapper.", [1753]),
])
def test_failures_are_found(text, codes):
    assert codes_in(text) == codes


@pytest.mark.parametrize("text", [
    "NetpGetLsaPrimaryDomain: status: 0x0", "ldap_unbind status: 0x0", "Event ID: 1925",
    "TCP port 135 (epmap service): LISTENING", "Error Record 1, ProcessID is 700 (DcDiag)", "Long val: -481213899",
    "Unicode string: 1025", "Detection location is 500", "  20711   Default-First-Site-Name\\DC2  12821 2022-03-02",
    "portqry.exe -n dc1 -e 135 -p TCP exits with return code 0x00000002.", "3 failures have occurred since",
    "NetpLsaOpenSecret: status: 0xc0000034", "The failure occurred at 2024-05-14 09:02:17.", "line 42: error at 10:22",
    "NetpDsGetDcName: trying to find DC in domain 'CONTOSO.COM', flags: 0x40001010",
])
def test_statuses_ports_ids_and_usns_are_not_failures(text):
    assert codes_in(text) == []


def test_describe_names_known_codes():
    assert describe(-2146893022) == ("-2146893022 (0x80090322, SEC_E_WRONG_PRINCIPAL: "
                                     "The target principal name is incorrect.)")
    assert describe(4242) == "4242 (0x1092)"
