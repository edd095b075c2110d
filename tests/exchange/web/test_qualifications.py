"""Qualifications offered by a member's feed, through HTTP: a harvest offers them, the member's staff confirm
(an award of the register) or dismiss them on the page (CSRF-protected) and through the API, an award of the
same title is linked rather than duplicated, and another member can neither see nor decide them."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from exchange.awards import Award, list_awards
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import Feed
from tests.auth import form_token, signed_in
from tests.exchange.conftest import HOME, OTHER
from tests.exchange.web.conftest import person, system
from tests.factories import course, feed_bytes

PAGE = "/exchange/qualifications"


def degree(course_id: str, title: str, credit: dict | None = None, **overrides) -> dict:
    values = {"title": title, "credit": credit or {"value": 360, "scheme": "CATS"},
              "level": {"framework": "FHEQ", "value": 6}, "url": f"https://www.example.ac.uk/degrees/{course_id}"}
    return course(course_id, **{**values, **overrides})


def harvest(instance, records: list[dict], provider_id: str = HOME):
    env = harvest_environment(instance)
    with instance.sessions.begin() as session:
        if session.get(Feed, provider_id) is None:
            registry.add_feed(session, registry.FeedSpec(provider_id, f"University {provider_id}", None),
                              allow_private=False)
    run = pipeline.ingest(env, provider_id, feed_bytes([course("C1"), *records], provider_id=provider_id))
    assert run.outcome.value == "succeeded", run.errors
    return run


def offers_of(caller, org: str = HOME) -> dict[str, dict]:
    listed = caller.get(f"/api/v1/qualification-offers?org={org}")
    assert listed.status_code == 200, listed.json
    return {o["qualification_id"]: o for o in listed.json["results"]}


def awards(instance, org: str = HOME) -> dict[str, tuple]:
    with instance.sessions() as session:
        return {a.code: (a.title, a.total_credit, a.level) for a in list_awards(session, org)}


def test_staff_confirm_an_offer_on_the_page_and_it_joins_the_awards_register(app, instance, members):
    harvest(instance, [degree("BSC-AT", "BSc (Hons) Applied Topics")])
    staff = signed_in(app, instance, members.home_staff)
    page = staff.get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Qualifications offered by your feed" in html
    assert "BSc (Hons) Applied Topics" in html and "Waiting for your decision" in html
    assert "FHEQ level 6 (EQF level 6)" in html and "360 CATS credits" in html
    offer_id = offers_of(person(app, instance, members.home_staff))["BSC-AT"]["id"]
    request_form = f"/exchange/requests/new?course={OTHER}/C1&target={HOME}"
    learner = signed_in(app, instance, members.learner)
    assert "BSC-AT" not in learner.get(request_form).get_data(as_text=True)  # not an award yet
    form = {"code": "BSC-AT"}
    assert staff.post(f"{PAGE}/{offer_id}/confirm", data=form).status_code == 400  # no CSRF token
    assert "BSC-AT" not in awards(instance)
    done = staff.post(f"{PAGE}/{offer_id}/confirm", data={**form, "csrf_token": form_token(html)})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"#offer-{offer_id}")
    assert awards(instance)["BSC-AT"] == ("BSc (Hons) Applied Topics", Decimal("360.00"), 6)
    html = staff.get(PAGE).get_data(as_text=True)
    assert "Confirmed: award BSC-AT" in html
    # A learner asking HOME for credit can now name it.
    asked = learner.get(request_form)
    assert asked.status_code == 200 and "BSC-AT" in asked.get_data(as_text=True)


def test_a_refused_confirmation_shows_the_page_again_with_the_reason_and_the_code_typed(app, instance, members):
    harvest(instance, [degree("BSC-AT", "BSc (Hons) Applied Topics")])
    staff = signed_in(app, instance, members.home_staff)
    token = form_token(staff.get(PAGE).get_data(as_text=True))
    offer_id = offers_of(person(app, instance, members.home_staff))["BSC-AT"]["id"]
    # MSC-DS is the code of HOME's MSc Data Science already (tests.exchange.web.conftest)
    refused = staff.post(f"{PAGE}/{offer_id}/confirm", data={"code": "MSC-DS", "csrf_token": token})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "has an award &#39;MSC-DS&#39; already" in html
    assert 'value="MSC-DS"' in html  # what was typed is kept
    assert awards(instance)["MSC-DS"][0] == "MSc Data Science"


def test_an_offer_with_the_title_of_an_existing_award_is_linked_not_duplicated(app, instance, members):
    harvest(instance, [degree("D-7", "MSc Data Science", credit={"value": 180, "scheme": "CATS"},
                              level={"framework": "FHEQ", "value": 7})])
    api = person(app, instance, members.home_staff)
    offer = offers_of(api)["D-7"]
    assert offer["same_title_award"]["code"] == "MSC-DS"
    html = signed_in(app, instance, members.home_staff).get(PAGE).get_data(as_text=True)
    assert "Link to award MSC-DS" in html
    duplicate = api.post(f"/api/v1/qualification-offers/{offer['id']}/confirm", json={})
    assert duplicate.status_code == 409 and "link the offer to it" in duplicate.json["detail"]
    linked = api.post(f"/api/v1/qualification-offers/{offer['id']}/confirm", json={"link": "MSC-DS"})
    assert linked.status_code == 200, linked.json
    assert linked.json["state"] == "confirmed" and linked.json["award"]["code"] == "MSC-DS"
    assert list(awards(instance)) == ["MSC-DS"]


def test_staff_dismiss_an_offer_through_the_api_and_it_stays_dismissed_when_the_feed_offers_it_again(
        app, instance, members):
    harvest(instance, [degree("BSC-AT", "BSc (Hons) Applied Topics")])
    api = person(app, instance, members.home_staff)
    offer = offers_of(api)["BSC-AT"]
    dismissed = api.post(f"/api/v1/qualification-offers/{offer['id']}/dismiss")
    assert dismissed.status_code == 200 and dismissed.json["state"] == "dismissed"
    again = api.post(f"/api/v1/qualification-offers/{offer['id']}/dismiss")
    assert again.status_code == 409 and again.headers["Content-Type"] == "application/problem+json"
    harvest(instance, [degree("BSC-AT", "BSc (Hons) Applied Topics, revised")])
    assert offers_of(api)["BSC-AT"]["state"] == "dismissed"
    assert offers_of(api)["BSC-AT"]["title"] == "BSc (Hons) Applied Topics, revised"
    assert "BSC-AT" not in awards(instance)


def test_a_confirmed_award_waits_for_staff_before_it_takes_the_feeds_changes(app, instance, members):
    harvest(instance, [degree("BSC-AT", "BSc (Hons) Applied Topics")])
    api = person(app, instance, members.home_staff)
    offer_id = offers_of(api)["BSC-AT"]["id"]
    assert api.post(f"/api/v1/qualification-offers/{offer_id}/confirm", json={}).status_code == 200
    harvest(instance, [degree("BSC-AT", "BSc (Hons) Applied Topics and Methods",
                              credit={"value": 180, "scheme": "ECTS"})])
    offer = offers_of(api)["BSC-AT"]
    assert offer["changed"] is True and offer["total_credit"]["cats"] == "360.00"
    assert awards(instance)["BSC-AT"] == ("BSc (Hons) Applied Topics", Decimal("360.00"), 6)  # untouched
    html = signed_in(app, instance, members.home_staff).get(PAGE).get_data(as_text=True)
    assert "changed this qualification since it was confirmed" in html
    again = api.post(f"/api/v1/qualification-offers/{offer_id}/confirm", json={})
    assert again.status_code == 200 and again.json["changed"] is False
    assert awards(instance)["BSC-AT"] == ("BSc (Hons) Applied Topics and Methods", Decimal("360.00"), 6)


def test_an_offer_in_an_unmapped_credit_scheme_cannot_be_confirmed_and_says_what_to_map(app, instance, members):
    harvest(instance, [degree("BA-H", "BA (Hons) History", credit={"value": 360, "scheme": "University of Home"})])
    api = person(app, instance, members.home_staff)
    offer = offers_of(api)["BA-H"]
    assert "credit_schemes" in offer["blocked"] and offer["total_credit"]["system"] is None
    refused = api.post(f"/api/v1/qualification-offers/{offer['id']}/confirm", json={})
    assert refused.status_code == 400 and "University of Home" in refused.json["detail"]
    assert "BA-H" not in awards(instance)


def test_another_member_can_neither_see_nor_decide_an_offer(app, instance, members):
    harvest(instance, [degree("BSC-AT", "BSc (Hons) Applied Topics")])
    offer_id = offers_of(person(app, instance, members.home_staff))["BSC-AT"]["id"]
    other = person(app, instance, members.other_staff)
    assert other.get(f"/api/v1/qualification-offers?org={HOME}").status_code == 403
    assert other.get("/api/v1/qualification-offers").json["results"] == []  # their own: none
    assert other.post(f"/api/v1/qualification-offers/{offer_id}/confirm", json={}).status_code == 404
    assert other.post(f"/api/v1/qualification-offers/{offer_id}/dismiss").status_code == 404
    page = signed_in(app, instance, members.other_staff)
    assert "BSc (Hons) Applied Topics" not in page.get(PAGE).get_data(as_text=True)
    assert page.get(f"{PAGE}?org={HOME}").status_code == 403
    learner = person(app, instance, members.learner)
    assert learner.get(f"/api/v1/qualification-offers?org={HOME}").status_code == 403
    with instance.sessions() as session:
        assert session.scalar(select(Award).where(Award.code == "BSC-AT")) is None
    assert offers_of(person(app, instance, members.home_staff))["BSC-AT"]["state"] == "offered"


def test_a_members_system_reads_with_agreements_read_and_decides_only_with_agreements_approve(app, instance, members):
    harvest(instance, [degree("BSC-AT", "BSc (Hons) Applied Topics")])
    reader = system(app, instance, HOME, "agreements:read")
    offer_id = offers_of(reader)["BSC-AT"]["id"]
    assert reader.post(f"/api/v1/qualification-offers/{offer_id}/confirm", json={}).status_code == 403
    approver = system(app, instance, HOME, "agreements:read agreements:approve")
    assert approver.post(f"/api/v1/qualification-offers/{offer_id}/confirm", json={}).status_code == 200
    assert system(app, instance, OTHER, "agreements:approve").post(
        f"/api/v1/qualification-offers/{offer_id}/dismiss").status_code == 404


def test_the_offers_are_in_the_openapi_document(app):
    paths = app.test_client().get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/qualification-offers", "/api/v1/qualification-offers/{offer_id}/confirm",
            "/api/v1/qualification-offers/{offer_id}/dismiss"} <= set(paths)
