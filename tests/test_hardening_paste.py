"""Issue 11, case 3: a big paste of ordinary lines is read in seconds, not minutes.

The error-code reader once compared every code with every "benign" span (quadratic): 736 KB took 31 s.
The commands run as processes with a deadline, so a regression fails here at the deadline instead of
holding the suite for the quarter of an hour the old code would take. An upper bound, not a benchmark.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from machine_speed import slack

from wizard.parsers.errorcodes import codes_in

LINES = "NetpLsaOpenSecret: status: 0xc0000034\nerror 5\n"  # netsetup-like: one benign status, one failure
SIZE = 2 * 1000 * 1000
# the linear reader needs well under a second for this size on an idle machine; the old one minutes
DEADLINE_S = slack(10)


@pytest.fixture(scope="module")
def big_paste(tmp_path_factory):
    path = tmp_path_factory.mktemp("paste") / "netsetup.log"
    path.write_text(LINES * (SIZE // len(LINES)))
    return path


def rpc_wizard(*argv: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, "-m", "wizard", *argv], capture_output=True, text=True,
                              timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        pass
    pytest.fail(f"rpc-wizard {argv[0]} of a 2 MB paste took over {DEADLINE_S} s", pytrace=False)


def test_parse_of_a_big_paste_is_quick(big_paste):
    done = rpc_wizard("parse", str(big_paste), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["errors"] == [5]


def test_diagnose_log_of_a_big_paste_is_quick(big_paste):
    done = rpc_wizard("diagnose", "--log", str(big_paste), "--symptom", "domain-join-0x6d9",
                      "--target", "dc1.contoso.com", "--answer", "host=not-found", "--format", "json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["root_cause"]["id"] == "name-resolution-failure"


@pytest.mark.parametrize("text,codes", [
    (LINES * 3, [5]),
    ("NetpLsaOpenSecret: status: 0xc0000034\n" * 3, []),
    ("error 87\nNetpLsaOpenSecret: status: 0xc0000034\nstatus: 0x6d9\n", [87, 1753]),
    ("NetpLsaOpenSecret: status: 0xc0000034 error 5", [5]),  # a code after the benign span still counts
])
def test_benign_spans_hide_only_their_own_status(text, codes):
    assert codes_in(text) == codes
