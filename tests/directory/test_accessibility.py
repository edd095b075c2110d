"""The pages in a real browser: axe-core finds no serious or critical accessibility problem, and the search
works from the keyboard with visible focus.

Needs Debian's chromium (scripts/install-test-packages.sh), the playwright package (the dev extras) and axe-core
(``npm install``). Without them these tests skip, saying what is missing; under CI (``CI`` set) they fail,
so a green run always means the pages were checked.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from climbing_frame.app import create_app, make_instance
from climbing_frame.migrate import upgrade
from directory.identity.identity import Role
from harvester.environment import harvest_environment
from tests.auth import add_user
from tests.conftest import make_settings
from tests.directory.test_search_web import ALDPORT, A, B, aldport_courses, build_catalogue

ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@a11y.example", "an administrator's long password"
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = ROOT / "var" / "screenshots"


def _missing() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (run scripts/install-test-packages.sh)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[dev]')")
    if not AXE.exists():
        missing.append(f"{AXE.relative_to(ROOT)} (run npm install)")
    return missing


@pytest.fixture(scope="module")
def browser():
    missing = _missing()
    if missing:
        message = "browser accessibility tests need " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The directory over a pipeline-built catalogue, served on a local port from a thread."""
    # SQLite whatever the suite's database: these tests check what the pages say, not the store.
    settings = make_settings(tmp_path_factory.mktemp("a11y"), database_url="")
    instance = make_instance(settings)
    upgrade(instance.engine)
    build_catalogue(instance)
    _publish_pathway(instance)
    add_user(instance, ADMIN_EMAIL, Role.ADMIN, password=ADMIN_PASSWORD)
    app = create_app(settings)
    instance.attach(app)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="a11y-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)
    instance.close()


def _publish_pathway(instance):
    """Aldport awards a pathway with an option at Bexley (for the pathway and planner pages)."""
    from harvester import pipeline
    from tests.factories import feed_bytes

    route = {"id": "pg-ml", "title": "Postgraduate Certificate in Machine Learning",
             "level": {"framework": "FHEQ", "value": 7}, "total_credit": {"value": 45, "scheme": "CATS"},
             "rules": {"core": ["A1"], "capstone": "A1", "max_external_share": 0.5, "max_span_years": 5,
                       "option_groups": [{"min_credit": 20, "courses": ["A2", f"{B}/B1", f"{B}/B2"]}]}}
    body = feed_bytes(aldport_courses(with_withdrawn=False), provider_id=A, pathways=[route], provider={
        "id": A, "id_scheme": "UKPRN", "name": ALDPORT, "country": "GB", "url": "https://www.example.ac.uk/"})
    assert pipeline.ingest(harvest_environment(instance), A, body).outcome.value == "succeeded"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol, not added as an inline <script>: the pages' Content Security
    # Policy (rightly) refuses inline scripts, and the pages are checked under it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in violations
    )


PAGES = {
    "search page, empty": "/",
    "search with filters and results": f"/?q=machine+learning&eqf_level=7&provider={A}&provider=10000002&sort=title",
    "search with no results": "/?q=zzyzx+qwerty&mode=blended",
    "course page": f"/courses/{A}/A1",
    "withdrawn course page": f"/courses/{A}/AW",
    "provider page": f"/providers/{A}",
    "pathways list": "/pathways",
    "pathway page with its route picture": "/pathways/pg-ml",
    "planner page, empty": "/planner",
}


def test_the_planner_page_with_achievements_has_no_serious_violations(page, server):
    page.goto(server + f"/courses/{A}/A1")
    page.fill("#awarded-on", "2025-01-10")
    page.click("text=Add to your planner")
    page.goto(server + "/planner")
    page.fill("#awarded_on", "2024-05-01")
    page.fill("#title", "Workplace analytics")
    page.fill("#credit", "15")
    page.click("button:has-text('Add')")
    assert "Postgraduate Certificate in Machine Learning" in page.content()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_consortium_pathways_page_has_no_serious_violations(page, server):
    page.goto(server + "/auth/sign-in")
    page.fill("#email", ADMIN_EMAIL)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("form button[type=submit]")
    page.goto(server + "/admin/pathways")
    page.fill("#pathway", "{not json")
    page.click("text=Save the pathway")  # the page again, with the error and the pasted text
    assert "not valid JSON" in page.content() and "Postgraduate Certificate in Machine Learning" in page.content()
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_serious_or_critical_accessibility_violations(page, server, path):
    response = page.goto(server + path)
    assert response.status == 200
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_filtered_search_shows_results_and_chips(page, server):
    page.goto(server + PAGES["search with filters and results"])
    assert page.locator("#results-heading").inner_text().startswith("2 courses")
    assert page.locator("a.chip").count() == 4


def test_tab_reaches_the_skip_link_first_and_then_the_search_box(page, server):
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0  # on screen while focused
    page.keyboard.press("Enter")  # follow the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"


def test_focus_is_visible_on_every_control_reached_by_tab(page, server):
    page.goto(server + f"/?q=machine&provider={A}")
    outlines = []
    for _ in range(25):
        page.keyboard.press("Tab")
        outlines.append(page.evaluate("""() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return [el.tagName + (el.id ? '#' + el.id : '') + (el.name ? '[' + el.name + ']' : ''),
                    style.outlineStyle, style.outlineWidth];
        }"""))
    invisible = [(name, style, width) for name, style, width in outlines if style == "none" or width in ("0px", "")]
    assert not invisible, f"no visible focus on {invisible}"


def test_a_keyboard_user_can_search_and_filter_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server + "/")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        page.keyboard.type("machine learning")
        page.keyboard.press("Enter")
        page.wait_for_url("**/?q=machine+learning*")
        assert page.locator("#results-heading").inner_text() == "2 courses for “machine learning”"
        page.get_by_label("Bexley University").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Apply filters").last.press("Enter")
        page.wait_for_url("**provider=10000002*")
        assert page.locator("#results-heading").inner_text() == "1 course for “machine learning”"
        assert page.get_by_role("link", name="Remove filter: Bexley University").count() == 1
    finally:
        context.close()


def test_screenshot_of_the_search_page(page, server):
    """A picture for people to look at (var/screenshots/), with the layout checked for overflow."""
    page.goto(server + "/?q=machine")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-page.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 375, "height": 800})  # a phone: WCAG reflow, no sideways scrolling
    page.goto(server + "/?q=machine")
    page.screenshot(path=str(SCREENSHOTS / "search-page-narrow.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_with_javascript_the_address_leaves_out_empty_fields(page, server):
    page.goto(server + "/")
    page.fill("#q", "machine learning")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=machine+learning*")
    assert page.url.endswith("/?q=machine+learning&sort=relevance")
    assert page.locator("#results-heading").inner_text() == "2 courses for “machine learning”"
