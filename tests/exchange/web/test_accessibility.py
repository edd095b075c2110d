"""The exchange's pages in a real browser: axe-core finds no serious or critical problem on the matrix, an
agreement, the staff queue, a request, My credit, the new-request form and the qualifications a member's feed
offers (signed in where they need it).
Skips, or fails under CI, as tests/directory/test_accessibility.py does."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update
from werkzeug.serving import make_server

from climbing_frame.app import create_app, make_instance
from climbing_frame.migrate import upgrade
from directory.identity.identity import Role
from exchange.requests.models import TransferRequest
from harvester.environment import harvest_environment
from tests.auth import ALL_PERMISSIONS, add_org, add_user, signed_in
from tests.conftest import make_settings
from tests.directory.test_accessibility import axe_violations, browser, describe  # noqa: F401  (fixture)
from tests.exchange.conftest import HOME, OTHER, TODAY, add_course
from tests.exchange.web.conftest import agreement_body, person, request_body


@pytest.fixture(scope="module")
def exchange_site(tmp_path_factory):
    """An exchange with an active agreement, an accepted and an overdue request, served from a thread."""
    settings = make_settings(tmp_path_factory.mktemp("exchange-a11y"), database_url="")
    instance = make_instance(settings)
    upgrade(instance.engine)
    app = create_app(settings)
    instance.attach(app)
    for org in (HOME, OTHER):
        add_org(instance, org, f"University {org}")
    from decimal import Decimal

    from exchange.awards import AwardSpec, register_award
    from tests.exchange.conftest import ADMIN
    with instance.sessions.begin() as session:
        register_award(session, ADMIN, AwardSpec(HOME, "MSC-DS", "MSc Data Science", Decimal(180), 7))
        versions = [(v.id, v.content_hash) for v in (add_course(session, OTHER, f"C{n}") for n in (1, 2))]
    learner = add_user(instance, "learner@example.org", Role.LEARNER)
    staff = add_user(instance, "staff@home.example.org", Role.STAFF, HOME, ALL_PERMISSIONS)
    other = add_user(instance, "staff@other.example.org", Role.STAFF, OTHER, ALL_PERMISSIONS)
    home_api, other_api = person(app, instance, staff), person(app, instance, other)
    agreement = home_api.post("/api/v1/agreements", json=agreement_body()).json
    home_api.post(f"/api/v1/agreements/{agreement['id']}/propose")
    for caller in (home_api, other_api):
        caller.post(f"/api/v1/agreements/{agreement['id']}/approvals",
                    json={"terms_hash": agreement["current"]["terms_hash"]})
    learner_api = person(app, instance, learner)
    members = type("Members", (), {"versions": versions})
    accepted = learner_api.post("/api/v1/transfer-requests", json=request_body(members, 0)).json
    home_api.post(f"/api/v1/transfer-requests/{accepted['id']}/decision", json={"action": "accept"},
                  headers={"If-Match": str(accepted["version"])})
    waiting = learner_api.post("/api/v1/transfer-requests", json=request_body(members, 1)).json
    with instance.sessions.begin() as session:
        session.execute(update(TransferRequest).where(TransferRequest.id == waiting["id"])
                        .values(due_on=TODAY - timedelta(days=2)))
    _offer_qualifications(instance)
    cookies = {name: signed_in(app, instance, user).get_cookie("session").value
               for name, user in (("learner", learner), ("staff", staff))}
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="exchange-a11y", daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{http.server_port}", "cookies": cookies, "agreement": agreement["id"],
           "accepted": accepted["id"], "waiting": waiting["id"]}
    http.shutdown()
    thread.join(timeout=10)
    instance.close()


def _offer_qualifications(instance) -> None:
    """HOME's feed lists three qualifications beside a course: one to confirm, one titled like HOME's MSc (to
    link), one in the university's own points (blocked until a profile maps them)."""
    from harvester import pipeline, registry
    from tests.factories import course, feed_bytes

    def degree(course_id, title, credit, level):
        return course(course_id, title=title, credit=credit, level={"framework": "FHEQ", "value": level},
                      url=f"https://www.example.ac.uk/degrees/{course_id}")

    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(HOME, f"University {HOME}", None), allow_private=False)
    records = [course("H1"), degree("BSC-AT", "BSc (Hons) Applied Topics", {"value": 360, "scheme": "CATS"}, 6),
               degree("MSC-7", "MSc Data Science", {"value": 180, "scheme": "CATS"}, 7),
               degree("BA-H", "BA (Hons) History", {"value": 360, "scheme": "University of Home"}, 6)]
    run = pipeline.ingest(harvest_environment(instance), HOME, feed_bytes(records, provider_id=HOME))
    assert len(run.qualifications) == 3, run.errors


