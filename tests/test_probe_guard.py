"""`run_probe` never raises: unknown probes, garbage params and crashing probes become `error` outcomes.

Real sockets go to 127.0.0.1 only; inputs that would need any other host are refused before I/O.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.engine.catalog import CATALOG
from wizard.engine.names import is_valid_address
from wizard.engine.results import ERROR, ProbeResult
from wizard.probes import run as probe_run
from wizard.probes.guard import one_line, run_guarded
from wizard.probes.run import run_probe
from wizard.probes.session import Session


@pytest.fixture
def session() -> Session:
    return Session(timeout=1.0)


class NetworkGuard:
    """Records (and blocks) any socket to somewhere other than loopback, and any name lookup.

    It raises OSError, like a network failure would, and the test checks the record: the probe
    safety net would otherwise turn an AssertionError into an ordinary `error` outcome."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[object] = []
        real_connect = socket.socket.connect

        def connect(sock, address):
            if address[0] not in ("127.0.0.1", "::1"):
                self.attempts.append(address)
                raise OSError("blocked by the test")
            return real_connect(sock, address)

        def lookup(*args, **kwargs):
            self.attempts.append(args[:2])
            raise socket.gaierror("blocked by the test")

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket, "getaddrinfo", lookup)


@pytest.fixture
def no_network(monkeypatch) -> Iterator[NetworkGuard]:
    guard = NetworkGuard(monkeypatch)
    yield guard
    assert guard.attempts == [], "a probe reached beyond loopback"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_error(result: ProbeResult, name: str) -> None:
    assert isinstance(result, ProbeResult)
    assert result.outcome == ERROR
    assert result.probe == name
    assert result.summary and len(result.summary.splitlines()) == 1


def test_unknown_probe_is_an_error_outcome(session):
    result = run_probe("no_such_probe", {"address": "127.0.0.1"}, session)
    assert_error(result, "no_such_probe")
    assert "no_such_probe" in result.summary


def test_a_hostile_unknown_name_stays_on_one_line(session):
    result = run_probe("x\ny & calc", {}, session)
    assert_error(result, "x\ny & calc")


@pytest.mark.parametrize("name,params,bad", [
    ("tcp_ports", {"address": "not an ip", "ports": "135"}, "address"),
    ("tcp_ports", {"address": 3232235777, "ports": "135"}, "address"),
    ("tcp_ports", {"address": ["127.0.0.1"], "ports": "135"}, "address"),
    ("epm_map", {"address": "dc2&calc"}, "address"),
    ("epm_lookup", {"address": "fe80::1%\"&calc"}, "address"),
    ("identity", {"address": "127.0.0.1", "expected": "dc2 | calc"}, "expected"),
    ("dns_host", {"host": "dc2..lab", "dns_servers": ["127.0.0.1"]}, "host"),
    ("dns_cname", {"guid": "not-a-guid", "forest": "lab.example", "dns_servers": ["127.0.0.1"]}, "guid"),
    ("dns_cname", {"guid": "5c4e6e1a-9b7f-4a51-8f5b-2d3c4e5f6a7b", "forest": "lab;example"}, "forest"),
    ("ntds_guid", {"address": "127.0.0.1", "target": "$(calc)", "guid": None}, "target"),
    ("ntds_lookup", {"target": "dc2.lab", "dest": "<dc1>"}, "dest"),
    ("rpc_port_config", {"address": "127.0.0.1; calc"}, "address"),
])
def test_garbage_host_params_are_refused_before_any_io(session, no_network, name, params, bad):
    result = run_probe(name, params, session)
    assert_error(result, name)
    assert result.summary.startswith(f"{name} was not run: {bad} ")
    assert result.elapsed_s == 0.0
    assert "calc" not in result.command or "[invalid:" in result.command  # the command stays quoted
    assert result.command.startswith(CATALOG[name].command.split(" ", 1)[0])


