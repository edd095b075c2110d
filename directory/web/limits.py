"""How large a request body each address accepts, refused before it is read.

Everything takes at most ``request_max_bytes`` (1 MiB by default): the JSON API, forms, sign-in. An
endpoint that must take more declares it with ``@large_body`` and gets ``harvest_max_bytes`` (the
largest feed): publishing a whole catalogue today, evidence uploads later. One way to opt in, next to the
view, so a reader sees it where the endpoint is defined.

A declared ``Content-Length`` over the limit is answered 413 (a problem document on the API) before a
byte of the body is read; a body without one (chunked) is cut off with the same 413 as soon as it
passes the limit. The second needs our own count (``_CappedInput``): werkzeug's stream, given
``max_content_length``, stops reading at the limit but hands back what it read as if it were the whole
body (a chunked document cut short, answered 400 or, worse, parsed), raising only on a later read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TypeVar

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from .context import instance

View = TypeVar("View", bound=Callable)

_LARGE_BODY = "climbing_frame_large_body"


def large_body(view: View) -> View:
    """Mark a view function (or a MethodView's method) as accepting bodies up to ``harvest_max_bytes``."""
    setattr(view, _LARGE_BODY, True)
    return view


def _accepts_large_body() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return False
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, request.method.lower(), None) if view_class is not None else None
    return bool(getattr(handler or view, _LARGE_BODY, False))


def body_limit() -> int:
    """The most bytes the current request's body may have."""
    settings = instance().settings
    return settings.harvest_max_bytes if _accepts_large_body() else settings.request_max_bytes


def _refusal(limit: int, declared: int | None = None) -> RequestEntityTooLarge:
    size = f"is {declared} bytes" if declared is not None else "is longer than that"
    return RequestEntityTooLarge(f"{request.path} accepts a request body of at most {limit} bytes; this one {size}")


class _CappedInput:
    """The WSGI input of a body without Content-Length, raising 413 on the first byte past ``limit``."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream, self._limit, self._read = stream, limit, 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            raise _refusal(self._limit)
        return data

    def read(self, size: int = -1) -> bytes:
        # One byte more than may come, so that a body of exactly the limit still ends cleanly.
        allowed = self._limit + 1 - self._read
        return self._count(self._stream.read(allowed if size is None or size < 0 else min(size, allowed)))

    def readline(self, size: int = -1) -> bytes:
        allowed = self._limit + 1 - self._read
        return self._count(self._stream.readline(allowed if size is None or size < 0 else min(size, allowed)))

    def __iter__(self):
        return iter(self.readline, b"")


def _limit_body() -> None:
    limit = body_limit()
    declared = request.content_length
    if declared is not None and declared > limit:
        raise _refusal(limit, declared)
    if declared is None and "wsgi.input_terminated" in request.environ:
        # A chunked body: counted by _CappedInput; werkzeug's own cap one byte further never comes into play.
        request.environ["wsgi.input"] = _CappedInput(request.environ["wsgi.input"], limit)
        request.max_content_length = limit + 1
    else:
        request.max_content_length = limit


def _close_after_refusal(response: Response) -> Response:
    # The body was not read: the connection cannot carry another request, and the client should stop
    # sending.
    if response.status_code == 413:
        response.headers["Connection"] = "close"
    return response


def register(app: Flask) -> None:
    # First of every before_request function: nothing (the CSRF check reads the form) may read the body
    # before its limit is set.
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_body)
    app.after_request(_close_after_refusal)
