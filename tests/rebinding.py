"""DNS rebinding played on loopback only, for the feed, webhook and sign-in tests.

Two real HTTP servers listen on the same port: one at ``PUBLIC`` (127.0.0.2), which ``policy`` treats as
a public address, and one at ``INTERNAL`` (127.0.0.1), standing for the internal network, which it
refuses. A ``ScriptedResolver`` answers a host name with one list of addresses after another, as a
rebinding name server would. Every real connection a test can make goes to 127.0.0.0/8; a request seen
by the internal server is a connection to an address that was not checked.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from pytest_httpserver import HTTPServer

from directory.outbound import AddressPolicy

PUBLIC = "127.0.0.2"
INTERNAL = "127.0.0.1"


class ScriptedResolver:
    """Answers ``host`` with each of ``answers`` in turn, the last one from then on; an IP literal
    resolves to itself; any other name does not resolve. ``asked`` counts the questions about ``host``."""

    def __init__(self, host: str, *answers: list[str]) -> None:
        self.host, self.answers, self.asked = host, list(answers), 0

    def answer(self, *answers: list[str]) -> None:
        """From now on, answer with ``answers`` as if asked for the first time."""
        self.answers, self.asked = list(answers), 0

    def __call__(self, host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        if host != self.host:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in this test's name server")
        answer = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        return answer


def policy(resolver: ScriptedResolver) -> AddressPolicy:
    """Private addresses refused, except that ``PUBLIC`` passes for a public one."""
    return AddressPolicy(allow_private=False, resolver=resolver, permits=lambda address: address == PUBLIC)


@dataclass
class Twins:
    public: HTTPServer
    internal: HTTPServer

    @property
    def port(self) -> int:
        return self.public.port

    def reset(self) -> Twins:
        """As if just started: no handlers at the public server, no requests seen at either."""
        self.public.clear()
        self.internal.clear_log()
        return self


@contextmanager
def twin_servers(**options) -> Iterator[Twins]:
    """An ``HTTPServer`` at ``PUBLIC`` and one at ``INTERNAL`` on the same port (``options``: e.g.
    ``ssl_context``); the internal one answers everything it gets, so nothing there fails by accident."""
    for _ in range(20):
        public = HTTPServer(host=PUBLIC, port=0, **options)
        public.start()
        internal = HTTPServer(host=INTERNAL, port=public.port, **options)
        try:
            internal.start()
        # werkzeug answers a taken port with SystemExit (after printing why), not the OSError.
        except (OSError, SystemExit):  # that port is taken on 127.0.0.1: try another pair
            public.stop()
            continue
        internal.expect_request(re.compile(".*")).respond_with_data(b"internal data")
        try:
            yield Twins(public, internal)
        finally:
            public.stop()
            internal.stop()
        return
    raise RuntimeError("no port free on both 127.0.0.1 and 127.0.0.2")


@pytest.fixture(scope="module")
def twin_pair():
    with twin_servers() as servers:  # started once: stopping a server takes half a second
        yield servers


@pytest.fixture
def twins(twin_pair):
    return twin_pair.reset()
