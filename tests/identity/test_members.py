"""Member universities look after their own catalogue, and only their own: no id in a URL reaches another
member's data."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from directory.identity.identity import Permission, Role
from directory.identity.models import EventKind, Organisation, SecurityEvent, User
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from tests.auth import ALL_PERMISSIONS, add_org, add_user, csrf_of, signed_in
from tests.factories import course, feed_bytes

A, B = "10000001", "10000002"


def publish(instance, provider_id, courses):
    with instance.sessions.begin() as session:
        if session.get(registry.Feed, provider_id) is None:
            registry.add_feed(session, registry.FeedSpec(provider_id, "University", None), allow_private=False)
    return pipeline.ingest(harvest_environment(instance), provider_id, feed_bytes(courses, provider_id=provider_id))


@pytest.fixture
def members(app, instance):
    publish(instance, A, [course("A1"), course("BAD", level={"framework": "FHEQ", "value": 2})])
    publish(instance, B, [course("B1")])
    staff_a = add_user(instance, "staff@a.example.org", Role.STAFF, A, ALL_PERMISSIONS)
    staff_b = add_user(instance, "staff@b.example.org", Role.STAFF, B, ALL_PERMISSIONS)
    return signed_in(app, instance, staff_a), signed_in(app, instance, staff_b)


def test_an_organisation_is_created_when_its_feed_is_registered_and_keeps_that_name(instance):
    # Registered as "University"; the document calls its provider "University of Testing".
    publish(instance, A, [course("A1")])
    with instance.readers() as session:
        organisation = session.get(Organisation, A)
    assert organisation.name == "University"


def test_staff_see_their_own_quarantine_on_my_catalogue(members):
    staff_a, _ = members
    page = staff_a.get("/member/catalogue")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "BAD" in text and "level.value" in text


def test_staff_of_b_cannot_read_as_quarantine(members, instance):
    _, staff_b = members
    assert staff_b.get(f"/member/catalogue?provider={A}").status_code == 403
    assert staff_b.get(f"/api/v1/providers/{A}/harvest/quarantine").status_code == 403
    assert staff_b.get(f"/api/v1/providers/{A}/harvest/runs").status_code == 403
    assert staff_b.get(f"/api/v1/harvest/quarantine?feed={A}").status_code == 403
    own = staff_b.get("/api/v1/harvest/quarantine").json  # no filter: their own feed only
    assert own["total"] == 0
    with instance.readers() as session:
        denials = session.scalars(select(SecurityEvent).where(SecurityEvent.event == EventKind.PERMISSION_DENIED)).all()
    assert len(denials) == 4 and all(d.actor.startswith("user:") for d in denials)


def test_staff_of_b_cannot_set_as_feed_url(members, instance):
    _, staff_b = members
    csrf = csrf_of(staff_b)
    response = staff_b.put(f"/api/v1/providers/{A}/feed", json={"url": "https://evil.example/feed.json"},
                           headers={"X-CSRFToken": csrf})
    assert response.status_code == 403
    form = staff_b.post("/member/catalogue/feed", data={"provider": A, "url": "https://evil.example/feed.json"},
                        headers={"X-CSRFToken": csrf})
    assert form.status_code == 403
    with instance.readers() as session:
        assert session.get(registry.Feed, A).url is None


def test_staff_of_b_cannot_publish_as_catalogue(members, client):
    _, staff_b = members
    response = staff_b.put(f"/api/v1/providers/{A}/catalogue", data=feed_bytes([], provider_id=A),
                           content_type="application/json", headers={"X-CSRFToken": csrf_of(staff_b)})
    assert response.status_code == 403
    assert client.get(f"/api/v1/courses?provider={A}").json["total"] == 1


def test_staff_publish_by_session_with_the_csrf_header(members, client):
    staff_a, _ = members
    response = staff_a.put(f"/api/v1/providers/{A}/catalogue", data=feed_bytes([course("A1"), course("A9")], provider_id=A),
                           content_type="application/json", headers={"X-CSRFToken": csrf_of(staff_a)})
    assert response.status_code == 200 and response.json["counts"]["new"] == 1
    assert client.get(f"/api/v1/courses?provider={A}").json["total"] == 2


def test_staff_without_the_catalogue_permission_cannot_publish(app, instance, members):
    clerk = signed_in(app, instance, add_user(instance, "clerk@a.example.org", Role.STAFF, A,
                                              frozenset({Permission.TRANSFERS})))
    assert clerk.get("/member/catalogue").status_code == 403


def test_staff_set_their_feed_url_checked_like_feeds_add(members, instance):
    staff_a, _ = members
    csrf = csrf_of(staff_a)
    good = staff_a.post("/member/catalogue/feed", data={"url": "https://www.example.ac.uk/feed.json"},
                        headers={"X-CSRFToken": csrf})
    assert good.status_code == 303
    with instance.readers() as session:
        assert session.get(registry.Feed, A).url == "https://www.example.ac.uk/feed.json"
    # With private addresses refused (production), a loopback feed is refused with the reason.
    from directory.errors import Invalid
    from directory.identity.service import identity_of
    from harvester import publishing

    with instance.sessions() as session:
        caller = identity_of(session.scalar(select(User).where(User.email == "staff@a.example.org")))
        with pytest.raises(Invalid, match="refused"):
            publishing.set_feed_url(session, caller, A, "http://127.0.0.1:9/feed.json", allow_private=False,
                                    default_every="6h")


def test_a_new_provider_publishing_first_gets_a_push_feed(app, instance):
    add_org(instance, "10000077", "Late University")
    staff = signed_in(app, instance, add_user(instance, "s@late.example.org", Role.STAFF, "10000077",
                                              ALL_PERMISSIONS))
    response = staff.put("/api/v1/providers/10000077/catalogue", data=feed_bytes([course("L1")], provider_id="10000077"),
                         content_type="application/json", headers={"X-CSRFToken": csrf_of(staff)})
    assert response.status_code == 200
    feed = staff.get("/api/v1/providers/10000077/feed").json
    assert feed["url"] is None and feed["id"] == "10000077"


# --- the command line --------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path, instance, monkeypatch):
    from tests.conftest import TEST_DATABASE_URL

    for key, value in {"CF_SETTINGS_FILE": str(tmp_path / "none.toml"), "CF_DATA_DIR": str(instance.settings.data_dir),
                       "CF_DATABASE_URL": TEST_DATABASE_URL, "CF_SECRET_KEY": "test", "CF_LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(key, value)


def run(*args, input=None):
    from climbing_frame.cli import main

    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_orgs_users_and_clients_from_the_command_line(cli_env, instance):
    assert run("orgs", "add", "--provider-id", A, "--name", "University of Testing").exit_code == 0
    listed = json.loads(run("orgs", "list", "--json").output)
    assert listed == [{"id": A, "name": "University of Testing"}]

    created = run("users", "create", "--email", "s@a.example.org", "--role", "staff", "--org", A,
                  "--permissions", "catalogue,transfers", "--password-stdin", input="a long passphrase\n")
    assert created.exit_code == 0, created.output
    invited = run("users", "create", "--email", "admin@example.org", "--role", "admin")
    assert invited.exit_code == 0 and "/auth/reset/" in invited.output
    bad = run("users", "create", "--email", "x@example.org", "--role", "staff")
    assert bad.exit_code != 0 and "organisation" in bad.output

    made = run("clients", "create", "--org", A, "--scopes", "catalogue:publish transfers:read", "--json")
    credentials = json.loads(made.output)
    assert set(credentials) == {"client_id", "client_secret"}
    with instance.engine.connect() as connection:
        from sqlalchemy import text

        assert credentials["client_secret"] not in repr(connection.execute(text("SELECT * FROM oauth_clients")).all())
    unknown = run("clients", "create", "--org", A, "--scopes", "everything")
    assert unknown.exit_code != 0 and "unknown scope" in unknown.output


def test_staff_made_as_the_readme_says_open_the_queue_and_narrowed_staff_do_not(cli_env, app, instance):
    """`users create --role staff` gives every staff permission; `--permissions` narrows them."""
    assert run("orgs", "add", "--provider-id", A, "--name", "University of Testing").exit_code == 0
    for email, narrowing in (("all@a.example.org", []), ("few@a.example.org", ["--permissions", "catalogue"])):
        made = run("users", "create", "--email", email, "--role", "staff", "--org", A, *narrowing)
        assert made.exit_code == 0, made.output
    with instance.sessions.begin() as session:
        people = {u.email: u for u in session.scalars(select(User))}
        session.expunge_all()
    assert sorted(people["all@a.example.org"].permissions) == sorted(p.value for p in Permission)
    assert people["few@a.example.org"].permissions == ["catalogue"]
    assert signed_in(app, instance, people["all@a.example.org"]).get("/exchange/queue").status_code == 200
    assert signed_in(app, instance, people["few@a.example.org"]).get("/exchange/queue").status_code == 403


def test_a_set_password_link_from_the_command_line_works_once(cli_env, app, instance):
    output = run("users", "create", "--email", "new@example.org", "--role", "learner").output
    link = output[output.index("/auth/reset/"):].strip()
    client = app.test_client()
    page = client.get(link)
    from tests.auth import form_token

    data = {"password": "my own passphrase", "confirm": "my own passphrase",
            "csrf_token": form_token(page.get_data(as_text=True))}
    assert client.post(link, data=data).status_code == 303
    assert client.post(link, data=data).status_code == 400


def put_catalogue(staff, provider_id, courses, query=""):
    return staff.put(f"/api/v1/providers/{provider_id}/catalogue{query}",
                     data=feed_bytes(courses, provider_id=provider_id), content_type="application/json",
                     headers={"X-CSRFToken": csrf_of(staff)})


def test_a_member_with_several_feeds_pushes_to_a_named_feed_or_its_one_push_feed(members, instance, client):
    staff_a, staff_b = members
    with instance.sessions.begin() as session:  # A's push feed (id A) and a harvested VLE feed
        registry.add_feed(session, registry.FeedSpec(A, "University", "http://127.0.0.1:9/vle.json",
                                                     id="a-vle"), allow_private=True)
    # No feed named: the one push feed (A's), whose courses the VLE feed does not touch.
    pushed = put_catalogue(staff_a, A, [course("A1"), course("A2")])
    assert pushed.status_code == 200 and pushed.json["feed"] == A and pushed.json["counts"]["new"] == 1
    # A feed named: that one; its runs and the member's are the member's to read.
    named = put_catalogue(staff_a, A, [course("V1")], "?feed=a-vle")
    assert named.status_code == 200 and named.json["feed"] == "a-vle"
    assert client.get(f"/api/v1/courses?provider={A}").json["total"] == 3
    runs = staff_a.get(f"/api/v1/providers/{A}/harvest/runs").json
    assert {r["feed"] for r in runs["results"]} == {A, "a-vle"}
    assert staff_a.get("/api/v1/harvest/runs?feed=a-vle").status_code == 200
    assert staff_b.get("/api/v1/harvest/runs?feed=a-vle").status_code == 403
    assert {r["feed"] for r in staff_a.get("/api/v1/harvest/runs").json["results"]} == {A, "a-vle"}
    # Another member's feed cannot be named, and neither can a feed that does not exist.
    assert put_catalogue(staff_b, B, [course("B1")], "?feed=a-vle").status_code == 404
    assert staff_a.get(f"/api/v1/providers/{A}/feed?feed=a-vle").json["url"] == "http://127.0.0.1:9/vle.json"

    # Two push feeds: a push must name one, and is told which there are.
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(A, "University", None, id="a-shop"), allow_private=False)
    refused = put_catalogue(staff_a, A, [course("A1")])
    assert refused.status_code == 400 and "several feeds (10000001, a-shop, a-vle): name one" in refused.json["detail"]
    set_url = staff_a.put(f"/api/v1/providers/{A}/feed", json={"url": None, "feed": "a-vle"},
                          headers={"X-CSRFToken": csrf_of(staff_a)})
    assert set_url.status_code == 200 and set_url.json["id"] == "a-vle" and set_url.json["url"] is None
