"""The overlap pages in a real browser, at 1280 and 390 px: a course page with a confirmed and a suspected
overlap, a member's staff review page (the two courses side by side on a wide screen, one above the other
on a phone), and the planner's warning. No serious or critical axe violations, nothing breaking the Content
Security Policy, no sideways scrolling; screenshots in var/screenshots/overlap-*.png.

Uses the browser of tests/directory/test_accessibility.py (Debian's chromium, playwright, axe)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from werkzeug.serving import make_server

from climbing_frame.app import create_app, make_instance
from climbing_frame.migrate import upgrade
from directory.identity.identity import OPERATOR, Role
from directory.overlaps import decisions
from tests.auth import ALL_PERMISSIONS, add_user
from tests.conftest import make_settings
from tests.directory.overlaps.test_review import A, B, C, build
from tests.directory.test_accessibility import SCREENSHOTS, axe_violations, browser, describe  # noqa: F401
from tests.directory.test_csp_in_browser import violations
from tests.harvester.test_harvest_pages_in_browser import admin_page  # noqa: F401 - fixture

STAFF_EMAIL, STAFF_PASSWORD = "registry@bexley.example", "a registry officer's long password"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Three universities' wound care courses (Aldport's and Bexley's confirmed alike, Carrow's suspected)
    and group accounts at two of them, served on a local port."""
    settings = make_settings(tmp_path_factory.mktemp("overlaps"), database_url="")
    instance = make_instance(settings)
    upgrade(instance.engine)
    found = build(instance)
    with instance.sessions.begin() as session:
        decisions.confirm(session, OPERATOR, found[frozenset({"WA", "WB"})], now=datetime(2027, 3, 3, tzinfo=UTC))
    add_user(instance, STAFF_EMAIL, Role.STAFF, B, ALL_PERMISSIONS, password=STAFF_PASSWORD)
    app = create_app(settings)
    instance.attach(app)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="overlap-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)
    instance.close()


@pytest.fixture
def page(admin_page):  # noqa: F811 - the harvest pages' browser page: 1280 and 390 px, CSP and console recorded
    return admin_page


def check(page, name: str) -> None:
    assert violations(page) == [], name
    found = axe_violations(page)
    assert not found, f"{name}: {describe(found)}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"overlap-{name}-{page.width}.png"), full_page=True)


def test_the_course_page_shows_both_levels(page, server):
    page.goto(server + f"/courses/{A}/WA")
    confirmed = page.locator("section.overlap-notes.confirmed")
    assert "Wound care in the community" in confirmed.inner_text()
    assert "confirmed by the consortium on 3 March 2027" in confirmed.inner_text()
    assert "Caring for wounds" in page.locator("section.overlap-notes.suspected").inner_text()
    page.locator("section.overlap-notes.suspected summary").first.click()
    check(page, "course")


def test_the_staff_review_page_sets_the_courses_side_by_side(page, server):
    page.goto(server + "/auth/sign-in")
    page.fill("#email", STAFF_EMAIL)
    page.fill("#password", STAFF_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("load")
    page.goto(server + "/member/overlaps/")
    assert "Consolidated financial statements" in page.content() and "Caring for wounds" in page.content()
    assert "Wound care in the community and Caring for wounds" in page.content()
    assert page.locator("mark").count() > 0
    sides = page.locator("li.pair").first.locator(".pair-side")
    first, second = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    if page.width >= 1280:
        assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + first["width"] - 1  # side by side
    else:
        assert second["y"] >= first["y"] + first["height"] - 1  # one above the other
    check(page, "review")


def test_the_planner_warns_of_a_suspected_overlap(page, server):
    page.goto(server + "/planner")
    for key in (f"{A}/WA", f"{C}/WC"):
        page.fill("#awarded_on", "2026-01-10")
        page.fill("#course", key)
        page.click("form.planner-form button[type=submit]")
        page.wait_for_load_state("load")
    assert ("Wound care and Caring for wounds may overlap — the universities will check; if they confirm it, "
            "only one will count.") in page.locator(".overlap-notes.suspected").inner_text()
    check(page, "planner")
