"""Fixtures of the hostile-server tests: root only, loopback only, a fake system resolver, a fresh
loopback address per test and the servers it starts (closed when it ends). The servers themselves
are in hostile_servers.py."""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import Callable, Iterator

import dns.rcode
import dns.resolver
import pytest
from hostile_servers import SYSTEM_DNS, Servers, UdpServer, dns_reply, is_loopback


@pytest.fixture(autouse=True)
def _root_only() -> None:
    if os.geteuid() != 0:
        pytest.skip("the hostile servers bind the probes' fixed ports (53, 135, 137, 389, 445): needs root")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch) -> Iterator[list]:
    """Any connect, datagram or name lookup beyond loopback is refused and fails the test."""
    attempts: list[object] = []
    real = {name: getattr(socket.socket, name) for name in ("connect", "connect_ex", "sendto")}
    real_lookup = socket.getaddrinfo

    def guarded(name: str) -> Callable:
        def method(sock, *args):
            address = args[-1]
            if isinstance(address, tuple) and not is_loopback(address[0]):
                attempts.append((name, address))
                raise OSError("blocked by the test: not loopback")
            return real[name](sock, *args)
        return method

    def lookup(host, *args, **kwargs):
        if host is not None and not is_loopback(host):
            attempts.append(("getaddrinfo", host))
            raise socket.gaierror("blocked by the test: not loopback")
        return real_lookup(host, *args, **kwargs)

    for name in real:
        monkeypatch.setattr(socket.socket, name, guarded(name))
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    yield attempts
    assert attempts == [], f"a probe reached beyond loopback: {attempts}"


@pytest.fixture(autouse=True)
def system_resolver(monkeypatch) -> None:
    """dnspython's view of resolv.conf: the loopback NXDOMAIN server, never the machine's own."""
    def read_resolv_conf(resolver, _file) -> None:
        resolver.nameservers = [SYSTEM_DNS]
    monkeypatch.setattr(dns.resolver.Resolver, "read_resolv_conf", read_resolv_conf)


_ADDRESSES = itertools.count()


@pytest.fixture
def host() -> str:
    """A loopback address of this test's own: its ports start free and end closed."""
    return f"127.0.0.{101 + next(_ADDRESSES) % 150}"


@pytest.fixture
def servers() -> Iterator[Servers]:
    made = Servers()
    yield made
    made.close()


@pytest.fixture(scope="session", autouse=True)
def _system_dns_server() -> Iterator[None]:
    """The stand-in for this machine's resolver: it knows nothing (NXDOMAIN to every question)."""
    if os.geteuid() != 0:
        yield
        return
    server = UdpServer(SYSTEM_DNS, 53, lambda data: dns_reply(data, rcode=dns.rcode.NXDOMAIN))
    yield
    server.close()


