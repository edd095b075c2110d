"""The pages under their Content Security Policy in a real browser (issue 11, finding 8): no page breaks
the policy (every ``securitypolicyviolation`` event and CSP console error is recorded), the stylesheets
still style the pages and the scripts still run; the page cannot be framed.

Needs what tests/directory/test_accessibility.py needs (Debian's chromium, playwright) and uses its
server: the directory over a pipeline-built catalogue with a pathway, on a local port.
"""

from __future__ import annotations

import pytest

from tests.directory.test_accessibility import (  # noqa: F401 - fixtures
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    SCREENSHOTS,
    A,
    browser,
    server,
)

PAGES = {
    "search": "/",
    "search results": "/?q=machine+learning",
    "course": f"/courses/{A}/A1",
    "provider": f"/providers/{A}",
    "pathways": "/pathways",
    "pathway": "/pathways/pg-ml",
    "planner": "/planner",
    "sign-in": "/auth/sign-in",
    "exchange matrix": "/exchange/agreements/matrix",
    "not found": "/no/such/page",
}
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
});
"""


@pytest.fixture
def watched(browser):  # noqa: F811 - the fixture imported above
    """A page that records CSP violations (events and console errors) from its first script on."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.console_errors = console
    yield page
    context.close()


def violations(page) -> list[str]:
    recorded = page.evaluate("window.__cspViolations || []")
    return recorded + [text for text in page.console_errors if "Content Security Policy" in text]


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_the_page_breaks_no_part_of_its_policy(watched, server, path):  # noqa: F811
    response = watched.goto(server + path)
    assert response.status in (200, 404)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    watched.wait_for_load_state("load")
    assert violations(watched) == []
    # The site's stylesheet applied: the header's colours come from site.css, not the browser's defaults.
    assert watched.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"


def test_the_signed_in_pages_break_no_part_of_their_policy(watched, server):  # noqa: F811
    watched.goto(server + "/auth/sign-in")
    watched.fill("#email", ADMIN_EMAIL)
    watched.fill("#password", ADMIN_PASSWORD)
    watched.click("form button[type=submit]")
    watched.wait_for_load_state("load")
    for path in ("/member/", "/admin/", "/admin/users", "/admin/pathways", "/admin/overlaps", "/exchange/queue",
                 "/exchange/my-credit", f"/member/catalogue?provider={A}", "/exchange/qualifications",
                 f"/exchange/qualifications?org={A}", "/admin/harvest", f"/admin/harvest/{A}",
                 f"/member/catalogue/check?provider={A}"):
        response = watched.goto(server + path)
        assert response.status in (200, 403), path
        assert violations(watched) == [], path


def test_the_exchange_stylesheet_and_the_route_picture_still_apply(watched, server):  # noqa: F811
    watched.goto(server + PAGES["exchange matrix"])
    assert watched.evaluate("""[...document.styleSheets].some(
        (sheet) => (sheet.href || '').endsWith('/static/exchange.css') && sheet.cssRules.length > 10)""")
    watched.goto(server + PAGES["pathway"])
    assert watched.evaluate("getComputedStyle(document.querySelector('.route-picture svg')).maxWidth") == "100%"
    assert violations(watched) == []


def test_the_search_script_still_runs(watched, server):  # noqa: F811
    watched.goto(server + "/")
    watched.fill("#q", "machine learning")
    watched.press("#q", "Enter")
    watched.wait_for_url("**/?q=machine+learning*")
    # search.js left the empty fields out of the address (without it they would all be there).
    assert watched.url.endswith("/?q=machine+learning&sort=relevance")
    assert violations(watched) == []


def test_an_inline_script_would_be_refused_and_recorded(watched, server):  # noqa: F811
    """The check itself can fail: a script the page did not load from a file is blocked and recorded."""
    watched.goto(server + "/")
    watched.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';
                                document.body.append(s); }""")
    assert watched.evaluate("window.ran") is None
    assert any("script-src" in v for v in violations(watched))


def test_the_pages_cannot_be_framed(watched, server):  # noqa: F811
    watched.set_content(f'<iframe id="f" src="{server}/"></iframe>')  # waits for the frame's load too
    assert any("frame-ancestors" in text for text in watched.console_errors), watched.console_errors
    assert watched.frame_locator("#f").locator(".brand").count() == 0


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_under_the_policy(browser, server, width):  # noqa: F811
    """Pictures for people to look at (var/screenshots/csp-*.png): styled as before the policy."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, path in (("search", "/?q=machine"), ("course", f"/courses/{A}/A1"), ("pathway", "/pathways/pg-ml"),
                           ("matrix", "/exchange/agreements/matrix")):
            page.goto(server + path)
            page.screenshot(path=str(SCREENSHOTS / f"csp-{name}-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (name, width)
    finally:
        context.close()