def test_garbage_ports_give_an_error_with_the_windows_command(session, no_network):
    result = run_probe("tcp_ports", {"address": "127.0.0.1", "ports": "abc"}, session)
    assert_error(result, "tcp_ports")
    assert result.command == "portqry -n 127.0.0.1 -o abc"  # harmless text is shown as given


def test_hostile_ports_never_reach_the_command(session, no_network):
    result = run_probe("tcp_ports", {"address": "127.0.0.1", "ports": "135&calc"}, session)
    assert_error(result, "tcp_ports")
    assert result.command == "portqry -n 127.0.0.1 -o [invalid:ports]"


def test_both_params_garbage(session, no_network):
    result = run_probe("tcp_ports", {"address": "not an ip", "ports": "abc"}, session)
    assert_error(result, "tcp_ports")
    assert result.command == "portqry -n [invalid:address] -o abc"


def test_missing_params_are_the_probes_to_report(session, no_network):
    result = run_probe("tcp_ports", {"address": None, "ports": None}, session)
    assert_error(result, "tcp_ports")
    assert result.command == "portqry -n [address] -o [ports]"
    assert run_probe("dns_cname", {"guid": None, "forest": None, "target": None}, session).outcome == "skipped"


def test_unknown_params_are_ignored(session, no_network):
    port = closed_port()
    result = run_probe("tcp_ports", {"address": "127.0.0.1", "ports": port, "colour": "blue"}, session)
    assert result.outcome == "not-listening"


def test_a_closed_port_on_loopback_is_not_listening(session):
    port = closed_port()
    result = run_probe("tcp_ports", {"address": "127.0.0.1", "ports": [port]}, session)
    assert result.outcome == "not-listening"
    assert result.evidence["ports"][str(port)]["state"] == "NOT LISTENING"
    assert result.command == f"portqry -n 127.0.0.1 -o {port}"
    assert result.elapsed_s > 0


def test_a_listening_port_on_loopback(session):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        port = server.getsockname()[1]
        result = run_probe("tcp_ports", {"address": "127.0.0.1", "ports": f"{port}"}, session)
    assert result.outcome == "listening"
    assert result.summary == f"127.0.0.1: TCP {port}: LISTENING."


@pytest.mark.parametrize("exc", [RuntimeError("boom\nsecond line"), OSError(113, "No route to host"),
                                 ValueError(""), KeyError("x"), ZeroDivisionError()])
def test_a_probe_that_raises_gives_an_error_outcome(session, monkeypatch, exc):
    def explode(session: Session, address: str | None = None) -> ProbeResult:
        raise exc

    monkeypatch.setitem(probe_run.PROBES, "epm_map", explode)
    result = run_probe("epm_map", {"address": "127.0.0.1", "interface": "ignored"}, session)
    assert_error(result, "epm_map")
    assert result.summary.startswith("epm_map: the answer could not be understood or the exchange failed ("
                                      + type(exc).__name__)
    assert "second line" not in result.summary
    assert result.evidence == {"error": one_line(exc)}
    assert result.command == "portqry -n 127.0.0.1 -e 135"


def test_a_probe_result_is_stamped_with_name_command_and_time(session, monkeypatch):
    def liar(session: Session, address: str | None = None) -> ProbeResult:
        return ProbeResult("someone_else", "registered", "fine", command="format c:")

    monkeypatch.setitem(probe_run.PROBES, "epm_map", liar)
    result = run_probe("epm_map", {"address": "127.0.0.1"}, session)
    assert (result.probe, result.outcome, result.command) == ("epm_map", "registered", "portqry -n 127.0.0.1 -e 135")


def test_run_guarded_one_line_for_any_message():
    result = run_guarded("x", "cmd", lambda: (_ for _ in ()).throw(RuntimeError("  \n\n  ")))
    assert result.outcome == ERROR
    assert result.summary == "x: the answer could not be understood or the exchange failed (RuntimeError)"


