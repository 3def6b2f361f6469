import pytest

from wizard.parsers import evaluate_rpc_ports


@pytest.mark.parametrize("ports, available, use, outcome", [
    (None, None, None, "default"),
    (["5000-5100"], "Y", "Y", "valid"),  # 101 ports
    (["5000-5098"], "y", "y", "too-small"),  # 99 ports; Y/N are not case-sensitive
    (["5000-5049", "5025-5074"], "Y", "Y", "too-small"),  # overlaps count once: 75
    (["5000-6000"], "N", "Y", "valid"),  # listed ports are excluded: 64535 remain
    (["0-65500"], "N", "Y", "too-small"),  # 35 remain
    (["5000-5010"], "N", "N", "too-small"),  # both N: processes get the listed (intranet) ports
    (["5000-70000"], "Y", "Y", "invalid"),
    (["5984", "abc"], "Y", "Y", "invalid"),
    (["5100-5000"], "Y", "Y", "invalid"),
    (["5000\u20135100"], "Y", "Y", "invalid"),  # an en dash copied from a web page
    (["5000-5100"], "maybe", "Y", "invalid"),
    (["5000-5100"], None, "Y", "invalid"),
    (None, "Y", "Y", "invalid"),
])
def test_document_003_rules(ports, available, use, outcome):
    result, why = evaluate_rpc_ports(ports, available, use)
    assert result == outcome and why and "\n" not in why
