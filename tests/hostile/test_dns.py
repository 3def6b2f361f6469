"""DNS servers on loopback that answer with CNAME loops, 500 records, truncation or wrong query ids
(issue 11, cases 1, 4 and 9). Answers are built with dnspython; every server is 127.0.0.N:53.

The system resolver points at a loopback server that answers NXDOMAIN (conftest.py), so a named
server that never answers usefully is the interesting case: "no record" must not be claimed for it.
"""

from __future__ import annotations

from hostile_checks import assert_printable, json_size, timed
from hostile_servers import deadline, dns_over_tcp, dns_reply, question, silent

TARGET = "dc2.lab.example"


def records(query: bytes) -> list:
    name, rdtype = question(query)
    if rdtype == "A":
        return [(name, "A", [f"10.0.{n // 250}.{n % 250 + 1}" for n in range(500)])]
    return []


# case 9: a server that answers with the wrong query id has not answered; no "has no A/AAAA record"
def test_wrong_query_ids_are_no_answer_not_a_missing_record(host, servers):
    servers.udp(host, 53, lambda q: dns_reply(q, answers=records(q)[:1], wrong_id=True))
    result, took = timed("dns_host", {"host": TARGET, "dns_servers": [host]})
    assert took < deadline(), f"took {took:.1f} s"
    assert result.outcome == "error", result.summary
    assert "has no A/AAAA record" not in result.summary
    assert host in result.summary and "did not answer" in result.summary, result.summary


def test_a_silent_named_server_is_no_answer_either(host, servers):
    servers.udp(host, 53, lambda q: None)
    result, took = timed("dns_host", {"host": TARGET, "dns_servers": [host]})
    assert took < deadline()
    assert result.outcome == "error"
    assert "has no A/AAAA record" not in result.summary


def test_every_server_saying_nxdomain_is_not_found(host, servers):
    from dns.rcode import NXDOMAIN

    servers.udp(host, 53, lambda q: dns_reply(q, rcode=NXDOMAIN))
    result, took = timed("dns_host", {"host": TARGET, "dns_servers": [host]})
    assert took < deadline()
    assert result.outcome == "not-found", result.summary


def test_a_cname_loop_ends_within_the_deadline(host, servers):
    loop = [(f"{TARGET}.", "CNAME", ["loop.lab.example."]), ("loop.lab.example.", "CNAME", [f"{TARGET}."])]
    servers.udp(host, 53, lambda q: dns_reply(q, answers=loop))
    result, took = timed("dns_host", {"host": TARGET, "dns_servers": [host]})
    assert took < deadline()
    assert result.outcome in ("error", "not-found"), result.summary
    guid = "5c4e6e1a-9b7f-4a51-8f5b-2d3c4e5f6a7b"
    alias = [(f"{guid}._msdcs.lab.example.", "CNAME", [f"{guid}._msdcs.lab.example."])]
    servers.all[-1].handler = lambda q: dns_reply(q, answers=alias)
    result, took = timed("dns_cname", {"guid": guid, "forest": "lab.example", "target": TARGET,
                                       "dns_servers": [host]})
    assert took < deadline()
    assert result.outcome == "other-host", result.summary


# 500 records: the evidence keeps a bounded number, and says how many there were
def test_five_hundred_records_are_capped(host, servers):
    servers.udp(host, 53, lambda q: dns_reply(q, answers=records(q)))
    result, took = timed("dns_host", {"host": TARGET, "dns_servers": [host]})
    assert took < deadline()
    assert result.outcome == "resolved", result.summary
    assert len(result.facts["addresses"]) <= 50
    assert result.evidence["servers"][host]["A"]["answers_total"] == 500
    assert_printable(result)
    assert json_size(result) < 20_000, json_size(result)


def test_truncated_answers_are_asked_again_over_tcp(host, servers):
    servers.udp(host, 53, lambda q: dns_reply(q, answers=records(q)[:1], truncated=True))
    servers.tcp(host, 53, dns_over_tcp(lambda q: dns_reply(q, answers=[(TARGET + ".", "A", ["10.9.9.9"])]
                                                       if question(q)[1] == "A" else None)))
    result, took = timed("dns_host", {"host": TARGET, "dns_servers": [host]})
    assert took < deadline()
    assert result.outcome == "resolved", result.summary
    assert result.facts["address"] == "10.9.9.9"


def test_truncated_answers_and_a_silent_tcp_server(host, servers):
    servers.udp(host, 53, lambda q: dns_reply(q, answers=records(q)[:1], truncated=True))
    servers.tcp(host, 53, silent)
    result, took = timed("dns_host", {"host": TARGET, "dns_servers": [host]})
    assert took < deadline()
    assert result.outcome == "error", result.summary
    assert "has no A/AAAA record" not in result.summary


# a HOSTS file copied from the DC with a FIFO (or a device) named lmhosts beside it: opening it the
# usual way waits for a writer for ever, so the probe runs in a thread the test can give up on
def test_an_lmhosts_fifo_beside_the_hosts_file_does_not_hold_the_probe(host, servers, tmp_path):
    import os
    import threading

    from dns.rcode import NXDOMAIN

    servers.udp(host, 53, lambda q: dns_reply(q, rcode=NXDOMAIN))
    hosts = tmp_path / "hosts"
    hosts.write_text("10.1.1.1 dc2.lab.example\n")
    os.mkfifo(tmp_path / "lmhosts")
    done: list = []
    worker = threading.Thread(target=lambda: done.append(timed(
        "dns_host", {"host": TARGET, "dns_servers": [host], "hosts_file": str(hosts)})), daemon=True)
    worker.start()
    worker.join(deadline())
    if worker.is_alive():  # free the thread: a writer lets the blocked open return
        with open(tmp_path / "lmhosts", "w"):
            pass
    assert done, "dns_host was still waiting on the lmhosts FIFO"
    result, took = done[0]
    assert took < deadline()
    assert result.outcome == "resolved" and result.facts["address"] == "10.1.1.1", result.summary
