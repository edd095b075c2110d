"""Pathways and the planner over HTTP: the API, the pages and the planner's session form."""

from __future__ import annotations

import re

import pytest

from tests.directory.pathways.helpers import A, B, build


@pytest.fixture
def consortium(instance):
    return build(instance)


def test_pathways_api_lists_and_describes_a_pathway(client, consortium):
    listing = client.get("/api/v1/pathways").json
    assert listing["total"] == 1 and listing["results"][0]["awarding"]["name"] == "University of Aldport"
    record = client.get("/api/v1/pathways/pg-ds").json
    assert record["rules"]["capstone"] == f"{A}/CAP"
    assert {c["course"] for c in record["courses"]} >= {f"{B}/BX1", f"{A}/DS1"}
    assert client.get("/api/v1/pathways/nope").status_code == 404


def test_planner_evaluate_reports_progress_suggestions_and_transfers(client, consortium):
    response = client.post("/api/v1/planner/evaluate", json={"today": "2026-06-01", "achievements": [
        {"course": f"{A}/DS1", "awarded_on": "2025-01-10"},
        {"course": f"{B}/BX1", "awarded_on": "2025-03-01"},
    ]})
    assert response.status_code == 200, response.get_data(as_text=True)
    plan = response.json["pathways"][0]
    rules = {r["rule"]: r for r in plan["rules"]}
    assert rules["total_credit"]["have"] == 30 and not plan["complete"]
    assert rules["core"]["missing"] == [f"{A}/DS2"]
    suggestion = rules["core"]["suggestions"][0]
    assert suggestion["next_start"] == "2027-01-11" and suggestion["mode"] == ["online-asynchronous"]
    assert suggestion["cost"]["amount"] == "850.00"
    transfer = plan["transfers"][0]
    assert transfer["title"] == "Machine learning in practice"
    assert transfer["agreement"]["coverage"] == "not_covered"  # no agreement in the register covers it
    assert transfer["request_url"].startswith("/exchange/requests/new?target=10000001&purpose=advanced_standing&course=")


def test_planner_evaluate_names_bad_fields_in_a_400_problem(client, consortium):
    response = client.post("/api/v1/planner/evaluate", json={"achievements": [
        {"awarded_on": "soon"}, {"course": "nothing/here", "awarded_on": "2025-01-01"}]})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    names = {p["name"] for p in response.json["invalid_params"]}
    assert {"achievements[0].awarded_on", "achievements[0].title", "achievements[0].credit"} <= names
    response = client.post("/api/v1/planner/evaluate", json={"achievements": [
        {"course": "nothing/here", "awarded_on": "2025-01-01"}]})
    assert response.status_code == 400
    assert response.json["invalid_params"] == [{"name": "achievements[0].course", "reason": "no course 'nothing/here'"}]
    assert client.post("/api/v1/planner/evaluate", data="not json").status_code == 400


def test_the_pathway_page_draws_the_route_with_a_text_alternative(client, consortium):
    html = client.get("/pathways/pg-ds").get_data(as_text=True)
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="route-title route-desc"', html)
    assert '<title id="route-title">The route to PgCert Applied Data Science</title>' in html
    assert '<desc id="route-desc">' in html and "Option group 1" in html
    assert 'id="route-list"' in html and "Machine learning in practice" in html
    assert "Bexley University" in html  # an option at another member has its own column
    assert client.get("/pathways/none").status_code == 404


def test_the_pathways_list_and_course_annotation(client, consortium):
    assert "PgCert Applied Data Science" in client.get("/pathways").get_data(as_text=True)
    page = client.get(f"/courses/{A}/DS1").get_data(as_text=True)
    assert "Core course in PgCert Applied Data Science, awarded by University of Aldport" in page