PAGES = {
    "agreements matrix": (None, "/exchange/agreements/matrix"),
    "qualifications offered by a member's feed": ("staff", "/exchange/qualifications"),
    "agreement page": (None, "/exchange/agreements/{agreement}"),
    "staff queue with an overdue request": ("staff", "/exchange/queue"),
    "request page with the decision form": ("staff", "/exchange/requests/{waiting}"),
    "request page of a learner's decided request": ("learner", "/exchange/requests/{accepted}"),
    "my credit": ("learner", "/exchange/my-credit"),
    "new request form": ("learner", f"/exchange/requests/new?course={OTHER}/C1&target={HOME}"),
}


@pytest.mark.parametrize("who, path", PAGES.values(), ids=PAGES.keys())
def test_exchange_pages_have_no_serious_or_critical_accessibility_violations(browser, exchange_site,  # noqa: F811
                                                                             who, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        if who:
            context.add_cookies([{"name": "session", "value": exchange_site["cookies"][who],
                                  "url": exchange_site["url"]}])
        page = context.new_page()
        response = page.goto(exchange_site["url"] + path.format(**exchange_site))
        assert response.status == 200
        violations = axe_violations(page)
        assert not violations, describe(violations)
    finally:
        context.close()


PHONE = {"width": 390, "height": 844}  # a common phone's CSS viewport
# Page, who is signed in, and what must be on screen (a CSS selector) for the page to be usable on a phone.
PHONE_PAGES = {
    "exchange-matrix": (None, "/exchange/agreements/matrix", "table.matrix caption"),
    "exchange-my-credit": ("learner", "/exchange/my-credit", "h1"),
    "exchange-queue": ("staff", "/exchange/queue", "table.plain a"),
    "exchange-qualifications": ("staff", "/exchange/qualifications", ".offer button[type=submit]"),
    "exchange-request-decide": ("staff", "/exchange/requests/{waiting}", "button[type=submit]"),
    "exchange-request-decided": ("learner", "/exchange/requests/{accepted}", "h1"),
    "exchange-new-request": ("learner", f"/exchange/requests/new?course={OTHER}/C1&target={HOME}",
                             "button[type=submit]"),
}


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_exchange_pages_fit_a_phone_without_sideways_scrolling(browser, exchange_site, name):  # noqa: F811
    """At 390 CSS pixels wide each page answers 200, the page itself does not scroll sideways (a wide
    table may scroll inside its own box) and what the page is for is on screen. The screenshots go to
    var/screenshots/ for people to look at."""
    from tests.directory.test_accessibility import SCREENSHOTS

    who, path, key = PHONE_PAGES[name]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE)
    try:
        if who:
            context.add_cookies([{"name": "session", "value": exchange_site["cookies"][who],
                                  "url": exchange_site["url"]}])
        page = context.new_page()
        response = page.goto(exchange_site["url"] + path.format(**exchange_site))
        assert response.status == 200
        assert page.evaluate("window.innerWidth") == PHONE["width"]
        page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a {PHONE['width']}px phone"
        shown = page.locator(key).first
        assert shown.is_visible(), f"{name}: {key} is not visible"
        box = shown.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + min(box["width"], 1) <= PHONE["width"]
    finally:
        context.close()


def test_my_credit_prints_without_the_site_chrome(browser, exchange_site):  # noqa: F811
    """The printable My credit: the site header is hidden in print and the record is shown."""
    from tests.directory.test_accessibility import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_cookies([{"name": "session", "value": exchange_site["cookies"]["learner"],
                              "url": exchange_site["url"]}])
        page = context.new_page()
        response = page.goto(exchange_site["url"] + "/exchange/my-credit")
        assert response.status == 200
        assert page.locator(".site-header").is_visible()
        page.emulate_media(media="print")
        page.screenshot(path=str(SCREENSHOTS / "exchange-my-credit-print.png"), full_page=True)
        assert page.locator(".site-header").is_hidden()
        assert page.locator("h1").is_visible()
    finally:
        context.close()
