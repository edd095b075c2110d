"""Signing in through a member's own OpenID Connect provider, against a real provider on a local port
(tests/identity/idp.py): the browser's trip to the provider is made with httpx, and the callback address
it is sent back to is fed to the Flask test client."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select
from werkzeug import Response

from directory.errors import Invalid
from directory.identity import oidc
from directory.identity.identity import OPERATOR, Permission, Role
from directory.identity.models import EventKind, OrganisationSignIn, Outcome, SecurityEvent, User
from directory.outbound import AddressPolicy, PinnedTransport
from directory.web import oidc_sign_in
from tests.auth import add_org, add_user
from tests.conftest import make_settings
from tests.identity.idp import CLIENT_ID, CLIENT_SECRET, IdentityProvider, Running
from tests.rebinding import INTERNAL, PUBLIC, ScriptedResolver, policy, twin_servers

A = "10000001"


@pytest.fixture(scope="module")
def running_idp():
    running = Running()
    yield running
    running.stop()


@pytest.fixture
def idp(running_idp):
    from tests.identity.idp import Misbehaviour, TestUser

    running_idp.provider.user, running_idp.provider.misbehave = TestUser(), Misbehaviour()
    return running_idp.provider


@pytest.fixture
def settings(tmp_path, database_kind):
    return make_settings(tmp_path, oidc_allow_private=True)


@pytest.fixture
def member(instance, idp):
    add_org(instance, A, "University of Testing")
    with instance.sessions.begin() as session:
        oidc.configure(session, OPERATOR, A, issuer=idp.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                       enabled=True, allowed_domains=(), secret_key=instance.settings.secret_key,
                       check_url=instance.check_identity_provider_url)
    return A


def to_provider_and_back(client, org_id: str = A) -> str:
    """Start at our site, let the provider approve, and return our callback path it sends the browser to."""
    start = client.get(f"/auth/oidc/{org_id}/start")
    assert start.status_code == 302, start.get_data(as_text=True)
    answer = httpx.get(start.headers["Location"])
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    return f"{back.path}?{back.query}"


def sign_in_through_provider(client, org_id: str = A):
    return client.get(to_provider_and_back(client, org_id))


def refusals(instance) -> list[str]:
    with instance.readers() as session:
        return [e.detail.get("reason") for e in session.scalars(
            select(SecurityEvent).where(SecurityEvent.event == EventKind.EXTERNAL_SIGN_IN_REFUSED,
                                        SecurityEvent.outcome == Outcome.FAILURE).order_by(SecurityEvent.id))]


def me(client) -> dict:
    return client.get("/api/v1/me").json


def test_the_sign_in_page_offers_each_enabled_university(client, member):
    page = client.get("/auth/sign-in").get_data(as_text=True)
    assert "Sign in with University of Testing" in page and f"/auth/oidc/{A}/start" in page


def test_the_start_sends_state_nonce_and_a_pkce_challenge(client, member, idp):
    location = client.get(f"/auth/oidc/{A}/start").headers["Location"]
    query = dict(pair.split("=", 1) for pair in urlsplit(location).query.split("&"))
    assert location.startswith(idp.url + "/authorize")
    assert {"state", "nonce", "code_challenge"} <= set(query) and query["code_challenge_method"] == "S256"


def test_a_first_sign_in_provisions_a_learner_and_changes_the_session_id(client, member, instance, idp):
    client.get("/api/v1/me")
    with client.session_transaction() as cookie:
        cookie["sid"] = "planted-by-an-attacker"
    response = sign_in_through_provider(client)
    assert response.status_code == 303, response.get_data(as_text=True)
    with client.session_transaction() as cookie:
        assert cookie["sid"] != "planted-by-an-attacker"
    identity = me(client)
    assert identity["role"] == "learner" and identity["org_id"] is None
    with instance.readers() as session:
        (event,) = session.scalars(select(SecurityEvent).where(SecurityEvent.event == EventKind.SIGN_IN))
    assert event.outcome is Outcome.SUCCESS and event.detail == {"method": "oidc", "org_id": A}
    with instance.readers() as session:
        user = session.scalar(select(User).where(User.email == idp.user.email))
        assert (user.external_issuer, user.external_subject, user.password_hash) == (idp.url, idp.user.subject, None)
        assert identity["user_id"] == user.id


def test_a_second_sign_in_finds_the_account_by_issuer_and_subject(app, member, instance, idp):
    sign_in_through_provider(app.test_client())
    idp.user.email = "ada.new-name@a.example.ac.uk"  # the address changed at the university
    second = app.test_client()
    assert sign_in_through_provider(second).status_code == 303
    with instance.readers() as session:
        assert session.scalar(select(User.id).where(User.email == idp.user.email)) is None
        assert me(second)["user_id"] == session.scalar(select(User.id).where(User.external_subject == "u-1001"))


def test_staff_created_by_an_administrator_are_linked_at_their_first_sign_in(client, member, instance, idp):
    staff = add_user(instance, idp.user.email, Role.STAFF, A, frozenset({Permission.CATALOGUE}))
    assert sign_in_through_provider(client).status_code == 303
    assert me(client)["user_id"] == staff.id and me(client)["org_id"] == A
    with instance.readers() as session:
        assert session.get(User, staff.id).external_subject == idp.user.subject


@pytest.mark.parametrize("role", [Role.LEARNER, Role.ADMIN])
def test_an_existing_account_outside_the_organisation_is_not_taken_over(client, member, instance, idp, role):
    add_user(instance, idp.user.email, role)
    response = sign_in_through_provider(client)
    assert response.status_code == 401 and not me(client)["authenticated"]
    assert refusals(instance) == [oidc.Refusal.ACCOUNT_CONFLICT.value]


def test_a_token_from_another_issuer_is_refused(client, member, instance, idp):
    idp.misbehave.issuer = "https://impostor.example.org"
    assert sign_in_through_provider(client).status_code == 401
    assert not me(client)["authenticated"]
    assert refusals(instance) == ["wrong issuer"]


def test_a_token_signed_with_a_key_not_published_is_refused(client, member, instance, idp):
    idp.misbehave.foreign_key = True
    assert sign_in_through_provider(client).status_code == 401
    assert refusals(instance) == ["bad signature"]


def test_an_expired_token_is_refused(client, member, instance, idp):
    idp.misbehave.expired = True
    assert sign_in_through_provider(client).status_code == 401
    assert refusals(instance) == ["expired token"]


def test_a_replayed_callback_is_refused(client, member, instance, idp):
    callback = to_provider_and_back(client)
    assert client.get(callback).status_code == 303
    assert client.get(callback).status_code == 401
    assert refusals(instance) == ["state mismatch"]


def test_a_replayed_nonce_is_refused_even_with_the_old_cookie_and_a_lax_provider(app, member, instance, idp):
    idp.misbehave.reuse_codes = True  # so the replay reaches our own nonce check
    client = app.test_client()
    callback = to_provider_and_back(client)
    with client.session_transaction() as cookie:
        before = dict(cookie)  # the cookie as it was before the callback (state and nonce inside)
    assert client.get(callback).status_code == 303
    with client.session_transaction() as cookie:
        cookie.clear()
        cookie.update(before)
    assert client.get(callback).status_code == 401
    assert refusals(instance) == ["replayed nonce"]


def test_a_callback_with_another_state_is_refused(client, member, instance, idp):
    callback = to_provider_and_back(client)
    assert client.get(callback.replace("state=", "state=x")).status_code == 401
    assert refusals(instance) == ["state mismatch"]


def test_an_error_from_the_provider_is_refused_and_logged(client, member, instance):
    client.get(f"/auth/oidc/{A}/start")
    assert client.get(f"/auth/oidc/{A}/callback?error=access_denied&state=x").status_code == 401
    with instance.readers() as session:
        event = session.scalar(select(SecurityEvent).where(SecurityEvent.outcome == Outcome.FAILURE))
    assert event.detail["reason"] == "the identity provider answered with an error"
    assert event.detail["error"] == "access_denied"


def test_an_unverified_email_is_not_provisioned(client, member, instance, idp):
    idp.user.email_verified = False
    assert sign_in_through_provider(client).status_code == 401
    with instance.readers() as session:
        assert session.scalar(select(User).where(User.email == idp.user.email)) is None
    assert refusals(instance) == ["email not verified"]


def test_an_email_outside_the_allowed_domains_is_not_provisioned(client, member, instance, idp):
    with instance.sessions.begin() as session:
        oidc.configure(session, OPERATOR, A, issuer=idp.url, client_id=CLIENT_ID, client_secret=None,
                       enabled=True, allowed_domains=("other.example.ac.uk",),
                       secret_key=instance.settings.secret_key, check_url=instance.check_identity_provider_url)
    assert sign_in_through_provider(client).status_code == 401
    assert refusals(instance) == ["email domain not allowed"]


def test_a_disabled_organisation_offers_no_sign_in(client, member, instance, idp):
    with instance.sessions.begin() as session:
        oidc.configure(session, OPERATOR, A, issuer=idp.url, client_id=CLIENT_ID, client_secret=None,
                       enabled=False, allowed_domains=(), secret_key=instance.settings.secret_key,
                       check_url=instance.check_identity_provider_url)
    assert "Sign in with" not in client.get("/auth/sign-in").get_data(as_text=True)
    assert client.get(f"/auth/oidc/{A}/start").status_code == 401


def test_the_client_secret_is_stored_encrypted(member, instance):
    with instance.readers() as session:
        row = session.get(OrganisationSignIn, A)
    assert CLIENT_SECRET not in row.client_secret_sealed
    with instance.readers() as session:
        assert oidc.provider_config(session, A, instance.settings.secret_key).client_secret == CLIENT_SECRET
    with pytest.raises(Invalid):
        with instance.readers() as session:
            oidc.provider_config(session, A, "another-secret-key")


def test_a_private_issuer_is_refused_unless_allowed(tmp_path, instance):
    from climbing_frame.app import make_instance

    strict = make_instance(make_settings(tmp_path, oidc_allow_private=False))
    with pytest.raises(Invalid, match="private"):
        strict.check_identity_provider_url("http://127.0.0.1:9/")
    strict.close()


def test_an_administrator_sets_the_provider_on_the_organisation_page(app, instance, idp):
    from tests.auth import form_token, signed_in

    add_org(instance, A, "University of Testing")
    admin = signed_in(app, instance, add_user(instance, "admin@example.org", Role.ADMIN))
    page = admin.get(f"/admin/organisations/{A}/sign-in")
    assert page.status_code == 200 and f"/auth/oidc/{A}/callback" in page.get_data(as_text=True)
    form = {"issuer": idp.url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "enabled": "true",
            "allowed_domains": "a.example.ac.uk", "csrf_token": form_token(page.get_data(as_text=True))}
    assert admin.post(f"/admin/organisations/{A}/sign-in", data=form).status_code == 303
    assert admin.post(f"/admin/organisations/{A}/sign-in", data={**form, "csrf_token": "x"}).status_code == 400
    assert sign_in_through_provider(app.test_client()).status_code == 303


def test_the_command_line_sets_the_provider_with_the_secret_from_stdin(env_for_cli, instance, idp):
    from click.testing import CliRunner

    from climbing_frame.cli import main

    add_org(instance, A, "University of Testing")
    result = CliRunner().invoke(main, ["orgs", "oidc", "--org", A, "--issuer", idp.url, "--client-id", CLIENT_ID,
                                       "--client-secret-stdin"], input=CLIENT_SECRET + "\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"/auth/oidc/{A}/callback" in result.output
    with instance.readers() as session:
        assert oidc.provider_config(session, A, "cli-secret").client_secret == CLIENT_SECRET


@pytest.fixture
def env_for_cli(tmp_path, instance, monkeypatch):
    for key, value in {"CF_SETTINGS_FILE": str(tmp_path / "none.toml"), "CF_DATA_DIR": str(instance.settings.data_dir),
                       "CF_DATABASE_URL": instance.settings.database_url, "CF_SECRET_KEY": "cli-secret",
                       "CF_OIDC_ALLOW_PRIVATE": "1", "CF_LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(key, value)


@pytest.mark.parametrize("endpoint", ["discovery", "token", "jwks"])
def test_a_provider_answering_with_a_redirect_is_refused_not_followed(client, member, instance, idp, endpoint):
    # A redirect could lead the instance to an address nobody checked (the internal network).
    idp.misbehave.redirect = endpoint
    if endpoint == "discovery":
        assert client.get(f"/auth/oidc/{A}/start").status_code == 502
    else:
        assert sign_in_through_provider(client).status_code == 502
    assert not me(client)["authenticated"]
    assert refusals(instance) == ["the identity provider could not be reached or answered nonsense"]


# --- DNS rebinding: every call to the provider goes to the address checked -------------------------


@pytest.fixture
def named_idp():
    """A provider whose issuer is a host name, ``idp.test``: served at 127.0.0.2 (passing for public),
    with a server standing for the internal network at 127.0.0.1 on the same port."""
    with twin_servers() as twins:
        provider = IdentityProvider(f"http://idp.test:{twins.port}")
        wsgi = provider.app()

        def serve(request):
            body = request.get_data()  # already read by the recording server: handed on afresh
            environ = {**request.environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
            return Response.from_app(wsgi, environ)

        twins.public.expect_request(re.compile(".*")).respond_with_handler(serve)
        yield provider, twins


@pytest.fixture
def named_member(app, instance, named_idp):
    provider, _ = named_idp
    resolver = ScriptedResolver("idp.test", [PUBLIC])
    app.extensions[oidc_sign_in.ADDRESSES] = policy(resolver)
    add_org(instance, A, "University of Testing")
    with instance.sessions.begin() as session:
        oidc.configure(session, OPERATOR, A, issuer=provider.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                       enabled=True, allowed_domains=(), secret_key=instance.settings.secret_key,
                       check_url=instance.check_identity_provider_url)
    return resolver


def browse_to_named_provider_and_back(client) -> str:
    start = client.get(f"/auth/oidc/{A}/start")
    assert start.status_code == 302, start.get_data(as_text=True)
    browser = PinnedTransport(AddressPolicy(allow_private=True, resolver=lambda host, port: [PUBLIC]))
    with httpx.Client(transport=browser) as http:
        answer = http.get(start.headers["Location"])
    back = urlsplit(answer.headers["location"])
    return f"{back.path}?{back.query}"


def test_a_provider_named_by_a_host_name_is_called_at_the_address_checked(client, named_idp, named_member):
    _, twins = named_idp

    assert client.get(browse_to_named_provider_and_back(client)).status_code == 303

    assert me(client)["authenticated"]
    calls = [(request.method, request.path, request.headers["Host"]) for request, _ in twins.public.log]
    host = f"idp.test:{twins.port}"
    assert ("GET", "/.well-known/openid-configuration", host) in calls
    assert ("POST", "/token", host) in calls and ("GET", "/jwks", host) in calls
    assert twins.internal.log == []


def test_a_provider_name_rebinding_after_discovery_is_refused(client, instance, named_idp, named_member):
    _, twins = named_idp
    named_member.answer([PUBLIC], [INTERNAL])

    assert client.get(f"/auth/oidc/{A}/start").status_code == 502

    assert [request.path for request, _ in twins.public.log] == ["/.well-known/openid-configuration"]
    assert twins.internal.log == []
    assert refusals(instance) == ["the identity provider could not be reached or answered nonsense"]


def test_a_provider_name_rebinding_before_the_token_request_sends_nothing_inside(client, instance, named_idp,
                                                                               named_member):
    _, twins = named_idp
    callback = browse_to_named_provider_and_back(client)
    # The callback checks the three endpoints of the discovery document (public), then the token
    # request resolves the name for itself: internal now, so it is refused, not sent.
    named_member.answer([PUBLIC], [PUBLIC], [PUBLIC], [INTERNAL])

    assert client.get(callback).status_code == 502

    assert "/token" not in [request.path for request, _ in twins.public.log]
    assert twins.internal.log == []
    assert not me(client)["authenticated"]
    with instance.readers() as session:
        refused = session.scalars(select(SecurityEvent).where(SecurityEvent.event == EventKind.EXTERNAL_SIGN_IN_REFUSED))
        # The token request's own refusal (the endpoint checks name the endpoint first).
        assert [event.detail["error"] for event in refused] == [
            f"refused: idp.test resolves to private address {INTERNAL}"]


def test_a_provider_name_answering_internal_first_is_never_called(client, instance, named_idp, named_member):
    _, twins = named_idp
    named_member.answer([INTERNAL], [PUBLIC])

    assert client.get(f"/auth/oidc/{A}/start").status_code == 502

    assert twins.public.log == [] and twins.internal.log == []
