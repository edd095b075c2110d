"""Fetch one feed over HTTP, safely.

``fetch_feed(url)`` returns the whole body of a feed, or raises ``FetchError`` naming why it could not.
A caller may rely on these guarantees:

- Only ``http`` and ``https`` URLs are fetched, and, unless ``allow_private``, only from hosts whose every
  address is public: checked at every request, the first and each redirect hop, on the very addresses
  then connected to (``directory.outbound.PinnedTransport``), so neither a public feed redirecting nor a
  name answering a public address to the check and 127.0.0.1 to the connection (DNS rebinding) leads
  the harvester to 127.0.0.1 or a cloud metadata address. A refusal is a ``FetchError`` here.
- Redirects are followed here (never by httpx), at most ``max_redirects`` of them.
- The decoded body is never larger than ``max_bytes``: reading stops as soon as it grows past it, so a
  compressed "zip bomb" costs at most one decompressed network chunk beyond the limit.
- A body shorter than its ``Content-Length``, or an incomplete chunked body, is an error, never a result.
- A 5xx answer, a connection error, a timeout or a cut-off body is retried ``retries`` times, waiting
  ``backoff`` seconds and doubling; each try starts again from the URL given. A 4xx answer is final.
  (The waiting is ``sleep``'s and the whole-body limit is measured on ``clock``: both may be passed in.)
- A conditional GET answered 304 gives ``FetchResult(status=304, body=None)``.
"""

from __future__ import annotations

import functools
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import httpx

