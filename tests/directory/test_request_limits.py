"""Request bodies are limited per endpoint and refused before they are read (issue 11, finding 4: a 90 MB
anonymous POST to the planner grew a worker from 129 to 907 MB).

Over real HTTP, a local werkzeug server in a thread: a request that declares a huge Content-Length and
then sends nothing is answered 413 at once (had the server tried to read the body, it would wait for
bytes that never come, and the socket's guard timeout would fail the test); a chunked body is cut off at
the limit; publishing a catalogue, the one endpoint that declares ``@large_body``, still takes more.
"""

from __future__ import annotations

import json
import socket
import threading

import pytest
from flask import request
from werkzeug.serving import make_server

from climbing_frame.app import create_app
from directory.web.limits import body_limit
from tests.auth import add_client, add_org, bearer_token
from tests.conftest import make_settings
from tests.factories import course, feed_document

A = "10000001"
LIMIT = 1024 * 1024
GUARD_SECONDS = 30  # only a guard against hanging: every answer here comes at once


@pytest.fixture
def server(app):
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="limits-server", daemon=True)
    thread.start()
    yield http.server_port
    http.shutdown()
    thread.join(timeout=10)


def _exchange(port: int, head: str, body_chunks: list[bytes] = ()) -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` (and the chunks) on a fresh connection; the status, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD_SECONDS) as sock:
        sock.sendall(head.encode("latin-1"))
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading and answered: read what it said
        received = b""
        while b"\r\n\r\n" not in received:
            data = sock.recv(65536)
            assert data, f"connection closed before an answer: {received!r}"
            received += data
        head_bytes, _, rest = received.partition(b"\r\n\r\n")
        lines = head_bytes.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            data = sock.recv(65536)
            if not data:
                break
            rest += data
        return int(lines[0].split()[1]), headers, rest


def _chunked(total: int, size: int = 64 * 1024) -> list[bytes]:
    chunks, sent = [], 0
    while sent < total:
        n = min(size, total - sent)
        chunks.append(f"{n:x}\r\n".encode() + b" " * n + b"\r\n")
        sent += n
    return [*chunks, b"0\r\n\r\n"]


def test_a_huge_declared_body_is_refused_with_413_before_a_byte_is_read(server):
    status, headers, body = _exchange(server, (
        "POST /api/v1/planner/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 90000000\r\n\r\n"))  # the finding's 90 MB, declared and never sent
    assert status == 413
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 413 and str(LIMIT) in problem["detail"]


def test_a_body_just_over_the_limit_is_refused_and_one_at_the_limit_is_read(server):
    head = ("POST /api/v1/planner/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: {}\r\n\r\n")
    status, _, _ = _exchange(server, head.format(LIMIT + 1))
    assert status == 413
    at_limit = json.dumps({"achievements": []}).encode().ljust(LIMIT)
    status, headers, _ = _exchange(server, head.format(LIMIT), [at_limit])
    assert status != 413 and headers["content-type"] in ("application/json", "application/problem+json")


def test_a_chunked_body_over_the_limit_is_refused(server):
    status, headers, body = _exchange(server, (
        "POST /api/v1/planner/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"), _chunked(LIMIT + 4096))
    assert status == 413
    assert headers["content-type"] == "application/problem+json" and json.loads(body)["status"] == 413


def test_an_oversized_form_is_refused_too(server):
    status, headers, _ = _exchange(server, (
        "POST /auth/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {50 * LIMIT}\r\n\r\n"))
    assert status == 413 and headers["content-type"].startswith("text/html")


def test_publishing_a_catalogue_still_takes_a_body_over_a_mebibyte(server, instance):
    add_org(instance, A, "University of Testing")
    client, _ = add_client(instance, A, "catalogue:publish")
    token = bearer_token(instance, client)
    document = feed_document([course("A1"), course("A2", summary="A long summary. " * 80_000)], provider_id=A)
    body = json.dumps(document).encode()
    assert 1.1 * LIMIT < len(body)
    status, _, answer = _exchange(server, (
        f"PUT /api/v1/providers/{A}/catalogue HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"), [body])
    assert status == 200, answer[:500]
    assert json.loads(answer)["counts"]["new"] == 2
    # Chunked as well: the same endpoint, the same larger limit.
    status, _, answer = _exchange(server, (
        f"PUT /api/v1/providers/{A}/catalogue HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\n\r\n"),
        [f"{len(body):x}\r\n".encode() + body + b"\r\n", b"0\r\n\r\n"])
    assert status == 200, answer[:500]


def test_the_limits_are_settings_and_only_the_declared_endpoint_takes_the_large_one(tmp_path):
    app = create_app(make_settings(tmp_path, database_url="", request_max_bytes=100, harvest_max_bytes=5000))
    refused = app.test_client().post("/api/v1/planner/evaluate", data=b"x" * 101, content_type="application/json")
    assert refused.status_code == 413 and refused.mimetype == "application/problem+json"
    large = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            path = rule.rule.replace("<", "").replace(">", "").replace("path:", "").replace("int:", "")
            with app.test_request_context(path, method=method):
                if request.endpoint == rule.endpoint and body_limit() != 100:
                    large.append((method, rule.rule))
    # Publishing a catalogue, and trying one on the dry-run page (a member uploads the whole feed).
    assert sorted(large) == [("POST", "/member/catalogue/check"), ("PUT", "/api/v1/providers/<provider_id>/catalogue")]
