"""Every response carries the security headers (issue 11, finding 8: no CSP, no frame-ancestors, no
nosniff, no HSTS): every rule of the URL map with every method it answers, with sample path values, so
pages, the API, errors, redirects and static files are all asked; HSTS when served over https."""

from __future__ import annotations

import pytest

from climbing_frame.app import create_app
from directory.web.headers import CONTENT_SECURITY_POLICY
from tests.conftest import make_settings

EXPECTED = {
    "X-Frame-Options": {"DENY"},
    "X-Content-Type-Options": {"nosniff"},
    # The password reset page (a token in its address) asks for no referrer at all.
    "Referrer-Policy": {"strict-origin-when-cross-origin", "no-referrer"},
}
SAMPLES = {"int": 1, "path": "site.css"}


def _missing(response) -> list[str]:
    missing = [f"{name}: {response.headers.get(name)!r}" for name, value in EXPECTED.items()
               if response.headers.get(name) not in value]
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                      "object-src 'none'", "base-uri 'none'"):
        if directive not in [part.strip() for part in csp.split(";")]:
            missing.append(f"CSP without {directive}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        missing.append("CSP allows unsafe-inline or unsafe-eval")
    return missing


def _requests(app):
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        values = {name: SAMPLES.get(type(rule._converters[name]).__name__.removesuffix("Converter").lower(),
                                    "10000001") for name in rule.arguments}
        if rule.endpoint == "static":
            values = {"filename": "site.css"}
        path = adapter.build(rule.endpoint, values)
        for method in sorted((rule.methods or set()) - {"OPTIONS"}):
            yield method, path


def test_the_policy_is_strict():
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_every_response_of_every_rule_carries_the_security_headers(client, app):
    statuses, failures = set(), []
    for method, path in _requests(app):
        response = client.open(path, method=method, json={} if method in ("POST", "PUT", "PATCH") else None)
        statuses.add(response.status_code // 100)
        missing = _missing(response)
        if missing:
            failures.append(f"{method} {path} -> {response.status_code}: {', '.join(missing)}")
        assert "Strict-Transport-Security" not in response.headers  # served over http here
    assert not failures, "\n".join(failures)
    assert {2, 3, 4} <= statuses  # pages and files, redirects and errors were all among them


@pytest.mark.parametrize("path", ["/", "/no/such/page", "/api/v1/no-such-thing", "/static/site.css",
                                  "/api/v1/openapi.json", "/planner"])
def test_hsts_when_served_over_https(client, path):
    response = client.get(path, base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert not _missing(response)


def test_hsts_when_the_base_url_is_https_behind_a_proxy(tmp_path):
    # The proxy speaks http to the worker; the configured public address says https.
    app = create_app(make_settings(tmp_path, database_url="", base_url="https://directory.example.ac.uk"))
    for path in ("/static/site.css", "/api/v1/openapi.json", "/nowhere"):
        assert app.test_client().get(path).headers["Strict-Transport-Security"] == "max-age=31536000"


def test_an_unexpected_error_carries_the_headers_too(app, client):
    @app.get("/boom-for-the-test")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom-for-the-test")
    assert response.status_code == 500 and not _missing(response)
