"""The path to the server, one segment for every tree (flows/segments/server-path.yaml), diagnosed on the lab:
each tree that names a server, under each name-chain fault that fits it, ends on the cause the 1753 tree
gives (or the variant its tree documents), quoting that cause's document as flows/causes.yaml does (word for
word: `rpc-wizard flows check`, tests/test_flows.py).

Each fault is applied once and every tree runs under it (a module-scoped fixture, grouped by pytest); the
diagnoses run with a 2 s timeout (tests/diagnose/test_diagnose_lab.py), so dropped packets cost little.
"""

from __future__ import annotations

import pytest

from tests.diagnose.test_diagnose_lab import cited, diagnose
from wizard.engine import load_flows

pytestmark = pytest.mark.lab

FLOWS = load_flows()
REPL, JOIN, RPC, EXCH = "ad-replication-1753", "domain-join-0x6d9", "rpc-unavailable-1722", "exchange-rpc-http-1722"
PRINCIPAL, CREATE, CONFIG = "target-principal-2146893022", "endpoint-create-1720", "rpc-port-config-87"

# tree -> the lab host each flag names. DC2 is the server every name-chain fault breaks, so it is the server
# of every tree; for Exchange it stands in for the mailbox server (the name chain does not care what the
# server runs, and the fixed ports come only after it).
SETUPS = {
    REPL: {"--target": "DC2", "--dest": "DC1"},
    PRINCIPAL: {"--target": "DC2", "--dest": "DC1"},
    JOIN: {"--target": "DC2"},
    RPC: {"--target": "DC2", "--dest": "DC1"},
    EXCH: {"--target": "DC2"},
    CREATE: {"--target": "DC2"},
    CONFIG: {"--target": "DC2"},
}
ALL = tuple(SETUPS)
GUID_TREES = (REPL, PRINCIPAL)  # a destination DC: the GUID it uses and its _msdcs alias
EPM_TREES = (REPL, PRINCIPAL, JOIN, RPC)  # the endpoint mapper and the dynamic port of the segment
IMPOSTOR_TREES = EPM_TREES  # they ask whether the other computer runs their interface

INCONCLUSIVE = None  # no cause: the walk says what to compare by hand


def _cases() -> list[tuple[str, str, bool, str | None]]:
    """(fault, tree, with an account, the cause expected) for every fault that fits a tree."""
    cases = []
    for tree in ALL:
        cases += [("stale-a-record", tree, True, "stale-dns-record"),  # the A record names MEMBER1
                  ("hosts-entry", tree, True, "stale-hosts-entry"),
                  ("no-dns-record", tree, True, "name-resolution-failure"),
                  # another DC answers: the trees that ask for their interface there see it registered; the
                  # others (no endpoint mapper link) name the record that leads to it
                  ("a-record-other-dc", tree, True, "wrong-principal" if tree in IMPOSTOR_TREES
                   else "stale-dns-record")]
    for tree in EPM_TREES + (CREATE,):  # 1720 asks the endpoint mapper in a node of its own (transports)
        cases += [("epm-blocked", tree, True, "epm-unreachable"), ("epm-refused", tree, True, "epm-unreachable")]
    cases += [("dynamic-blocked", tree, True, "dynamic-ports-blocked") for tree in EPM_TREES]
    for tree in GUID_TREES:
        # with an account the destination's GUID is read: DC2's own, whose alias is gone or names DC1
        cases += [("stale-cname", tree, True, "name-resolution-failure"),
                  ("cname-other-dc", tree, True, "msdcs-alias-wrong")]
        # without one nothing can be compared: 1753 goes on and finds the rest healthy; -2146893022, whose
        # likeliest cause is that alias, ends inconclusive - both say how to compare by hand
        unchecked = "no-fault-found" if tree == REPL else INCONCLUSIVE
        cases += [("stale-cname", tree, False, unchecked), ("cname-other-dc", tree, False, unchecked)]
    return sorted(cases, key=lambda c: c[0])  # grouped by fault: each is applied once


CASES = _cases()


@pytest.fixture(scope="module")
def lab_fault(lab, request):
    """The fault of this group of tests, applied once for all of them; healed after the last."""
    import wizard.lab as lab_api

    lab_api.apply_fault(request.param)
    yield request.param
    lab_api.heal()


def run(lab, tree: str, creds: bool) -> tuple[int, dict]:
    flags = [x for flag, host in SETUPS[tree].items() for x in (flag, lab.hosts[host].fqdn)]
    return diagnose(lab, *flags, creds=creds, symptom=tree, target=False)


@pytest.mark.parametrize(("lab_fault", "tree", "creds", "cause"), CASES, indirect=["lab_fault"], scope="module",
                         ids=[f"{f}-{t}-{'account' if c else 'no-account'}" for f, t, c, _ in CASES])
def test_each_tree_reaches_the_cause_of_each_name_chain_fault(lab, lab_fault, tree, creds, cause):
    code, report = run(lab, tree, creds)
    steps = [(s["node"], s["outcome"]) for s in report["steps"]]
    if cause is INCONCLUSIVE:
        assert (code, report["root_cause"]) == (2, None), steps
        assert "repadmin /showrepl" in report["inconclusive"] and "_msdcs" in report["inconclusive"]
    else:
        assert (code, cited(report)) == (0 if cause == "no-fault-found" else 1, cause), steps
        quotes = [c["quote"] for c in report["root_cause"]["citations"]]
        assert quotes == [c.quote for c in FLOWS.causes[cause].citations]  # verified word for word by flows check
    if not creds and tree in GUID_TREES:
        first = report["steps"][0]
        assert (first["node"], first["outcome"]) == ("dest-guid", "skipped")
        assert "Not compared" in first["summary"] and "repadmin /showrepl" in first["summary"]


def test_every_tree_that_names_a_server_is_in_the_matrix():
    entering = {sid for sid, flow in FLOWS.flows.items() if flow.entry and flow.entry.segment == "server-path"}
    assert entering == set(SETUPS) == {tree for _, tree, _, _ in CASES}
