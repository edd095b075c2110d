"""The feed fetcher against real HTTP servers on local ports.

pytest-httpserver plays the well-behaved server; ``RawServer`` below plays the ones that misbehave at the
socket level (stalls, cut-off bodies, endless bodies), which a WSGI server will not do on request.
Waits between retries go to a list, not to the clock, and the whole-body limit is measured on a clock
the test moves: no test sleeps for real or asserts on elapsed time (read timeouts are the socket's own).
"""

from __future__ import annotations

import gzip
import itertools
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from pytest_httpserver import HTTPServer

from directory.errors import FetchError
from directory.settings import Settings
from harvester import fetch
from harvester.fetch import FetchOptions
from tests.rebinding import INTERNAL, PUBLIC, ScriptedResolver, policy

# Local servers are on loopback, so every test that really fetches allows private addresses.
FAST = FetchOptions(allow_private=True, retries=2, backoff=0.01, connect_timeout=2.0, read_timeout=2.0)
FEED = b'{"provider": {"id": "uni-x"}, "courses": []}'


def fetch_feed(url: str, *, waits: list[float] | None = None, **kwargs) -> fetch.FetchResult:
    """``harvester.fetch.fetch_feed`` with its waits between tries noted in ``waits``, never slept."""
    return fetch.fetch_feed(url, sleep=(waits if waits is not None else []).append, **kwargs)


def ticking_clock(step: float) -> Callable[[], float]:
    """A clock that moves on ``step`` seconds each time it is read."""
    ticks = itertools.count()
    return lambda: next(ticks) * step


class RawServer:
    """A TCP server on 127.0.0.1 that reads one request head per connection, records it, and hands the
    socket to ``answer(conn, stopping)`` to write whatever bytes the test needs."""

    def __init__(self, answer: Callable[[socket.socket, threading.Event], None]) -> None:
        self.answer = answer
        self.requests: list[bytes] = []
        self.stopping = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.threads: list[threading.Thread] = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def url(self, path: str = "/feed") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.stopping.set()
        self.acceptor.join(timeout=2)
        for thread in self.threads:
            thread.join(timeout=2)
        self.listener.close()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                data = conn.recv(4096)
                if not data:
                    return
                head += data
            self.requests.append(head)
            try:
                self.answer(conn, self.stopping)
            except OSError:
                pass  # the client hung up, which is what several tests are about


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(answer: Callable[[socket.socket, threading.Event], None]) -> RawServer:
        server = RawServer(answer)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


# --- success and conditional GET -------------------------------------------------------------------


def test_feed_body_and_validators_are_returned(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        FEED,
        content_type="application/json",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"},
    )

    result = fetch_feed(httpserver.url_for("/feed"), options=FAST)

    assert result.status == 200
    assert result.body == FEED
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert result.content_type == "application/json"
    assert result.url == httpserver.url_for("/feed")
    assert result.attempts == 1


def test_requests_say_who_is_harvesting(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)

    fetch_feed(httpserver.url_for("/feed"), options=FAST)

    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == FAST.user_agent


def test_unchanged_feed_answers_304_and_keeps_the_validators_given(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", status=304)

    result = fetch_feed(
        httpserver.url_for("/feed"),
        etag='"v1"',
        last_modified="Wed, 01 Jan 2025 00:00:00 GMT",
        options=FAST,
    )

    assert (result.status, result.body) == (304, None)
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 Jan 2025 00:00:00 GMT"
    request, _ = httpserver.log[0]
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == "Wed, 01 Jan 2025 00:00:00 GMT"


def test_304_with_new_validators_reports_the_new_ones(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", status=304, headers={"ETag": '"v2"'})

    result = fetch_feed(httpserver.url_for("/feed"), etag='"v1"', options=FAST)

    assert result.etag == '"v2"'


def test_unconditional_get_sends_no_validators(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)

    fetch_feed(httpserver.url_for("/feed"), options=FAST)

    request, _ = httpserver.log[0]
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers


def test_gzip_body_is_decoded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        gzip.compress(FEED), headers={"Content-Encoding": "gzip"}
    )

    assert fetch_feed(httpserver.url_for("/feed"), options=FAST).body == FEED


# --- HTTP errors and retries -------------------------------------------------------------------------


def test_404_is_an_error_with_its_status_and_is_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"gone", status=404)

    with pytest.raises(FetchError) as caught:
        fetch_feed(httpserver.url_for("/feed"), options=FAST)

    assert caught.value.status == 404
    assert caught.value.reason == "HTTP 404 Not Found"
    assert len(httpserver.log) == 1


