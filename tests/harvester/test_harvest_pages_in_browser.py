"""The harvest pages in a real browser: no serious or critical axe violations, nothing breaking the Content
Security Policy, and screenshots at 1280 and 390 px (var/screenshots/harvest-*.png), for the dashboard, a
feed's page, the member's catalogue page with a refused profile, and the dry-run page with its report.

Uses the server and browser of tests/directory/test_accessibility.py (Debian's chromium, playwright, axe)."""

from __future__ import annotations

import pytest

from tests.directory.test_accessibility import (  # noqa: F401 - fixtures
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    SCREENSHOTS,
    A,
    axe_violations,
    browser,
    describe,
    server,
)
from tests.directory.test_csp_in_browser import RECORD_VIOLATIONS, violations
from tests.factories import course, feed_bytes

PAGES = {
    "dashboard": "/admin/harvest",
    "feed": f"/admin/harvest/{A}",
    "catalogue": f"/member/catalogue?provider={A}",
    "check": f"/member/catalogue/check?provider={A}",
}


@pytest.fixture(params=[1280, 390], ids=["1280px", "390px"])
def admin_page(request, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)
    page.width = request.param
    yield page
    context.close()


def sign_in(page, server):  # noqa: F811
    page.goto(server + "/auth/sign-in")
    page.fill("#email", ADMIN_EMAIL)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("load")


def check(page, name: str) -> None:
    assert violations(page) == [], name
    found = axe_violations(page)
    assert not found, f"{name}: {describe(found)}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"harvest-{name}-{page.width}.png"), full_page=True)


def test_the_harvest_pages_are_accessible_and_keep_their_policy(admin_page, server, tmp_path):  # noqa: F811
    sign_in(admin_page, server)
    for name, path in PAGES.items():
        response = admin_page.goto(server + path)
        assert response.status == 200, path
        check(admin_page, name)

    admin_page.goto(server + PAGES["catalogue"])
    admin_page.fill("#profile", '[levels]\n"Higher" = { framework = "NOPE", value = 6 }\n')
    admin_page.click("text=Save the profile")
    assert "Profile not saved" in admin_page.content() and "NOPE" in admin_page.input_value("#profile")
    check(admin_page, "catalogue-refused-profile")

    document = tmp_path / "feed.json"
    document.write_bytes(feed_bytes([course("T1"), course("T2", title="Bridges and tunnels",
                                                          credit={"value": 15, "scheme": "Aldport Points"})],
                                    provider_id=A))
    admin_page.goto(server + PAGES["check"])
    admin_page.set_input_files("#document", str(document))
    admin_page.click("text=Check the document")
    assert "Bridges and tunnels" in admin_page.content()
    check(admin_page, "check-report")