from directory import outbound
from directory.errors import AddressRefused, FetchError

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchOptions:
    """How patient and how trusting one fetch is. Timeouts in seconds; ``read_timeout`` is the longest
    wait for the next bytes, ``total_timeout`` the limit on reading one whole body (a server dripping a
    few bytes a minute would otherwise hold a harvest for ever)."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    total_timeout: float = 900.0
    max_bytes: int = 512 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3  # retries after a 5xx answer or a connection error/timeout
    backoff: float = 1.0  # first retry delay in seconds, doubling each retry
    allow_private: bool = False
    user_agent: str = "ClimbingFrame-Harvester/0.1 (+https://climbing-frame.example/about/harvester)"

    @classmethod
    def from_settings(cls, settings) -> FetchOptions:
        """Options from a ``directory.settings.Settings``; ``user_agent`` keeps its default."""
        return cls(
            connect_timeout=settings.harvest_connect_timeout,
            read_timeout=settings.harvest_read_timeout,
            total_timeout=settings.harvest_total_timeout,
            max_bytes=settings.harvest_max_bytes,
            max_redirects=settings.harvest_max_redirects,
            retries=settings.harvest_retries,
            backoff=settings.harvest_backoff,
            allow_private=settings.harvest_allow_private,
        )


@dataclass(frozen=True)
class FetchResult:
    status: int  # 200 (body read) or 304 (not modified, body None)
    body: bytes | None
    etag: str | None
    last_modified: str | None
    url: str  # final URL after redirects
    content_type: str | None
    attempts: int  # tries it took (1 + retries used); redirect hops within a try are not counted


class _TransientFetchError(FetchError):
    """A failure worth another try (5xx, connection, timeout, cut-off body); never leaves this module."""


_DEFAULT_OPTIONS = FetchOptions()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Building a verifying TLS context loads the CA bundle (~20 ms): once per process, not once per feed.
    return httpx.create_ssl_context()


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    options: FetchOptions = _DEFAULT_OPTIONS,
    addresses: outbound.AddressPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FetchResult:
    """GET ``url`` (conditionally, when ``etag`` or ``last_modified`` is given) and return the result.

    Returns status 200 with the body, or 304 with ``body=None`` and the validators given unless the server
    sent new ones. Raises ``FetchError`` for everything else, after retrying what may be transient.
    ``addresses`` resolves and judges the hosts called (default: the system's resolver, public addresses
    only unless ``options.allow_private``); given, it decides and ``options.allow_private`` is not read.
    """
    addresses = addresses or outbound.AddressPolicy(allow_private=options.allow_private)
    headers = {"User-Agent": options.user_agent}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(
        connect=options.connect_timeout,
        read=options.read_timeout,
        write=options.connect_timeout,
        pool=options.connect_timeout,
    )
    transport = outbound.PinnedTransport(addresses, verify=_tls_context())
    with httpx.Client(transport=transport, timeout=timeout, follow_redirects=False, headers=headers) as client:
        attempt = 1
        while True:
            try:
                result = _fetch_once(client, url, options, clock)
            except _TransientFetchError as error:
                if attempt > options.retries:
                    raise FetchError(error.reason, status=error.status) from error
                sleep(options.backoff * 2 ** (attempt - 1))
                attempt += 1
                continue
            if result.status == 304:
                result = replace(
                    result, etag=result.etag or etag, last_modified=result.last_modified or last_modified
                )
            return replace(result, attempts=attempt)


def _check_form(url: str) -> None:
    """Only http(s) URLs with a host, checked on the URL as given: httpx would read ``file:///x`` as a
    path. (Addresses are the transport's to check.)"""
    try:
        outbound.http_target(url)
    except AddressRefused as exc:
        raise FetchError(exc.reason) from exc


def _fetch_once(client: httpx.Client, url: str, options: FetchOptions, clock: Callable[[], float]) -> FetchResult:
    """One try: follow redirects from ``url`` to a final answer. ``attempts`` is left for the caller.
    Every hop's address is checked by the client's transport as it connects."""
    current = url
    for _hop in range(options.max_redirects + 1):
        _check_form(current)
        with _transport_errors(options, status=None), client.stream("GET", current) as response:
            location = _redirect_target(response)
            if location is None:
                return _final_answer(response, options, clock)
        current = location
    raise FetchError(f"too many redirects ({options.max_redirects + 1})")


def _redirect_target(response: httpx.Response) -> str | None:
    if response.status_code not in _REDIRECT_STATUSES:
        return None
    location = response.headers.get("Location")
    if not location:
        raise FetchError(
            f"HTTP {response.status_code} redirect without a Location", status=response.status_code
        )
    try:
        return str(response.url.join(location))
    except httpx.InvalidURL as exc:
        raise FetchError(f"redirect to an invalid URL {location!r}", status=response.status_code) from exc


def _final_answer(response: httpx.Response, options: FetchOptions, clock: Callable[[], float]) -> FetchResult:
    status = response.status_code
    if status not in (200, 304):
        # The standard phrase, not the server's: reasons are read and compared by people and tests.
        reason = f"HTTP {status} {httpx.codes.get_reason_phrase(status)}".rstrip()
        error_type = _TransientFetchError if status >= 500 else FetchError
        raise error_type(reason, status=status)
    body = _read_body(response, options, clock) if status == 200 else None
    return FetchResult(
        status=status,
        body=body,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        url=str(response.url),
        content_type=response.headers.get("Content-Type"),
        attempts=1,
    )


def _read_body(response: httpx.Response, options: FetchOptions, clock: Callable[[], float]) -> bytes:
    status = response.status_code
    too_large = f"body larger than {options.max_bytes} bytes"
    declared = _declared_length(response)
    if declared is not None and declared > options.max_bytes:
        raise FetchError(too_large, status=status)
    body = bytearray()
    deadline = clock() + options.total_timeout
    try:
        with _transport_errors(options, status=status):
            # iter_bytes decodes gzip/deflate, so the limit applies to what we would hold in memory.
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > options.max_bytes or response.num_bytes_downloaded > options.max_bytes:
                    raise FetchError(too_large, status=status)
                if clock() > deadline:
                    raise FetchError(f"body not read within {options.total_timeout:g}s", status=status)
    except _TransientFetchError as error:
        if not isinstance(error.__cause__, httpx.RemoteProtocolError):
            raise
        # h11 reports a peer that closed mid-body as a protocol error; say what it means for a feed.
        raise _TransientFetchError(_truncated(response, declared, error.reason), status=status) from error
    # h11 already raises for a short HTTP/1.1 body; this keeps the promise whatever the transport does.
    if declared is not None and response.num_bytes_downloaded < declared:
        raise _TransientFetchError(_truncated(response, declared, ""), status=status)
    return bytes(body)


def _declared_length(response: httpx.Response) -> int | None:
    # Content-Length counts the bytes on the wire (before decompression); a malformed one is ignored
    # here and h11 refuses it anyway.
    try:
        length = int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None
    return length if length >= 0 else None


def _truncated(response: httpx.Response, declared: int | None, detail: str) -> str:
    if declared is not None:
        return f"truncated body: {response.num_bytes_downloaded} of {declared} bytes"
    return f"truncated body: {detail}"


@contextmanager
def _transport_errors(options: FetchOptions, status: int | None) -> Iterator[None]:
    """Turn httpx's transport and decoding errors, and address refusals, into FetchError, transient where a
    retry may help."""
    try:
        yield
    except AddressRefused as exc:
        raise FetchError(exc.reason, status) from exc
    except httpx.ConnectTimeout as exc:
        raise _TransientFetchError(f"connect timeout after {options.connect_timeout:g}s", status) from exc
    except httpx.ReadTimeout as exc:
        raise _TransientFetchError(f"read timeout after {options.read_timeout:g}s", status) from exc
    except httpx.TimeoutException as exc:
        raise _TransientFetchError(f"timeout: {type(exc).__name__}", status) from exc
    except httpx.ConnectError as exc:
        reason = "connection refused" if _caused_by(exc, ConnectionRefusedError) else f"connect failed: {exc}"
        raise _TransientFetchError(reason, status) from exc
    except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
        # Our request is at fault, so trying it again cannot help.
        raise FetchError(f"request failed: {exc}", status) from exc
    except httpx.RemoteProtocolError as exc:
        raise _TransientFetchError(f"protocol error: {exc}", status) from exc
    except httpx.TransportError as exc:
        raise _TransientFetchError(f"connection failed: {exc}", status) from exc
    except httpx.DecodingError as exc:
        raise FetchError(f"body could not be decoded: {exc}", status) from exc


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
