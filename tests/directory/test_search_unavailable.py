"""A search engine outage answers 503 with when to come back: a problem document for the API and JSON
callers, a page in plain words for people. The engine is Elasticsearch on a local port: down (nothing
listening), or up but answering 503 to every search."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest

from directory.errors import SearchUnavailable
from directory.search.elastic import ElasticsearchBackend
from directory.search.query import SearchQuery
from tests.clock import TODAY

ALIAS = "courses"
PRODUCT = {"X-Elastic-Product": "Elasticsearch"}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def busy_engine(httpserver):
    """An Elasticsearch that starts (its index is there) and answers every search 503."""
    httpserver.expect_request("/", method="GET").respond_with_json(
        {"version": {"number": "9.0.0"}, "tagline": "You Know, for Search"}, headers=PRODUCT)
    httpserver.expect_request(f"/_alias/{ALIAS}", method="HEAD").respond_with_data("", headers=PRODUCT)
    httpserver.expect_request(f"/{ALIAS}/_mapping", method="PUT").respond_with_json(
        {"acknowledged": True}, headers=PRODUCT)
    httpserver.expect_request(f"/{ALIAS}/_search", method="POST").respond_with_json(
        {"error": {"type": "search_phase_execution_exception", "reason": "all shards failed"}, "status": 503},
        status=503, headers=PRODUCT)
    return httpserver.url_for("/").rstrip("/")


@pytest.fixture(params=["down", "busy"])
def settings(request, settings):
    url = f"http://127.0.0.1:{closed_port()}" if request.param == "down" else request.getfixturevalue("busy_engine")
    return replace(settings, search_backend="elasticsearch", elasticsearch_url=url, elasticsearch_index=ALIAS)


def test_the_api_answers_an_engine_outage_with_a_503_problem_and_retry_after(client):
    response = client.get("/api/v1/search?q=data")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "30"
    assert response.json == {"type": "about:blank", "title": "Search is unavailable", "status": 503,
                             "detail": "Searching is not working at the moment. Please try again in a minute."}


def test_a_json_caller_of_the_search_page_gets_the_problem_document(client):
    response = client.get("/?q=data", headers={"Accept": "application/json"})
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "30"


def test_a_person_gets_a_plain_words_503_page(client):
    response = client.get("/?q=data", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "30"
    assert "Search is unavailable" in page and "Please try again in a minute." in page
    assert "127.0.0.1" not in page and "shards" not in page  # the engine's own words stay in the log


def test_an_elasticsearch_that_cannot_search_raises_search_unavailable(settings, instance):
    backend = ElasticsearchBackend(settings.elasticsearch_url, ALIAS, instance.vocab)
    with backend, pytest.raises(SearchUnavailable):
        backend.search(SearchQuery("data", today=TODAY))
