"""The exchange's pages through HTTP: the matrix, an agreement's versions, the staff queue, a request page
with its forms (CSRF-protected), My credit (HTML, printable, JSON) and the new-request form."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from exchange.requests.models import TransferRequest
from tests.auth import form_token, signed_in
from tests.exchange.conftest import HOME, OTHER, THIRD, TODAY
from tests.exchange.web.conftest import agreement_body, person
from tests.exchange.web.test_api import active_agreement, submitted


def test_the_matrix_shows_who_recognises_whom_with_words_and_symbols(app, instance, members):
    agreement = active_agreement(app, instance, members)
    page = app.test_client().get("/exchange/agreements/matrix")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<caption>" in html and 'scope="row"' in html and 'scope="col"' in html
    link = f'/exchange/agreements/{agreement["id"]}'
    assert html.count(link) == 2  # HOME recognises OTHER and OTHER recognises HOME
    assert "recognised: Computing micro-credentials" in html and "✓" in html
    assert f"University {THIRD}" not in html  # no agreement: not in the grid


def test_the_matrix_marks_a_suspended_agreement_in_words(app, instance, members):
    agreement = active_agreement(app, instance, members)
    person(app, instance, members.home_staff).post(f"/api/v1/agreements/{agreement['id']}/suspend",
                                                    json={"reason": "review"})
    html = app.test_client().get("/exchange/agreements/matrix").get_data(as_text=True)
    assert "suspended: Computing micro-credentials" in html


def test_the_matrix_leaves_out_drafts(app, instance, members):
    person(app, instance, members.home_staff).post("/api/v1/agreements", json=agreement_body())
    html = app.test_client().get("/exchange/agreements/matrix").get_data(as_text=True)
    assert "No agreement between members is in force yet" in html


def test_an_agreement_page_lists_its_versions_with_what_changed(app, instance, members):
    agreement = active_agreement(app, instance, members)
    home = person(app, instance, members.home_staff)
    home.put(f"/api/v1/agreements/{agreement['id']}", headers={"If-Match": str(agreement["row_version"])},
             json=agreement_body(terms={"max_credit_per_learner": "90", "shelf_life_years": 5}))
    html = home.get(f"/exchange/agreements/{agreement['id']}").get_data(as_text=True)
    assert "Version 2 (current)" in html and "Version 1" in html
    assert "What changed from version 1" in html
    assert re.search(r"60.*90", html)
    # Issue 15: version 1 stays in force, its approvals standing, and public until version 2 is approved.
    assert "Version 1 (in force)" in html and "no longer counts" not in html
    public = app.test_client().get(f"/exchange/agreements/{agreement['id']}")
    assert public.status_code == 200
    assert "Version 1 (current)" in public.get_data(as_text=True) and "Version 2" not in public.get_data(as_text=True)


def test_the_queue_is_sorted_by_due_date_and_marks_overdue_requests(app, instance, members):
    first, second = submitted(app, instance, members, 0), submitted(app, instance, members, 1)
    with instance.sessions.begin() as session:
        session.execute(update(TransferRequest).where(TransferRequest.id == second["id"])
                        .values(due_on=TODAY - timedelta(days=3)))
    html = person(app, instance, members.home_registry).get("/exchange/queue").get_data(as_text=True)
    assert html.index(f"Request {second['id']}") < html.index(f"Request {first['id']}")
    assert "1 overdue" in html and html.count('class="overdue"') == 1 and "Overdue" in html
    assert person(app, instance, members.learner).get("/exchange/queue").status_code == 403
    assert app.test_client().get("/exchange/queue").status_code == 302


def test_staff_decide_on_the_request_page_with_a_csrf_protected_form(app, instance, members):
    request = submitted(app, instance, members, 0, 1)
    staff = signed_in(app, instance, members.home_registry)
    page = staff.get(f"/exchange/requests/{request['id']}").get_data(as_text=True)
    assert "Record the decision" in page
    form = {"action": "change", "note": "Only one module matches", "credits-1": "10",
            "version": str(request["version"])}
    assert staff.post(f"/exchange/requests/{request['id']}/decision", data=form).status_code == 400  # no CSRF
    response = staff.post(f"/exchange/requests/{request['id']}/decision",
                          data={**form, "csrf_token": form_token(page)})
    assert response.status_code == 303
    decided = staff.get(f"/exchange/requests/{request['id']}").get_data(as_text=True)
    assert "Only one module matches" in decided and "Record the decision" not in decided
    again = staff.post(f"/exchange/requests/{request['id']}/decision",
                       data={**form, "csrf_token": form_token(page)})
    assert again.status_code == 409


def test_the_request_page_shows_staff_what_changed_since_submission_before_they_decide(app, instance, members):
    active_agreement(app, instance, members)
    first, second = submitted(app, instance, members, 0), submitted(app, instance, members, 0)
    staff = signed_in(app, instance, members.home_registry)
    page = staff.get(f"/exchange/requests/{second['id']}").get_data(as_text=True)
    assert "Nothing has changed since submission" in page
    person(app, instance, members.home_staff).post(
        f"/api/v1/transfer-requests/{first['id']}/decision", json={"action": "accept"},
        headers={"If-Match": str(first["version"])})
    page = staff.get(f"/exchange/requests/{second['id']}").get_data(as_text=True)
    changed = page.index("It now finds:")
    assert changed < page.index("Record the decision")
    assert "recognised for 15.00 credits under agreement" in page[changed:]
    assert "already counts 15 credits towards MSC-DS" in page[changed:]
    learner = signed_in(app, instance, members.learner)
    assert "Since submission" not in learner.get(f"/exchange/requests/{second['id']}").get_data(as_text=True)
    staff.post(f"/exchange/requests/{second['id']}/decision",
               data={"action": "accept", "version": str(second["version"]), "csrf_token": form_token(page)})
    decided = learner.get(f"/exchange/requests/{second['id']}").get_data(as_text=True)
    assert "Not credited when decided" in decided and "already counts 15 credits" in decided


def test_a_learner_withdraws_or_appeals_on_the_request_page(app, instance, members):
    first, second = submitted(app, instance, members, 0), submitted(app, instance, members, 1)
    learner = signed_in(app, instance, members.learner)
    page = learner.get(f"/exchange/requests/{first['id']}").get_data(as_text=True)
    assert "Withdraw this request" in page and "Record the decision" not in page
    response = learner.post(f"/exchange/requests/{first['id']}/withdraw",
                            data={"version": first["version"], "csrf_token": form_token(page)})
    assert response.status_code == 303
    person(app, instance, members.home_staff).post(
        f"/api/v1/transfer-requests/{second['id']}/decision", json={"action": "refuse", "note": "Not covered"},
        headers={"If-Match": str(second["version"])})
    page = learner.get(f"/exchange/requests/{second['id']}").get_data(as_text=True)
    assert "Not covered" in page and "Appeal (once)" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    learner.post(f"/exchange/requests/{second['id']}/appeal",
                 data={"version": version, "reason": "It is covered", "csrf_token": form_token(page)})
    assert "appealed" in learner.get(f"/exchange/requests/{second['id']}").get_data(as_text=True)
    other = signed_in(app, instance, members.other_learner)
    assert other.get(f"/exchange/requests/{second['id']}").status_code == 404


def test_my_credit_lists_requests_decisions_and_transcript_fields(app, instance, members):
    active_agreement(app, instance, members)
    request = submitted(app, instance, members, 0)
    person(app, instance, members.home_staff).post(
        f"/api/v1/transfer-requests/{request['id']}/decision", json={"action": "accept"},
        headers={"If-Match": str(request["version"])})
    learner = signed_in(app, instance, members.learner)
    html = learner.get("/exchange/my-credit").get_data(as_text=True)
    for words in ("Applied topic C1", "University of Testing", "01 June 2025", "15", "FHEQ 7",
                  "Critically evaluate", "70", "CAH11-01-01", "MSC-DS", 'media="print"'):
        assert words in html
    data = learner.get("/exchange/my-credit.json")
    assert data.mimetype == "application/json" and "attachment" in data.headers["Content-Disposition"]
    record = data.json["recognised"][0]
    assert record["title"] == "Applied topic C1" and record["credits_recognised"] == "15.00"
    assert record["date_of_issue"] == "2025-06-01" and record["credit_cats"] == "15"
    assert record["aims"] and record["learning_outcomes"] and record["grade"] == "70.00"
    assert record["subjects"][0]["cah3"] == "CAH11-01-01"
    assert data.json["learner"]["email"] == "learner@example.org"
    assert data.json["credit"]["totals"][0]["credits"] == "15.00"
    assert person(app, instance, members.home_staff).get("/exchange/my-credit.json").status_code == 403


def test_a_learner_asks_for_credit_from_a_course_once_however_often_the_form_is_sent(app, instance, members):
    learner = signed_in(app, instance, members.learner)
    page = learner.get(f"/exchange/requests/new?course={OTHER}/C1&target={HOME}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "MSC-DS" in html
    key = re.search(r'name="key" value="([^"]+)"', html).group(1)
    form = {"csrf_token": form_token(html), "course": f"{OTHER}/C1", "target": HOME, "award_code": "MSC-DS",
            "purpose": "advanced_standing", "awarded_on": "2025-06-01", "grade": "", "evidence": "", "key": key}
    first = learner.post("/exchange/requests/new", data=form)
    assert first.status_code == 303
    second = learner.post("/exchange/requests/new", data=form)
    assert second.headers["Location"] == first.headers["Location"]
    assert len(person(app, instance, members.learner).get("/api/v1/transfer-requests").json["results"]) == 1
    assert learner.get(f"/exchange/requests/new?course={OTHER}/NOPE").status_code == 404
