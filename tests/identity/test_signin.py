"""People: signing in and out with a server-side session, lockout and throttling, CSRF, password links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from directory.db import utcnow
from directory.identity.audit import Source
from directory.identity.identity import Permission, Role
from directory.identity.models import (
    EventKind,
    OutboxMessage,
    Outcome,
    PasswordToken,
    SecurityEvent,
    User,
    UserSession,
)
from directory.identity.signin import (
    Policy,
    extend_session,
    session_identity,
    session_needs_extending,
    start_session,
)
from directory.instance import EXTENSION
from tests.auth import add_org, add_user, csrf_of, form_token

PASSWORD = "correct horse battery staple"
A = "10000001"


@pytest.fixture
def person(instance):
    add_org(instance, A)
    return add_user(instance, "staff@a.example.ac.uk", Role.STAFF, A, frozenset({Permission.CATALOGUE}),
                    password=PASSWORD)


def sign_in(client, email, password, **extra):
    token = form_token(client.get("/auth/sign-in").get_data(as_text=True))
    return client.post("/auth/sign-in", data={"email": email, "password": password, "csrf_token": token, **extra},
                       environ_base=extra.pop("environ_base", None) or {"REMOTE_ADDR": "192.0.2.10"})


def me(client) -> dict:
    return client.get("/api/v1/me").json


def events(instance, kind: EventKind) -> list[SecurityEvent]:
    with instance.readers() as session:
        return list(session.scalars(select(SecurityEvent).where(SecurityEvent.event == kind)
                                    .order_by(SecurityEvent.id)))


def test_signing_in_starts_a_session_and_sends_staff_to_their_catalogue(client, person, instance):
    response = sign_in(client, "Staff@A.example.ac.uk ", PASSWORD)
    assert response.status_code == 303 and response.headers["Location"].endswith("/member/")
    identity = me(client)
    assert identity["user_id"] == person.id and identity["org_id"] == A and identity["permissions"] == ["catalogue"]
    (event,) = events(instance, EventKind.SIGN_IN)
    assert event.outcome is Outcome.SUCCESS and event.source_address == "192.0.2.10"


def test_the_session_cookie_is_httponly_and_lax(client, person):
    sign_in(client, person.email, PASSWORD)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_the_cookie_is_secure_when_the_site_is_https(tmp_path, database_kind):
    from climbing_frame.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path, base_url="https://frame.example.ac.uk"))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_session_id_changes_at_sign_in(client, person):
    client.get("/api/v1/me")  # an anonymous session (its CSRF token), as an attacker could plant
    with client.session_transaction() as cookie:
        cookie["sid"] = "planted-by-an-attacker"
        before = dict(cookie)
    sign_in(client, person.email, PASSWORD)
    with client.session_transaction() as cookie:
        after = dict(cookie)
    assert after["sid"] != before["sid"] and len(after["sid"]) >= 40
    assert after.get("csrf_token") != before.get("csrf_token")


def test_an_old_cookie_no_longer_authenticates_after_sign_out(client, app, person):
    sign_in(client, person.email, PASSWORD)
    stolen = client.get_cookie("session").value
    assert me(client)["authenticated"]
    response = client.post("/auth/sign-out", headers={"X-CSRFToken": csrf_of(client)})
    assert response.status_code == 303
    assert not me(client)["authenticated"]
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert me(replay)["authenticated"] is False
    assert replay.get("/member/catalogue").status_code == 302


def test_sign_out_everywhere_ends_every_session(app, person):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, person.email, PASSWORD)
    sign_in(phone, person.email, PASSWORD)
    assert laptop.post("/auth/sign-out-everywhere", headers={"X-CSRFToken": csrf_of(laptop)}).status_code == 303
    assert not me(phone)["authenticated"]


def test_a_form_post_without_the_csrf_token_is_refused(client, person):
    response = client.post("/auth/sign-in", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not me(client)["authenticated"]


def test_a_session_api_call_that_changes_state_needs_the_csrf_header(client, person):
    sign_in(client, person.email, PASSWORD)
    body = {"url": "https://www.example.ac.uk/feed.json"}
    assert client.put(f"/api/v1/providers/{A}/feed", json=body).status_code == 400
    response = client.put(f"/api/v1/providers/{A}/feed", json=body, headers={"X-CSRFToken": csrf_of(client)})
    assert response.status_code == 200 and response.json["url"] == body["url"]


def test_wrong_passwords_lock_the_account_for_a_while(client, person, instance):
    for _ in range(5):
        assert sign_in(client, person.email, "wrong password").status_code == 401
    refused = sign_in(client, person.email, PASSWORD)
    assert refused.status_code == 401 and not me(client)["authenticated"]
    assert [e.outcome for e in events(instance, EventKind.LOCKOUT)] == [Outcome.SUCCESS]
    with instance.sessions.begin() as session:
        session.execute(update(User).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert sign_in(client, person.email, PASSWORD).status_code == 303


def test_failures_counted_under_a_higher_limit_lock_the_account_for_a_while(instance, person):
    from directory.identity import signin

    with instance.sessions.begin() as session:
        session.execute(update(User).values(failed_sign_ins=4))  # counted while the limit was 5
    policy, source = Policy(max_failures=3), Source("192.0.2.10")
    with instance.sessions.begin() as session:
        assert signin.sign_in(session, person.email, PASSWORD, source, policy).outcome.value == "locked"
    with instance.sessions.begin() as session:
        row = session.get(User, person.id)
        assert row.locked_until > utcnow() and row.failed_sign_ins == 0
        row.locked_until = utcnow() - timedelta(seconds=1)
    with instance.sessions.begin() as session:
        assert signin.sign_in(session, person.email, PASSWORD, source, policy).outcome.value == "signed_in"


def test_an_administrator_can_unlock_an_account(app, client, person, instance):
    for _ in range(5):
        sign_in(client, person.email, "wrong password")
    from tests.auth import signed_in

    admin = signed_in(app, instance, add_user(instance, "admin@example.org", Role.ADMIN))
    response = admin.post(f"/admin/users/{person.id}/unlock", headers={"X-CSRFToken": csrf_of(admin)})
    assert response.status_code == 303
    assert sign_in(client, person.email, PASSWORD).status_code == 303


def test_one_address_failing_on_many_accounts_is_throttled(client, instance, person):
    for number in range(20):
        sign_in(client, f"nobody{number}@example.org", "guess")
    response = sign_in(client, person.email, PASSWORD)
    assert response.status_code == 429 and not me(client)["authenticated"]
    other_address = sign_in(client, person.email, PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other_address.status_code == 303


def test_unknown_accounts_and_wrong_passwords_read_the_same(client, person):
    unknown = sign_in(client, "nobody@example.org", PASSWORD).get_data(as_text=True)
    wrong = sign_in(client, person.email, "wrong password").get_data(as_text=True)
    assert "do not match" in unknown and "do not match" in wrong


def test_an_inactive_account_cannot_sign_in(client, person, instance):
    with instance.sessions.begin() as session:
        session.execute(update(User).values(active=False))
    assert sign_in(client, person.email, PASSWORD).status_code == 401


# --- password links ------------------------------------------------------------------------------


def ask_for_reset(client, email: str) -> None:
    token = form_token(client.get("/auth/reset").get_data(as_text=True))
    assert client.post("/auth/reset", data={"email": email, "csrf_token": token}).status_code == 200


def reset_link(instance) -> str:
    with instance.readers() as session:
        message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    (line,) = [line for line in message.body.splitlines() if "/auth/reset/" in line]
    return line[line.index("/auth/reset/"):]


def choose(client, link: str, password: str):
    page = client.get(link)
    if page.status_code != 200:
        return page
    token = form_token(page.get_data(as_text=True))
    return client.post(link, data={"password": password, "confirm": password, "csrf_token": token})


def test_a_reset_link_goes_to_the_outbox_and_works_once(client, person, instance):
    ask_for_reset(client, person.email)
    with instance.readers() as session:
        (message,) = session.scalars(select(OutboxMessage)).all()
        (stored,) = session.scalars(select(PasswordToken)).all()
    assert message.to == person.email and message.kind == "password_reset" and message.sent_at is None
    link = reset_link(instance)
    assert link.split("/")[-1] not in stored.token_hash  # stored as a digest only
    assert choose(client, link, "a brand new passphrase").status_code == 303
    assert sign_in(client, person.email, "a brand new passphrase").status_code == 303
    again = choose(client, link, "yet another passphrase")
    assert again.status_code == 400 and "expired or has been used" in again.get_data(as_text=True)


def test_an_expired_reset_link_is_refused(client, person, instance):
    ask_for_reset(client, person.email)
    link = reset_link(instance)
    with instance.sessions.begin() as session:
        session.execute(update(PasswordToken).values(expires=utcnow() - timedelta(seconds=1)))
    assert choose(client, link, "a brand new passphrase").status_code == 400
    assert sign_in(client, person.email, PASSWORD).status_code == 303


def test_a_reset_ends_every_session_and_lifts_a_lockout(app, client, person, instance):
    other = app.test_client()
    sign_in(other, person.email, PASSWORD)
    for _ in range(5):
        sign_in(client, person.email, "wrong password")
    ask_for_reset(client, person.email)
    assert choose(client, reset_link(instance), "a brand new passphrase").status_code == 303
    assert not me(other)["authenticated"]
    assert sign_in(client, person.email, "a brand new passphrase").status_code == 303
    assert [e.outcome for e in events(instance, EventKind.PASSWORD_CHANGED)] == [Outcome.SUCCESS]


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, instance):
    ask_for_reset(client, "nobody@example.org")
    with instance.readers() as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_a_short_password_is_refused_and_the_link_stays_usable(client, person, instance):
    ask_for_reset(client, person.email)
    link = reset_link(instance)
    assert choose(client, link, "short").status_code == 400
    assert choose(client, link, "long enough passphrase").status_code == 303


def test_sessions_are_stored_by_digest(client, person, instance):
    sign_in(client, person.email, PASSWORD)
    with client.session_transaction() as cookie:
        sid = cookie["sid"]
    with instance.readers() as session:
        (row,) = session.scalars(select(UserSession)).all()
    assert row.id != sid and len(row.id) == 64


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_source(tmp_path, database_kind, instance):
    from climbing_frame.app import create_app
    from tests.conftest import make_settings

    add_org(instance, A)
    add_user(instance, "staff@a.example.ac.uk", Role.STAFF, A, frozenset({Permission.CATALOGUE}), password=PASSWORD)
    forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9"}
    for hops in (0, 1):
        app = create_app(make_settings(tmp_path, proxy_hops=hops))
        sign_in(app.test_client(), "staff@a.example.ac.uk", PASSWORD, environ_base=forwarded)
        app.extensions[EXTENSION].close()
    assert [e.source_address for e in events(instance, EventKind.SIGN_IN)] == ["10.0.0.2", "203.0.113.9"]


def test_a_session_left_idle_ends_and_one_in_use_lasts_until_its_lifetime(instance, person):
    policy = Policy(session_idle=timedelta(hours=2), session_lifetime=timedelta(hours=12))
    start = utcnow()
    with instance.sessions.begin() as session:
        sid = start_session(session, session.get(User, person.id), Source("192.0.2.10", None), policy, now=start)
    with instance.sessions.begin() as session:
        assert session_identity(session, sid, now=start + timedelta(hours=1, minutes=59)) is not None
        assert session_identity(session, sid, now=start + timedelta(hours=2, seconds=1)) is None
    for hour in range(1, 12):  # a request every hour keeps it alive...
        with instance.sessions.begin() as session:
            now = start + timedelta(hours=hour)
            assert session_identity(session, sid, now=now) is not None
            # From hour 10 on, two more hours would pass its lifetime: the end stays where it is.
            assert session_needs_extending(session, sid, policy, now=now) == (hour <= 10)
            extend_session(session, sid, policy, now=now)
            assert not session_needs_extending(session, sid, policy, now=now + timedelta(minutes=1))
    with instance.sessions.begin() as session:  # ...but not past its lifetime
        assert session_identity(session, sid, now=start + timedelta(hours=11, minutes=59)) is not None
        assert session_identity(session, sid, now=start + timedelta(hours=12, seconds=1)) is None


def test_a_request_moves_the_idle_expiry_forward(client, person, instance):
    sign_in(client, person.email, PASSWORD)
    with instance.sessions.begin() as session:
        row = session.scalars(select(UserSession)).one()
        row.expires = utcnow() + timedelta(minutes=30)  # as if the last request was long ago
    assert me(client)["authenticated"]
    with instance.readers() as session:
        expires = session.scalars(select(UserSession)).one().expires
    assert expires > utcnow() + timedelta(minutes=115)
