"""Every error answered as an RFC 9457 problem document (application/problem+json), never a trace.

Pages for people get the same status with an HTML page; the API and anything asking for JSON get the
problem document. Each exception of ``directory.errors`` is mapped here once: a ``DomainError`` by its own
``status`` and ``title``, the others by ``PROBLEMS`` (``SearchUnavailable`` by its own handler, which adds
``Retry-After``); anything else is a 500 whose trace goes to the log.
"""

from __future__ import annotations

import logging
from typing import Any

import flask_smorest
from flask import Flask, Response, jsonify, render_template, request
from marshmallow import INCLUDE, Schema, fields
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException, InternalServerError

from ..catalogue.schema import flatten_errors
from ..errors import (
    AddressRefused,
    DomainError,
    FeedError,
    FetchError,
    PolicyError,
    RebuildLost,
    SearchUnavailable,
    VocabularyError,
)

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
# How long a client should wait before asking again when the search engine is down: long enough for a
# restarted engine to come back, short enough that a person retrying by hand is not turned away for long.
SEARCH_RETRY_AFTER = 30  # seconds

# The errors outside DomainError, by class: (status, title). The detail is the exception's own text, which
# names what was refused (a URL, a value, a field) and never the machinery behind it. SettingsError is not
# here: settings are read before anything is served, so the web cannot meet one.
PROBLEMS: dict[type[Exception], tuple[int, str]] = {
    # A rebuild of the search index lost its claim to another: nothing is swapped in, try again later.
    RebuildLost: (503, "Search index rebuild lost"),
    # An outbound URL we may not call: not http(s), no host, or a private address.
    AddressRefused: (400, "Address refused"),
    VocabularyError: (400, "Not in the vocabulary"),
    PolicyError: (400, "Invalid listing policy"),
    # A feed document the caller sent (or named) that cannot be used at all.
    FeedError: (400, "Unusable feed document"),
    # The feed's server failed us: we are the gateway that could not get the document.
    FetchError: (502, "Feed could not be fetched"),
}


class InvalidParamOut(Schema):
    name = fields.String(metadata={"description": "The parameter or field (dotted for nested fields)"})
    reason = fields.String()


class ProblemOut(Schema):
    """What every error answers (``application/problem+json``); it documents the API's error responses."""

    class Meta:
        unknown = INCLUDE  # RFC 9457 extension members (``required``, a run ``report``, ...)

    type = fields.String(metadata={"description": "about:blank"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    invalid_params = fields.List(fields.Nested(InvalidParamOut), metadata={
        "description": "A 400 for bad parameters: each one named, with why"})


class _Parser(FlaskParser):
    # A bad query string or body is the client's bad request: 400 (answered and documented so), naming
    # each parameter, rather than webargs' 422.
    DEFAULT_VALIDATION_STATUS = 400


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint for every API blueprint: invalid arguments are a 400 problem."""

    ARGUMENTS_PARSER = _Parser()


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


def _wants_json() -> bool:
    if request.path.startswith("/api/") or request.path.startswith("/healthz"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", PROBLEM_JSON])
    return best in ("application/json", PROBLEM_JSON)


def _invalid_params(exc: HTTPException) -> list[dict[str, str]]:
    """webargs/flask-smorest validation messages as RFC 9457 ``invalid-params``, nested fields named by
    their path (``achievements[0].course_version_id``) as the planner names them."""
    messages = (getattr(exc, "data", None) or {}).get("messages") or {}
    params = []
    for location, named in messages.items():
        if not isinstance(named, dict):
            continue
        for name, reasons in named.items():
            if location == "json":
                params.extend({"name": e.field, "reason": e.reason} for e in flatten_errors(reasons, str(name)))
            else:
                # A query parameter is named as sent (a repeated one once), whichever of its values failed.
                reason = "; ".join(e.reason for e in flatten_errors(reasons, str(name)))
                params.append({"name": str(name), "reason": reason})
    return params


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    invalid = _invalid_params(exc)
    if status == 422 and invalid:
        # Validation failures are the client's bad request, naming each parameter (the API's blueprints
        # already raise them as 400; a parser of webargs' own says 422).
        status = 400
    title = "Bad request" if status == 400 and invalid else exc.name
    detail = (
        "invalid parameter" + ("s " if len(invalid) > 1 else " ") + ", ".join(p["name"] for p in invalid)
        if invalid else exc.description
    )
    if _wants_json():
        extra = {"invalid_params": invalid} if invalid else {}
        response = problem(status, title, detail, **extra)
    else:
        response = Response(render_template("error.html", status=status, title=title, detail=detail), status)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    if status == 401 and exc.response is not None and "WWW-Authenticate" in exc.response.headers:
        response.headers["WWW-Authenticate"] = exc.response.headers["WWW-Authenticate"]
    return response


def _answer(status: int, title: str, detail: str, **extra: Any) -> Response:
    """The problem document, or the same status as a page for people."""
    if _wants_json():
        return problem(status, title, detail, **extra)
    return Response(render_template("error.html", status=status, title=title, detail=detail), status)


def handle_domain_error(exc: DomainError):
    return _answer(exc.status, exc.title, exc.detail, **exc.extra)


def handle_refusal(exc: Exception):
    """An error of ``PROBLEMS`` (or a subclass of one, such as harvester.fetch's transient fetch error)."""
    status, title = next(PROBLEMS[cls] for cls in type(exc).__mro__ if cls in PROBLEMS)
    if status >= 500:
        log.warning("%s on %s %s: %s", type(exc).__name__, request.method, request.path, exc)
    return _answer(status, title, str(exc))


def handle_search_unavailable(exc: SearchUnavailable):
    # The engine's own words (hosts, shards) go to the log; the caller learns when to come back.
    log.warning("search engine unavailable on %s %s: %s", request.method, request.path, exc)
    response = _answer(503, "Search is unavailable",
                       "Searching is not working at the moment. Please try again in a minute.")
    response.headers["Retry-After"] = str(SEARCH_RETRY_AFTER)
    return response


def handle_unexpected(exc: Exception):
    # The trace goes to the log, never to the client.
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(SearchUnavailable, handle_search_unavailable)
    for error in PROBLEMS:
        app.register_error_handler(error, handle_refusal)
    app.register_error_handler(Exception, handle_unexpected)
