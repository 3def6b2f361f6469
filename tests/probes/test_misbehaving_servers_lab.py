"""Servers that answer badly: garbage bytes, or a connection that is accepted and then silent.

The servers listen on the client's own lab address inside the client namespace (the `lab` fixture
puts this process there), so no packet leaves the lab.
"""

from __future__ import annotations

import os
import socket
import threading

import pytest
from machine_speed import busy_timeout, slack

from wizard.probes.budget import DEADLINE_FACTOR
from wizard.probes.run import run_probe
from wizard.probes.session import Session

pytestmark = pytest.mark.lab

TIMEOUT = busy_timeout(1.0)
PORTS = (135, 389, 445)


class Server:
    """Accepts on PORTS; answers every connection with `reply` (None: says nothing, holds it open)."""

    def __init__(self, address: str, reply: bytes | None):
        self.reply, self.stop, self.socks, self.held, self.threads = reply, threading.Event(), [], [], []
        for port in PORTS:
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((address, port))
            sock.listen(8)
            sock.settimeout(0.2)
            self.socks.append(sock)
            self.threads.append(threading.Thread(target=self._serve, args=(sock,), daemon=True))
            self.threads[-1].start()

    def _serve(self, sock: socket.socket) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            self.held.append(conn)
            if self.reply is not None:
                try:
                    conn.sendall(self.reply)
                    conn.close()
                except OSError:
                    pass

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:  # out of accept() before the port is closed, so the next bind succeeds
            thread.join()
        for s in self.socks + self.held:
            s.close()


@pytest.fixture(params=[os.urandom(512), b"HTTP/1.0 400 Bad Request\r\n\r\n", None],
                ids=["random-bytes", "http", "silent"])
def bad_server(lab, request):
    server = Server(lab.client_address, request.param)
    yield lab.client_address
    server.close()


@pytest.mark.parametrize(("probe", "extra"), [("epm_map", {}), ("epm_lookup", {}),
                                              ("identity", {"expected": "dc2.lab.example"}),
                                              ("ntds_guid", {"target": "dc2.lab.example",
                                                             "guid": "fce1077c-e7b3-4991-a528-d17d91d86050"})])
def test_a_bad_reply_is_an_outcome_within_the_timeout(bad_server, probe, extra):
    result = run_probe(probe, {"address": bad_server, **extra}, Session(timeout=TIMEOUT))
    assert result.outcome in ("error", "silent", "skipped")
    assert "\n" not in result.summary and "Traceback" not in result.summary
    assert result.command
    assert result.elapsed_s < TIMEOUT * DEADLINE_FACTOR + slack(1.0)  # the promise: within three timeouts
