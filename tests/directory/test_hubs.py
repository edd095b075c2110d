"""Each role's hub links every page of that role: the learner's account page and the staff home
(``/member/``) and the administrators' home (``/admin/``). A page is "of the role" when it is a GET page of
one of the role's blueprints, takes no path parameter, and its ``@require``/``@public`` lets the role in;
so a new page nobody links to fails here until its hub links it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from directory.identity.identity import Identity, Permission, Role
from tests.auth import ALL_PERMISSIONS, add_org, add_user, signed_in

A = "10000001"

HUBS = {
    Role.LEARNER: ("/member/", {"pages", "pathway_pages", "exchange_pages", "account"}),
    Role.STAFF: ("/member/", {"member", "overlap_review", "exchange_pages", "account"}),
    Role.ADMIN: ("/admin/", {"admin", "harvest_admin", "overlap_admin", "exchange_pages"}),
}
# Pages a hub does not link, and why.
NOT_LINKED = {
    "account.home": "the hub itself",
    "admin.home": "the hub itself",
    "exchange_pages.new_request": "asks for credit for one course (?course=): linked from the planner",
}
LEARNERS_OWN = {"exchange_pages.my_credit", "exchange_pages.my_credit_json"}  # a learner's own record


def _lets_in(view, who: Identity) -> bool:
    access = getattr(view, "access", None)
    if access is None:
        return False
    if access.public:
        return True
    if access.admin and not who.is_admin:
        return False
    return access.scope is None or who.allows(access.scope)


def pages_of(app, role: Role, who: Identity) -> set[str]:
    blueprints = HUBS[role][1]
    found = set()
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if blueprint not in blueprints or "GET" not in rule.methods or rule.arguments:
            continue
        if rule.endpoint in NOT_LINKED or (role is not Role.LEARNER and rule.endpoint in LEARNERS_OWN):
            continue
        if _lets_in(app.view_functions[rule.endpoint], who):
            found.add(rule.rule)
    return found


def links(html: str) -> set[str]:
    return {href for href in re.findall(r'<a [^>]*href="([^"]+)"', html) if href.startswith("/")}


@pytest.fixture
def people(app, instance):
    add_org(instance, A, "University of Aldport")
    return {
        Role.LEARNER: add_user(instance, "learner@example.org", Role.LEARNER),
        Role.STAFF: add_user(instance, "staff@a.example.org", Role.STAFF, A, ALL_PERMISSIONS),
        Role.ADMIN: add_user(instance, "admin@example.org", Role.ADMIN),
    }


@pytest.mark.parametrize("role", list(HUBS), ids=lambda r: r.value)
def test_each_hub_links_every_page_of_its_role_and_every_link_opens(app, instance, people, role):
    user = people[role]
    browser = signed_in(app, instance, user)
    hub = browser.get(HUBS[role][0])
    assert hub.status_code == 200
    html = hub.get_data(as_text=True)
    assert "will appear here" not in html
    linked = links(html)
    who = Identity(user_id=user.id, org_id=user.org_id, role=role,
                   permissions=frozenset(Permission(p) for p in user.permissions))
    missing = pages_of(app, role, who) - {urlsplit(href).path for href in linked}
    assert not missing, f"the {role.value} hub does not link {sorted(missing)}"
    for href in sorted(linked):
        assert browser.get(href).status_code == 200, href


def test_the_staff_home_leaves_out_what_a_narrowed_account_may_not_open(app, instance):
    add_org(instance, A, "University of Aldport")
    clerk = add_user(instance, "clerk@a.example.org", Role.STAFF, A, frozenset({Permission.CATALOGUE}))
    html = signed_in(app, instance, clerk).get("/member/").get_data(as_text=True)
    assert "University of Aldport" in html and A not in html
    assert "/exchange/queue" not in links(html) and "Ask a consortium administrator" in html

