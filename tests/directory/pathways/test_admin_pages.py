"""Consortium pathways on the administrators' pages: pasted as JSON, validated, indexed, withdrawn."""

from __future__ import annotations

import json

from directory.identity.identity import Permission, Role
from directory.search.query import Filters, SearchQuery
from tests.auth import add_org, add_user, signed_in
from tests.clock import TODAY
from tests.directory.pathways.helpers import A, B, build, pathway


def consortium_pathway() -> dict:
    raw = pathway("consortium-ds", core=[f"{A}/DS1"], capstone=None,
                  option_groups=[{"min_credit": 30, "courses": [f"{B}/BX1", f"{B}/BX2"]}])
    raw["awarding"] = {"id": A}
    return raw


def csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def admin_client(app, instance):
    return signed_in(app, instance, add_user(instance, "admin@consortium.example", Role.ADMIN))


def test_an_administrator_adds_a_pathway_its_courses_become_searchable_and_it_can_be_withdrawn(app, instance):
    build(instance, pathways=[])
    admin = admin_client(app, instance)
    token = csrf(admin.get("/admin/pathways").get_data(as_text=True))
    added = admin.post("/admin/pathways", data={"csrf_token": token, "pathway": json.dumps(consortium_pathway())})
    assert added.status_code == 303
    page = admin.get(added.headers["Location"]).get_data(as_text=True)
    assert "Pathway consortium-ds added" in page and "the consortium" in page
    found = instance.search.search(SearchQuery(filters=Filters(pathway=("consortium-ds",)), per_page=50, today=TODAY))
    assert sorted(h.id for h in found.hits) == [f"{A}/DS1", f"{B}/BX1", f"{B}/BX2"]

    withdrawn = admin.post("/admin/pathways/consortium-ds/withdraw", data={"csrf_token": token})
    assert withdrawn.status_code == 303
    assert instance.search.search(SearchQuery(filters=Filters(pathway=("consortium-ds",)), today=TODAY)).total == 0
    assert "withdrawn" in admin.get("/admin/pathways").get_data(as_text=True)


def test_a_bad_pathway_is_refused_naming_the_fields_and_kept_on_the_form(app, instance):
    build(instance, pathways=[])
    admin = admin_client(app, instance)
    token = csrf(admin.get("/admin/pathways").get_data(as_text=True))
    not_json = admin.post("/admin/pathways", data={"csrf_token": token, "pathway": "{nope"})
    assert not_json.status_code == 400 and "not valid JSON" in not_json.get_data(as_text=True)
    incomplete = admin.post("/admin/pathways", data={"csrf_token": token, "pathway": '{"id": "x", "title": "X"}'})
    text = incomplete.get_data(as_text=True)
    assert incomplete.status_code == 400 and "total_credit" in text and "&#34;title&#34;: &#34;X&#34;" in text


def test_a_members_feed_pathway_is_withdrawn_by_its_feed_not_here(app, instance):
    build(instance)  # pg-ds, from Aldport's feed
    admin = admin_client(app, instance)
    token = csrf(admin.get("/admin/pathways").get_data(as_text=True))
    refused = admin.post("/admin/pathways/pg-ds/withdraw", data={"csrf_token": token})
    assert refused.status_code == 400 and "the feed withdraws it" in refused.get_data(as_text=True)


def test_staff_cannot_add_consortium_pathways(app, instance):
    build(instance, pathways=[])
    add_org(instance, A)
    staff = signed_in(app, instance, add_user(instance, "staff@a.example.ac.uk", Role.STAFF, A,
                                              frozenset({Permission.CATALOGUE})))
    assert staff.get("/admin/pathways").status_code == 403
