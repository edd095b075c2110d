"""The security headers every response carries: pages, the API, errors, static files and redirects.

- ``Content-Security-Policy``: scripts, styles, images, fonts and connections from this site only, no
  inline script or style (the templates hold none: scripts and stylesheets are files under
  ``directory/web/static``, and there are no ``style=`` attributes), no plugins, no ``<base>``, forms
  posting only here, and no framing (``frame-ancestors 'none'``). The course page's JSON-LD is a data
  block (``type="application/ld+json"``), which the policy does not govern.
- ``X-Frame-Options: DENY`` for browsers that predate ``frame-ancestors``.
- ``X-Content-Type-Options: nosniff``: a JSON answer or a feed is never run as a script or page.
- ``Referrer-Policy: strict-origin-when-cross-origin``: other sites see our origin, never a page's
  address with its query (a search, a reset token). Pages may ask for less (the reset page: no-referrer).
- ``Strict-Transport-Security`` when the instance is served over https (``base_url`` https, or the
  request came in over https as the proxy reports it).

A view that sets one of these itself keeps its own value.
"""

from __future__ import annotations

from flask import Flask, Response, request

from .context import instance

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
STRICT_TRANSPORT_SECURITY = "max-age=31536000"  # a year; no includeSubDomains: members' hosts are not ours

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _served_over_https() -> bool:
    return request.is_secure or instance().settings.base_url.startswith("https://")


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if _served_over_https():
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def register(app: Flask) -> None:
    # after_request runs for every response Flask sends: views, error handlers (404, 413, 500), static
    # files and redirects.
    app.after_request(add_security_headers)