@pytest.mark.parametrize(("exc", "words"), [(TimeoutError("timed out"), "did not answer in time"),
                                            (ConnectionResetError(104, "reset"), "closed the connection")])
def test_run_guarded_says_what_a_timeout_or_reset_means(exc, words):
    def fail():
        raise exc

    result = run_guarded("epm_map", "cmd", fail)
    assert result.outcome == ERROR and words in result.summary
    assert result.evidence == {"error": one_line(exc)}  # the technical line is kept for the ticket


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=30), st.integers(), st.lists(st.text(max_size=5), max_size=2)))
def test_an_address_is_either_refused_before_io_or_a_real_address(address):
    with pytest.MonkeyPatch.context() as monkeypatch:
        guard = NetworkGuard(monkeypatch)
        for name in ("tcp_ports", "epm_map", "identity", "rpc_port_config"):
            if isinstance(address, str) and is_valid_address(address.strip()):
                continue  # a real address would be probed: not for a unit test
            result = run_probe(name, {"address": address, "ports": "9", "expected": "dc2"}, Session(timeout=0.5))
            assert result.outcome in (ERROR, "skipped")
            assert len(result.summary.splitlines()) == 1
        assert guard.attempts == []


# --- the deadline of one call and what a result may keep (issue 11; servers in tests/hostile) -------------

def test_each_call_gets_its_own_deadline_and_shares_the_caches():
    from wizard.probes.budget import DEADLINE_FACTOR

    session = Session(timeout=0.2)
    first, second = session.for_call(), session.for_call()
    assert first.budget is not second.budget and session.budget.remaining() == float("inf")
    assert first.budget.seconds == pytest.approx(0.2 * DEADLINE_FACTOR)
    first.record_identity("127.0.0.1", "DC2.lab.example.", "match")
    assert session.is_verified("127.0.0.1", "dc2.lab.example") and second.host_at("127.0.0.1") == "dc2.lab.example"


def test_a_spent_budget_refuses_the_next_wait_with_its_reason():
    from wizard.probes.budget import Budget, CutShort

    budget = Budget(0.0)
    with pytest.raises(CutShort, match="0 s limit"):
        budget.wait(1.0)
    with pytest.raises(CutShort, match="0 s limit"):
        budget.check()  # between pieces of work that wait for nothing (decoding): the same deadline
    Budget(10.0).check()  # time left: nothing to say
    budget = Budget(10.0, max_bytes=2**20)
    with pytest.raises(CutShort, match="more than 1 MB"):
        budget.took(2**20 + 1)
    result = run_guarded("epm_map", "cmd", lambda: (_ for _ in ()).throw(OSError("wrapped by a library")), budget)
    assert result.summary == "epm_map: the server sent more than 1 MB for one check; stopped there"


def test_what_a_result_keeps_is_cleaned_and_capped():
    from wizard.probes.guard import EVIDENCE_ITEMS_LIMIT, EVIDENCE_TEXT_LIMIT

    def noisy(session: Session, address: str | None = None) -> ProbeResult:
        return ProbeResult("epm_map", "registered", "name \x1b[2J\nsecond", {
            "names": ["DC2\x1b]0;x\x07", *["x"] * 5000], "blob": "\x9b" + "A" * 10**6, "pair": ("a\x00", 1),
            "big": 10**5000}, {"all": list(range(5000))})

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setitem(probe_run.PROBES, "epm_map", noisy)
        result = run_probe("epm_map", {"address": "127.0.0.1"}, Session(timeout=1.0))
    assert result.summary == "name [2J second"
    assert result.evidence["names"][0] == "DC2]0;x" and len(result.evidence["names"]) == EVIDENCE_ITEMS_LIMIT
    assert len(result.evidence["blob"]) == EVIDENCE_TEXT_LIMIT and result.evidence["pair"] == ("a", 1)
    assert isinstance(result.evidence["big"], str)
    assert len(result.facts["all"]) == 5000  # later probes need every fact; the probe caps them itself
