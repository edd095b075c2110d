"""Machines: a real OAuth 2.0 client library gets a token over HTTP from the app served on a local port,
and publishes a catalogue with it; expired and revoked tokens are refused."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from sqlalchemy import select, text, update
from werkzeug.serving import make_server

from directory.db import utcnow
from directory.identity.models import AccessToken, EventKind, OAuthClient, SecurityEvent
from tests.auth import add_client, add_org, bearer_token
from tests.factories import course, feed_bytes

A, B = "10000001", "10000002"


@pytest.fixture
def server(app):
    """The app on a real port, in a thread."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


@pytest.fixture
def client_a(instance):
    add_org(instance, A, "University of Testing")
    add_org(instance, B, "Second University")
    return add_client(instance, A, "catalogue:publish transfers:read")


def oauth_session(server, client, secret, **kwargs) -> OAuth2Client:
    return OAuth2Client(client.client_id, secret, token_endpoint=f"{server}/oauth/token", **kwargs)


def test_a_client_gets_a_token_and_publishes_its_catalogue(server, client_a):
    client, secret = client_a
    with oauth_session(server, client, secret, scope="catalogue:publish") as machine:
        token = machine.fetch_token()
        assert token["token_type"].lower() == "bearer" and token["scope"] == "catalogue:publish"
        assert token["expires_in"] == 900 and "refresh_token" not in token
        response = machine.put(f"{server}/api/v1/providers/{A}/catalogue",
                               content=feed_bytes([course("C1"), course("C2")], provider_id=A),
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["outcome"] == "succeeded" and report["counts"]["new"] == 2 and report["trigger"] == "publish"
    courses = httpx.get(f"{server}/api/v1/courses?provider={A}").json()
    assert sorted(c["id"] for c in courses["results"]) == [f"{A}/C1", f"{A}/C2"]


def test_a_client_publishes_xcri_cap_too(server, instance):
    from tests.harvester.test_xcri_cap import catalog
    from tests.harvester.test_xcri_cap import course as xcri_course

    add_org(instance, "10007774", "University of Northgate")
    client, secret = add_client(instance, "10007774", "catalogue:publish")
    with oauth_session(server, client, secret) as machine:
        machine.fetch_token()
        response = machine.put(f"{server}/api/v1/providers/10007774/catalogue", content=catalog(xcri_course()),
                               headers={"Content-Type": "application/xml"})
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["new"] == 1
    assert httpx.get(f"{server}/api/v1/courses/10007774/NG-1").status_code == 200


def test_a_client_cannot_publish_another_members_catalogue(server, client_a):
    client, secret = client_a
    with oauth_session(server, client, secret) as machine:
        machine.fetch_token()
        response = machine.put(f"{server}/api/v1/providers/{B}/catalogue",
                               content=feed_bytes([course("X")], provider_id=B),
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 403
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_an_unusable_document_is_a_422_problem_carrying_the_report(server, client_a):
    client, secret = client_a
    with oauth_session(server, client, secret) as machine:
        machine.fetch_token()
        response = machine.put(f"{server}/api/v1/providers/{A}/catalogue", content=b"{not json",
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    body = response.json()
    assert body["report"]["outcome"] == "failed" and "unusable document" in body["detail"]


def test_a_document_naming_another_provider_fails(server, client_a):
    client, secret = client_a
    with oauth_session(server, client, secret) as machine:
        machine.fetch_token()
        response = machine.put(f"{server}/api/v1/providers/{A}/catalogue",
                               content=feed_bytes([course("X")], provider_id=B),
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and B in response.json()["detail"]


def test_a_scope_the_client_does_not_hold_is_refused(server, client_a):
    client, secret = client_a
    response = httpx.post(f"{server}/oauth/token", auth=(client.client_id, secret),
                          data={"grant_type": "client_credentials", "scope": "agreements:approve"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_a_wrong_secret_is_refused_and_audited(server, client_a, instance):
    client, _secret = client_a
    response = httpx.post(f"{server}/oauth/token", auth=(client.client_id, "guess"),
                          data={"grant_type": "client_credentials"})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    with instance.readers() as session:
        events = session.scalars(select(SecurityEvent).where(
            SecurityEvent.event == EventKind.CLIENT_AUTHENTICATION)).all()
    assert [e.outcome.value for e in events] == ["failure"]


def test_only_the_client_credentials_grant_exists(server, client_a):
    client, secret = client_a
    response = httpx.post(f"{server}/oauth/token", auth=(client.client_id, secret),
                          data={"grant_type": "password", "username": "x", "password": "y"})
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


def _put(server, token):
    return httpx.put(f"{server}/api/v1/providers/{A}/catalogue", content=feed_bytes([course("C1")], provider_id=A),
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def test_an_expired_token_is_refused_with_a_bearer_challenge(server, client_a, instance):
    client, _ = client_a
    token = bearer_token(instance, client)
    with instance.sessions.begin() as session:
        session.execute(update(AccessToken).values(expires=utcnow() - timedelta(seconds=1)))
    response = _put(server, token)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer") and "invalid_token" in response.headers["WWW-Authenticate"]


def test_a_revoked_token_is_refused(server, client_a):
    client, secret = client_a
    with oauth_session(server, client, secret) as machine:
        token = machine.fetch_token()["access_token"]
        assert _put(server, token).status_code == 200
        response = machine.revoke_token(f"{server}/oauth/revoke", token=token)
        assert response.status_code == 200
    refused = _put(server, token)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_missing_or_made_up_token_is_a_401(server, client_a):
    anonymous = httpx.put(f"{server}/api/v1/providers/{A}/catalogue", content=b"{}",
                          headers={"Content-Type": "application/json"})
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert _put(server, "made-up").status_code == 401


def test_a_revoked_client_gets_no_token_and_its_tokens_stop(server, client_a, instance):
    from directory.identity import clients
    from directory.identity.identity import OPERATOR

    client, secret = client_a
    token = bearer_token(instance, client)
    with instance.sessions.begin() as session:
        clients.revoke_client(session, OPERATOR, client.client_id)
    assert _put(server, token).status_code == 401
    response = httpx.post(f"{server}/oauth/token", auth=(client.client_id, secret),
                          data={"grant_type": "client_credentials"})
    assert response.status_code == 401


def test_introspection_only_for_the_tokens_own_client(server, client_a, instance):
    client, secret = client_a
    other, other_secret = add_client(instance, B, "catalogue:publish")
    token = bearer_token(instance, client)
    own = httpx.post(f"{server}/oauth/introspect", auth=(client.client_id, secret), data={"token": token}).json()
    assert own["active"] is True and own["client_id"] == client.client_id and own["org_id"] == A
    assert set(own["scope"].split()) == {"catalogue:publish", "transfers:read"}
    foreign = httpx.post(f"{server}/oauth/introspect", auth=(other.client_id, other_secret), data={"token": token})
    assert foreign.json() == {"active": False}


def test_server_metadata(server, instance):
    metadata = httpx.get(f"{server}/.well-known/oauth-authorization-server").json()
    issuer = instance.settings.base_url.rstrip("/")
    assert metadata["issuer"] == issuer and metadata["token_endpoint"] == issuer + "/oauth/token"
    assert metadata["grant_types_supported"] == ["client_credentials"]
    assert "catalogue:publish" in metadata["scopes_supported"]
    assert metadata["revocation_endpoint"].endswith("/oauth/revoke")
    assert metadata["introspection_endpoint"].endswith("/oauth/introspect")


def test_client_secrets_and_tokens_are_never_stored_in_clear(server, client_a, instance):
    client, secret = client_a
    with oauth_session(server, client, secret) as machine:
        token = machine.fetch_token()["access_token"]
    with instance.engine.connect() as connection:
        dump = "\n".join(
            repr(row) for table in ("oauth_clients", "oauth_tokens", "security_events")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        )
    assert secret not in dump and token not in dump
    with instance.readers() as session:
        stored = session.scalar(select(OAuthClient).where(OAuthClient.client_id == client.client_id))
    assert len(stored.secret_hash) == 64 and stored.secret_hash != secret