def test_search_api_filters_by_pathway(client, consortium):
    body = client.get("/api/v1/search?pathway=pg-ds&provider=" + B).json
    assert sorted(r["id"] for r in body["results"]) == [f"{B}/BX1", f"{B}/BX2"]


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_planner_page_adds_and_removes_achievements_in_the_session(client, consortium):
    page = client.get("/planner").get_data(as_text=True)
    token = _csrf(page)
    response = client.post("/planner/achievements", data={"csrf_token": token, "course": f"{A}/DS1",
                                                          "awarded_on": "2025-01-10"})
    assert response.status_code == 302
    response = client.post("/planner/achievements", data={
        "csrf_token": token, "title": "Workplace analytics", "credit": "15", "credit_scheme": "CATS",
        "level_framework": "FHEQ", "level_value": "7", "awarded_on": "2024-05-01"})
    page = client.get("/planner").get_data(as_text=True)
    assert "Foundations of data science" in page and "Workplace analytics" in page
    assert "PgCert Applied Data Science" in page and "Statistics for data science" in page
    assert "not named in this pathway" in page and "Start a transfer request" in page
    client.post("/planner/achievements/1/remove", data={"csrf_token": token})
    page = client.get("/planner").get_data(as_text=True)
    assert "Foundations of data science" not in page and "Workplace analytics" in page


def test_the_planner_refuses_an_unknown_course_and_forms_without_csrf(client, consortium):
    token = _csrf(client.get("/planner").get_data(as_text=True))
    client.post("/planner/achievements", data={"csrf_token": token, "course": "no/such", "awarded_on": "2025-01-10"})
    assert "Not added: " in client.get("/planner").get_data(as_text=True)
    assert client.post("/planner/achievements", data={"course": f"{A}/DS1", "awarded_on": "2025-01-10"}).status_code == 400


def test_the_planner_says_when_an_agreement_in_force_covers_the_transfer(client, consortium, instance):
    from datetime import date

    from directory.identity.identity import OPERATOR
    from exchange.agreements import service as agreements
    from exchange.agreements.terms import AgreementContent, AgreementKind, Scope, Terms, terms_hash

    content = AgreementContent(title="Aldport and Bexley recognise each other", kind=AgreementKind.MUTUAL_RECOGNITION,
                               parties=(A, B), scope=Scope(source_providers=(A, B)), terms=Terms(),
                               valid_from=date(2026, 1, 1))
    with instance.sessions.begin() as session:
        agreement = agreements.create(session, OPERATOR, content)
        agreements.propose(session, OPERATOR, agreement.id)
        for party in (A, B):
            agreements.approve(session, OPERATOR, agreement.id, terms_hash(content), org_id=party)
    plan = client.post("/api/v1/planner/evaluate", json={"today": "2026-06-01", "achievements": [
        {"course": f"{B}/BX1", "awarded_on": "2025-03-01"}]}).json["pathways"][0]
    transfer = plan["transfers"][0]
    assert transfer["agreement"]["coverage"] == "covered"
    assert "Aldport and Bexley" in transfer["agreement"]["words"]


def test_a_plan_made_before_signing_in_is_kept_with_the_account_and_follows_it(app, client, consortium, instance):
    from directory.identity.identity import Role
    from tests.auth import add_user, form_token

    token = _csrf(client.get("/planner").get_data(as_text=True))
    client.post("/planner/achievements", data={"csrf_token": token, "course": f"{A}/DS1", "awarded_on": "2025-01-10"})
    add_user(instance, "lena@learner.example", Role.LEARNER, password="a long enough password")
    form = form_token(client.get("/auth/sign-in").get_data(as_text=True))
    signed = client.post("/auth/sign-in", data={"email": "lena@learner.example", "password": "a long enough password",
                                                "csrf_token": form})
    assert signed.status_code == 303
    page = client.get("/planner").get_data(as_text=True)
    assert "Foundations of data science" in page
    client.post("/planner/achievements", data={"csrf_token": _csrf(page), "title": "Workplace analytics",
                                               "credit": "15", "credit_scheme": "CATS", "awarded_on": "2024-05-01"})

    elsewhere = app.test_client()  # another browser: signs in, finds the same plan
    form = form_token(elsewhere.get("/auth/sign-in").get_data(as_text=True))
    elsewhere.post("/auth/sign-in", data={"email": "lena@learner.example", "password": "a long enough password",
                                          "csrf_token": form})
    page = elsewhere.get("/planner").get_data(as_text=True)
    assert "Foundations of data science" in page and "Workplace analytics" in page
    elsewhere.post("/auth/sign-out", data={"csrf_token": _csrf(page)})
    assert "Workplace analytics" not in elsewhere.get("/planner").get_data(as_text=True)  # signed out: not shown
