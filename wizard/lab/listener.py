"""A plain TCP listener for EXCH1: accepts on one port and closes each connection after a moment.

Run as `python -m wizard.lab.listener PORT ADDRESS [LAB-DIR]` inside EXCH1's namespace. It stands in for
Exchange's RPC over HTTP ports, where a probe only needs to see whether something listens. LAB-DIR is
not read: it marks whose lab the process belongs to.
"""

from __future__ import annotations

import socket
import sys
import threading


def _hold(conn: socket.socket) -> None:
    with conn:
        conn.settimeout(5)
        try:
            conn.recv(1024)
        except OSError:
            pass


def serve(address: str, port: int) -> None:
    with socket.create_server((address, port), backlog=16) as server:
        while True:
            conn, _ = server.accept()
            threading.Thread(target=_hold, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    serve(sys.argv[2], int(sys.argv[1]))