def test_other_success_statuses_are_errors(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", status=204)

    with pytest.raises(FetchError) as caught:
        fetch_feed(httpserver.url_for("/feed"), options=FAST)

    assert caught.value.status == 204


def test_500_then_200_succeeds_on_the_second_attempt(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/feed").respond_with_data(b"oops", status=500)
    httpserver.expect_request("/feed").respond_with_data(FEED)

    result = fetch_feed(httpserver.url_for("/feed"), options=FAST)

    assert result.body == FEED
    assert result.attempts == 2


def test_persistent_500_fails_after_one_try_plus_retries(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"oops", status=503)

    with pytest.raises(FetchError) as caught:
        fetch_feed(httpserver.url_for("/feed"), options=FAST)

    assert caught.value.status == 503
    assert caught.value.reason == "HTTP 503 Service Unavailable"
    assert len(httpserver.log) == 1 + FAST.retries


def test_retries_wait_doubling_delays(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"oops", status=500)
    options = FetchOptions(allow_private=True, retries=2, backoff=0.1)
    waits: list[float] = []

    with pytest.raises(FetchError):
        fetch_feed(httpserver.url_for("/feed"), options=options, waits=waits)

    assert waits == [0.1, 0.2]


def test_a_feed_that_works_at_once_waits_for_nothing(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)
    waits: list[float] = []

    fetch_feed(httpserver.url_for("/feed"), options=FAST, waits=waits)

    assert waits == []


def test_no_retries_means_one_attempt(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"oops", status=500)

    with pytest.raises(FetchError):
        fetch_feed(httpserver.url_for("/feed"), options=FetchOptions(allow_private=True, retries=0))

    assert len(httpserver.log) == 1


# --- the network misbehaving ---------------------------------------------------------------------------


def test_connection_refused_is_an_error_without_status(closed_port: int) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_feed(f"http://127.0.0.1:{closed_port}/feed", options=FAST)

    assert caught.value.reason == "connection refused"
    assert caught.value.status is None


def test_server_too_slow_to_answer_is_a_read_timeout(raw_server) -> None:
    server = raw_server(lambda conn, stopping: stopping.wait(3))
    options = FetchOptions(allow_private=True, retries=1, backoff=0.01, read_timeout=0.3)

    with pytest.raises(FetchError) as caught:
        fetch_feed(server.url(), options=options)

    assert caught.value.reason == "read timeout after 0.3s"
    assert caught.value.status is None
    assert len(server.requests) == 2  # timeouts are retried


def test_body_that_stalls_is_a_read_timeout_with_the_status(raw_server) -> None:
    def stall(conn: socket.socket, stopping: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
        stopping.wait(3)

    server = raw_server(stall)
    options = FetchOptions(allow_private=True, retries=0, read_timeout=0.3)

    with pytest.raises(FetchError) as caught:
        fetch_feed(server.url(), options=options)

    assert caught.value.reason == "read timeout after 0.3s"
    assert caught.value.status == 200


def test_a_body_dripped_slower_than_the_whole_transfer_allows_is_refused(raw_server) -> None:
    def drip(conn: socket.socket, stopping: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        conn.sendall(b"x")  # bytes keep coming (never a read timeout) ...
        stopping.wait()

    server = raw_server(drip)
    options = FetchOptions(allow_private=True, retries=0, read_timeout=5.0, total_timeout=0.5)

    with pytest.raises(FetchError) as caught:
        # ... but each chunk arrives a second later than the one before, by this clock.
        fetch_feed(server.url(), options=options, clock=ticking_clock(1.0))

    assert caught.value.reason == "body not read within 0.5s" and caught.value.status == 200


def test_a_body_read_within_the_whole_transfer_limit_is_accepted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)
    options = FetchOptions(allow_private=True, total_timeout=10.0)

    result = fetch_feed(httpserver.url_for("/feed"), options=options, clock=ticking_clock(1.0))

    assert result.body == FEED


def test_body_shorter_than_content_length_is_truncated(raw_server) -> None:
    def cut_off(conn: socket.socket, stopping: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 500)

    server = raw_server(cut_off)

    with pytest.raises(FetchError) as caught:
        fetch_feed(server.url(), options=FAST)

    assert caught.value.reason == "truncated body: 500 of 1000 bytes"
    assert caught.value.status == 200
    assert len(server.requests) == 1 + FAST.retries  # a cut-off transfer may work next time


def test_incomplete_chunked_body_is_truncated(raw_server) -> None:
    def cut_off(conn: socket.socket, stopping: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")

    server = raw_server(cut_off)

    with pytest.raises(FetchError) as caught:
        fetch_feed(server.url(), options=FAST)

    assert caught.value.reason.startswith("truncated body")
    assert caught.value.status == 200


# --- size limits -----------------------------------------------------------------------------------


def test_declared_oversized_body_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"x" * 2000)

    with pytest.raises(FetchError) as caught:
        fetch_feed(httpserver.url_for("/feed"), options=FetchOptions(allow_private=True, max_bytes=1000))

    assert caught.value.reason == "body larger than 1000 bytes"
    assert caught.value.status == 200
    assert len(httpserver.log) == 1  # not retried: it will be just as large next time


def test_declared_oversized_body_is_refused_without_waiting_for_it(raw_server) -> None:
    def huge(conn: socket.socket, stopping: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n")
        stopping.wait(3)

    server = raw_server(huge)
    options = FetchOptions(allow_private=True, max_bytes=1000, read_timeout=2.0)

    with pytest.raises(FetchError) as caught:
        fetch_feed(server.url(), options=options)

    # Waiting for the body would have ended in a read timeout (no byte of it ever comes), not this.
    assert caught.value.reason == "body larger than 1000 bytes"


def test_endless_body_without_length_is_cut_off_at_the_limit(raw_server) -> None:
    def endless(conn: socket.socket, stopping: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 4096
        while not stopping.is_set():
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    server = raw_server(endless)

    with pytest.raises(FetchError) as caught:
        fetch_feed(server.url(), options=FetchOptions(allow_private=True, max_bytes=100_000))

    assert caught.value.reason == "body larger than 100000 bytes"


def test_compressed_body_counts_its_decoded_size(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 2_000_000)
    assert len(bomb) < 100_000
    httpserver.expect_request("/feed").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})

    with pytest.raises(FetchError) as caught:
        fetch_feed(httpserver.url_for("/feed"), options=FetchOptions(allow_private=True, max_bytes=100_000))

    assert caught.value.reason == "body larger than 100000 bytes"


def test_body_exactly_at_the_limit_is_accepted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"x" * 1000)

    result = fetch_feed(httpserver.url_for("/feed"), options=FetchOptions(allow_private=True, max_bytes=1000))

    assert len(result.body) == 1000


# --- redirects -----------------------------------------------------------------------------------------


def test_redirect_chain_within_the_limit_is_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(b"", status=301, headers={"Location": "/moved"})
    httpserver.expect_request("/moved").respond_with_data(
        b"", status=302, headers={"Location": httpserver.url_for("/feeds/current")}
    )
    httpserver.expect_request("/feeds/current").respond_with_data(
        b"", status=307, headers={"Location": "latest.json"}
    )
    httpserver.expect_request("/feeds/latest.json").respond_with_data(FEED)

    result = fetch_feed(httpserver.url_for("/old"), options=FetchOptions(allow_private=True, max_redirects=3))

    assert result.body == FEED
    assert result.url == httpserver.url_for("/feeds/latest.json")
    assert result.attempts == 1


def test_too_many_redirects_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_data(b"", status=302, headers={"Location": "/loop"})

    with pytest.raises(FetchError) as caught:
        fetch_feed(httpserver.url_for("/loop"), options=FetchOptions(allow_private=True, max_redirects=2))

    assert caught.value.reason == "too many redirects (3)"
    assert len(httpserver.log) == 3  # the first request and the two redirects allowed, no retries


def test_redirect_without_location_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", status=302)

    with pytest.raises(FetchError) as caught:
        fetch_feed(httpserver.url_for("/feed"), options=FAST)

    assert caught.value.status == 302


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://ftp.example.org/feed.xml"])
def test_redirect_to_another_scheme_is_refused(httpserver: HTTPServer, location: str) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", status=302, headers={"Location": location})

    with pytest.raises(FetchError) as caught:
        fetch_feed(httpserver.url_for("/feed"), options=FAST)

    assert caught.value.reason.startswith("refused: scheme")


# --- private addresses -------------------------------------------------------------------------------


def test_private_feed_url_is_refused_before_any_request(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)

    with pytest.raises(FetchError) as caught:
        fetch_feed(f"http://127.0.0.1:{httpserver.port}/feed", options=FetchOptions(backoff=0.01))

    assert caught.value.reason == "refused: 127.0.0.1 resolves to private address 127.0.0.1"
    assert caught.value.status is None
    assert httpserver.log == []


@pytest.mark.parametrize(
    "private_location",
    [f"http://{INTERNAL}:{{port}}/secret", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"],
)
def test_redirect_from_a_public_host_to_a_private_one_is_refused(twins, private_location: str) -> None:
    resolver = ScriptedResolver("feed.test", [PUBLIC])
    location = private_location.format(port=twins.port)
    twins.public.expect_request("/feed").respond_with_data(b"", status=302, headers={"Location": location})

    with pytest.raises(FetchError) as caught:
        fetch_feed(f"http://feed.test:{twins.port}/feed", options=FAST, addresses=policy(resolver))

    assert "resolves to private address" in caught.value.reason
    assert [request.path for request, _ in twins.public.log] == ["/feed"]
    assert twins.internal.log == []


# --- DNS rebinding: the address checked is the address connected to ---------------------------------


def test_a_name_answering_public_then_internal_is_fetched_from_the_public_address(twins) -> None:
    resolver = ScriptedResolver("feed.test", [PUBLIC], [INTERNAL])
    twins.public.expect_request("/feed").respond_with_data(FEED)

    result = fetch_feed(f"http://feed.test:{twins.port}/feed", options=FAST, addresses=policy(resolver))

    assert result.body == FEED
    assert result.url == f"http://feed.test:{twins.port}/feed"
    assert resolver.asked == 1  # resolved once: the answer checked is the one connected to
    request, _ = twins.public.log[0]
    assert request.headers["Host"] == f"feed.test:{twins.port}"
    assert twins.internal.log == []


def test_a_name_answering_internal_then_public_is_refused_before_any_connection(twins) -> None:
    resolver = ScriptedResolver("feed.test", [INTERNAL], [PUBLIC])
    twins.public.expect_request("/feed").respond_with_data(FEED)

    with pytest.raises(FetchError) as caught:
        fetch_feed(f"http://feed.test:{twins.port}/feed", options=FAST, addresses=policy(resolver))

    assert caught.value.reason == f"refused: feed.test resolves to private address {INTERNAL}"
    assert caught.value.status is None
    assert twins.public.log == [] and twins.internal.log == []


def test_a_name_rebinding_between_retries_is_checked_again_and_refused(twins) -> None:
    resolver = ScriptedResolver("feed.test", [PUBLIC], [INTERNAL])
    twins.public.expect_request("/feed").respond_with_data(b"oops", status=503)

    with pytest.raises(FetchError) as caught:
        fetch_feed(f"http://feed.test:{twins.port}/feed", options=FAST, addresses=policy(resolver))

    assert caught.value.reason == f"refused: feed.test resolves to private address {INTERNAL}"
    assert len(twins.public.log) == 1
    assert twins.internal.log == []


def test_a_name_with_one_internal_address_among_public_ones_is_refused(twins) -> None:
    resolver = ScriptedResolver("feed.test", [PUBLIC, INTERNAL])

    with pytest.raises(FetchError, match="resolves to private address 127.0.0.1"):
        fetch_feed(f"http://feed.test:{twins.port}/feed", options=FAST, addresses=policy(resolver))

    assert twins.public.log == [] and twins.internal.log == []


def test_the_next_checked_address_is_tried_when_one_refuses_the_connection(twins) -> None:
    # 127.0.0.3 listens nowhere; the public twin answers on the same port.
    resolver = ScriptedResolver("feed.test", ["127.0.0.3", PUBLIC])
    allowed = {"127.0.0.3", PUBLIC}
    twins.public.expect_request("/feed").respond_with_data(FEED)
    addresses = replace(policy(resolver), permits=allowed.__contains__)

    result = fetch_feed(f"http://feed.test:{twins.port}/feed", options=FAST, addresses=addresses)

    assert result.body == FEED and twins.internal.log == []


def test_non_http_feed_url_is_refused_by_fetch() -> None:
    with pytest.raises(FetchError, match="refused: scheme 'file'"):
        fetch_feed("file:///etc/passwd", options=FAST)


# --- settings ------------------------------------------------------------------------------------------


def test_options_come_from_the_harvest_settings() -> None:
    settings = Settings(
        harvest_connect_timeout=3.0,
        harvest_read_timeout=30.0,
        harvest_max_bytes=1024,
        harvest_max_redirects=2,
        harvest_retries=1,
        harvest_backoff=0.5,
        harvest_allow_private=True,
    )

    assert FetchOptions.from_settings(settings) == FetchOptions(
        connect_timeout=3.0,
        read_timeout=30.0,
        max_bytes=1024,
        max_redirects=2,
        retries=1,
        backoff=0.5,
        allow_private=True,
    )
