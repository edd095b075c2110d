"""The exchange's JSON API through HTTP: every endpoint's happy path and its refusals."""

from __future__ import annotations

import threading

from tests.exchange.conftest import HOME, OTHER, THIRD
from tests.exchange.web.conftest import agreement_body, person, request_body, system


def active_agreement(app, instance, members) -> dict:
    home, other = person(app, instance, members.home_staff), person(app, instance, members.other_staff)
    created = home.post("/api/v1/agreements", json=agreement_body())
    assert created.status_code == 201, created.json
    number = created.json["id"]
    assert home.post(f"/api/v1/agreements/{number}/propose").status_code == 200
    terms_hash = created.json["current"]["terms_hash"]
    assert home.post(f"/api/v1/agreements/{number}/approvals", json={"terms_hash": terms_hash}).status_code == 200
    approved = other.post(f"/api/v1/agreements/{number}/approvals", json={"terms_hash": terms_hash})
    assert approved.json["state"] == "active"
    return approved.json


def submitted(app, instance, members, *indexes, key=None) -> dict:
    learner = person(app, instance, members.learner)
    headers = {"Idempotency-Key": key} if key else {}
    response = learner.post("/api/v1/transfer-requests", json=request_body(members, *indexes), headers=headers)
    assert response.status_code in (200, 201), response.json
    return response.json


# --- agreements ------------------------------------------------------------------------------------


def test_staff_of_the_parties_make_an_agreement_active_and_everybody_can_read_it(app, instance, members):
    agreement = active_agreement(app, instance, members)
    assert agreement["current"]["approved_by_all"] is True
    anonymous = app.test_client()
    listed = anonymous.get("/api/v1/agreements").json["results"]
    assert [a["id"] for a in listed] == [agreement["id"]]
    read = anonymous.get(f"/api/v1/agreements/{agreement['id']}")
    assert read.status_code == 200 and read.headers["ETag"] == f'"{agreement["row_version"]}"'


def test_a_draft_is_hidden_from_everybody_but_the_parties(app, instance, members):
    draft = person(app, instance, members.home_staff).post("/api/v1/agreements", json=agreement_body()).json
    url = f"/api/v1/agreements/{draft['id']}"
    assert app.test_client().get(url).status_code == 404
    assert person(app, instance, members.third_staff).get(url).status_code == 404
    assert person(app, instance, members.other_staff).get(url).status_code == 200
    assert app.test_client().get("/api/v1/agreements").json["results"] == []


def test_only_staff_of_a_party_may_create_an_agreement(app, instance, members):
    body = agreement_body()
    assert person(app, instance, members.third_staff).post("/api/v1/agreements", json=body).status_code == 403
    assert person(app, instance, members.learner).post("/api/v1/agreements", json=body).status_code == 403
    assert app.test_client().post("/api/v1/agreements", json=body).status_code == 401
    reader = system(app, instance, HOME, "agreements:read")
    assert reader.post("/api/v1/agreements", json=body).status_code == 403
    writer = system(app, instance, HOME, "agreements:approve")
    assert writer.post("/api/v1/agreements", json=body).status_code == 201


def test_an_invalid_agreement_is_a_bad_request_naming_the_field(app, instance, members):
    home = person(app, instance, members.home_staff)
    response = home.post("/api/v1/agreements", json=agreement_body(kind="friendship"))
    assert response.status_code == 400
    assert response.json["invalid_params"][0]["name"] == "kind"


def test_a_new_version_needs_the_row_version_read_and_a_stale_one_is_a_conflict(app, instance, members):
    agreement = active_agreement(app, instance, members)
    home = person(app, instance, members.home_staff)
    url = f"/api/v1/agreements/{agreement['id']}"
    changed = agreement_body(terms={"max_credit_per_learner": "90", "shelf_life_years": 5})
    assert home.put(url, json=changed).status_code == 428
    stale = home.put(url, json=changed, headers={"If-Match": f'"{agreement["row_version"] - 1}"'})
    assert stale.status_code == 409
    amended = home.put(url, json=changed, headers={"If-Match": f'"{agreement["row_version"]}"'})
    assert amended.status_code == 200, amended.json
    # Version 1 stays in force until every party approves version 2 (issue 15).
    assert amended.json["state"] == "active" and amended.json["current"]["number"] == 2
    assert amended.json["in_force_version"] == 1
    versions = home.get(f"{url}/versions").json["results"]
    assert [v["number"] for v in versions] == [1, 2]
    assert not any(a["voided_at"] for a in versions[0]["approvals"]) and versions[0]["approved_by_all"]
    diff = home.get(f"{url}/diff?from=1&to=2").json
    assert [c["field"] for c in diff["changes"]] == ["terms.max_credit_per_learner"]
    assert "60" in diff["changes"][0]["words"] and "90" in diff["changes"][0]["words"]


def test_approving_terms_other_than_the_current_ones_is_a_conflict(app, instance, members):
    home = person(app, instance, members.home_staff)
    created = home.post("/api/v1/agreements", json=agreement_body()).json
    home.post(f"/api/v1/agreements/{created['id']}/propose")
    response = home.post(f"/api/v1/agreements/{created['id']}/approvals", json={"terms_hash": "0" * 64})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    third = person(app, instance, members.third_staff)
    refused = third.post(f"/api/v1/agreements/{created['id']}/approvals",
                         json={"terms_hash": created["current"]["terms_hash"]})
    assert refused.status_code == 403


def test_suspend_resume_and_terminate_say_why_and_illegal_moves_are_conflicts(app, instance, members):
    agreement = active_agreement(app, instance, members)
    other = person(app, instance, members.other_staff)
    url = f"/api/v1/agreements/{agreement['id']}"
    assert other.post(f"{url}/resume", json={"reason": "x"}).status_code == 409  # not suspended
    assert other.post(f"{url}/suspend", json={}).status_code == 400
    assert other.post(f"{url}/suspend", json={"reason": "under review"}).json["state"] == "suspended"
    assert other.post(f"{url}/resume", json={"reason": "review done"}).json["state"] == "active"
    stale = other.post(f"{url}/terminate", json={"reason": "closing"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert person(app, instance, members.third_staff).post(f"{url}/terminate", json={"reason": "x"}).status_code == 403
    assert other.post(f"{url}/terminate", json={"reason": "closing"}).json["state"] == "terminated"
    assert other.post(f"{url}/propose").status_code == 409


def test_an_award_is_registered_by_its_members_staff_only(app, instance, members):
    body = {"org_id": OTHER, "code": "MSC-AI", "title": "MSc AI", "total_credit": "180", "level": 7}
    assert person(app, instance, members.home_staff).put("/api/v1/awards", json=body).status_code == 403
    response = person(app, instance, members.other_staff).put("/api/v1/awards", json=body)
    assert response.status_code == 200 and float(response.json["total_credit"]) == 180
    assert person(app, instance, members.admin).put("/api/v1/awards", json={**body, "title": "MSc in AI"}) \
        .json["id"] == response.json["id"]


# --- transfer requests -----------------------------------------------------------------------------


def test_a_learner_submits_once_per_idempotency_key(app, instance, members):
    active_agreement(app, instance, members)
    learner = person(app, instance, members.learner)
    body, headers = request_body(members, 0, 1), {"Idempotency-Key": "k-1"}
    first = learner.post("/api/v1/transfer-requests", json=body, headers=headers)
    assert first.status_code == 201
    assert first.json["state"] == "pre_assessed"
    assert [o["kind"] for o in first.json["assessment"]["outcomes"]] == ["recognise", "recognise"]
    again = learner.post("/api/v1/transfer-requests", json=body, headers=headers)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    different = learner.post("/api/v1/transfer-requests", json=request_body(members, 2), headers=headers)
    assert different.status_code == 409
    assert len(learner.get("/api/v1/transfer-requests").json["results"]) == 1


def test_the_due_date_follows_the_decision_working_days_setting(app, instance, members):
    request = submitted(app, instance, members, 0)
    from datetime import date

    from exchange.timeliness import due_date
    assert date.fromisoformat(request["due_on"]) == due_date(date.fromisoformat(request["request_date"]), 10)


def test_only_learners_submit(app, instance, members):
    body = request_body(members, 0)
    assert person(app, instance, members.home_staff).post("/api/v1/transfer-requests", json=body).status_code == 403
    assert app.test_client().post("/api/v1/transfer-requests", json=body).status_code == 401


def test_nobody_reads_another_learners_request(app, instance, members):
    request = submitted(app, instance, members, 0)
    url = f"/api/v1/transfer-requests/{request['id']}"
    assert person(app, instance, members.learner).get(url).status_code == 200
    assert person(app, instance, members.other_learner).get(url).status_code == 404
    assert person(app, instance, members.other_staff).get(url).status_code == 404
    assert person(app, instance, members.other_learner).get("/api/v1/transfer-requests").json["results"] == []
    home = person(app, instance, members.home_registry).get(url)
    assert home.status_code == 200 and [h["action"] for h in home.json["history"]] == ["submit", "pre_assess"]
    assert system(app, instance, HOME, "transfers:read").get(url).status_code == 200
    assert system(app, instance, OTHER, "transfers:read").get(url).status_code == 404


def test_staff_decide_with_the_version_they_read(app, instance, members):
    active_agreement(app, instance, members)
    request = submitted(app, instance, members, 0, 1)
    url = f"/api/v1/transfer-requests/{request['id']}/decision"
    home = person(app, instance, members.home_registry)
    accept = {"action": "accept"}
    assert home.post(url, json=accept).status_code == 428
    assert home.post(url, json=accept, headers={"If-Match": '"1"'}).status_code == 409
    assert person(app, instance, members.other_staff).post(
        url, json=accept, headers={"If-Match": f'"{request["version"]}"'}).status_code == 403
    assert system(app, instance, HOME, "transfers:read").post(
        url, json=accept, headers={"If-Match": f'"{request["version"]}"'}).status_code == 403
    assert home.post(url, json={"action": "refuse"}, headers={"If-Match": f'"{request["version"]}"'}) \
        .status_code == 400  # a refusal says why
    decided = home.post(url, json=accept, headers={"If-Match": f'"{request["version"]}"'})
    assert decided.status_code == 200 and decided.json["state"] == "accepted"
    credit = person(app, instance, members.learner).get("/api/v1/learners/me/credit").json
    assert [(t["award_code"], t["credits"]) for t in credit["totals"]] == [("MSC-DS", "30.00")]


def test_a_member_system_with_transfers_decide_decides_for_its_organisation(app, instance, members):
    request = submitted(app, instance, members, 0)
    body = {"action": "change", "note": "Only part of the course matches", "credits": {"1": "5"}}
    response = system(app, instance, HOME, "transfers:decide").post(
        f"/api/v1/transfer-requests/{request['id']}/decision", json=body,
        headers={"If-Match": str(request["version"])})
    assert response.status_code == 200, response.json
    assert response.json["state"] == "changed" and response.json["decided_by"].startswith("client:")


def test_two_staff_deciding_at_once_one_wins_and_the_other_gets_a_conflict(app, instance, members):
    request = submitted(app, instance, members, 0)
    deciders = [person(app, instance, members.home_staff), person(app, instance, members.home_registry)]
    barrier, statuses = threading.Barrier(2), []

    def decide(caller):
        barrier.wait()
        response = caller.post(f"/api/v1/transfer-requests/{request['id']}/decision",
                               json={"action": "refuse", "note": "not covered"},
                               headers={"If-Match": f'"{request["version"]}"'})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=decide, args=(c,)) for c in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]


def test_a_learner_withdraws_an_open_request_but_not_a_decided_one(app, instance, members):
    first, second = submitted(app, instance, members, 0), submitted(app, instance, members, 1)
    learner = person(app, instance, members.learner)
    assert person(app, instance, members.other_learner).post(
        f"/api/v1/transfer-requests/{first['id']}/withdraw").status_code == 404
    assert learner.post(f"/api/v1/transfer-requests/{first['id']}/withdraw").json["state"] == "withdrawn"
    person(app, instance, members.home_staff).post(
        f"/api/v1/transfer-requests/{second['id']}/decision", json={"action": "accept"},
        headers={"If-Match": str(second["version"])})
    assert learner.post(f"/api/v1/transfer-requests/{second['id']}/withdraw").status_code == 409


def test_an_appeal_is_decided_by_someone_else(app, instance, members):
    request = submitted(app, instance, members, 0)
    url = f"/api/v1/transfer-requests/{request['id']}"
    first, second = person(app, instance, members.home_staff), person(app, instance, members.home_registry)
    decided = first.post(f"{url}/decision", json={"action": "refuse", "note": "not covered"},
                         headers={"If-Match": str(request["version"])}).json
    learner = person(app, instance, members.learner)
    assert learner.post(f"{url}/appeal", json={"reason": ""}).status_code == 400
    appealed = learner.post(f"{url}/appeal", json={"reason": "The course matches the module"})
    assert appealed.json["state"] == "appealed"
    assert first.post(f"{url}/decision", json={"action": "accept"},
                      headers={"If-Match": str(appealed.json["version"])}).status_code == 403
    assert second.post(f"{url}/decision", json={"action": "accept"},
                       headers={"If-Match": str(appealed.json["version"])}).json["state"] == "accepted"
    assert learner.post(f"{url}/appeal", json={"reason": "again"}).status_code == 409
    assert decided["version"] < appealed.json["version"]


def test_the_staff_queue_lists_their_organisations_open_requests_soonest_due_first(app, instance, members):
    first, second = submitted(app, instance, members, 0), submitted(app, instance, members, 1)
    queue = person(app, instance, members.home_registry).get("/api/v1/transfer-requests/queue").json["results"]
    assert [i["request_id"] for i in queue] == [first["id"], second["id"]]
    assert not any(i["overdue"] for i in queue)
    assert person(app, instance, members.other_staff).get("/api/v1/transfer-requests/queue").json["results"] == []
    assert person(app, instance, members.learner).get("/api/v1/transfer-requests/queue").status_code == 403
    page = person(app, instance, members.admin).get(
        f"/api/v1/transfer-requests/queue?org={HOME}&after_due={first['due_on']}&after_id={first['id']}")
    assert [i["request_id"] for i in page.json["results"]] == [second["id"]]
    assert system(app, instance, HOME, "transfers:decide").get("/api/v1/transfer-requests/queue").status_code == 403


def test_my_credit_is_the_learners_only(app, instance, members):
    assert person(app, instance, members.learner).get("/api/v1/learners/me/credit").json["entries"] == []
    assert person(app, instance, members.home_staff).get("/api/v1/learners/me/credit").status_code == 403
    assert app.test_client().get("/api/v1/learners/me/credit").status_code == 401


def test_the_exchange_is_in_the_openapi_document(app):
    paths = app.test_client().get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/agreements", "/api/v1/agreements/{agreement_id}/approvals", "/api/v1/awards",
                 "/api/v1/transfer-requests", "/api/v1/transfer-requests/{request_id}/decision",
                 "/api/v1/transfer-requests/queue", "/api/v1/learners/me/credit"):
        assert path in paths
    assert THIRD  # the third member exists for refusals above


def test_staff_see_what_changed_since_submission_and_the_decision_does_not_credit_it_twice(app, instance, members):
    """Issue 11, finding 2: the same course in two open requests to one award is credited once."""
    active_agreement(app, instance, members)
    first, second = submitted(app, instance, members, 0), submitted(app, instance, members, 0, 1)
    home = person(app, instance, members.home_registry)
    assert home.get(f"/api/v1/transfer-requests/{second['id']}").json["recheck"]["changes"] == []
    home.post(f"/api/v1/transfer-requests/{first['id']}/decision", json={"action": "accept"},
              headers={"If-Match": str(first["version"])})
    read = home.get(f"/api/v1/transfer-requests/{second['id']}").json
    assert "already counts 15 credits towards MSC-DS" in read["recheck"]["changes"][0]
    assert read["recheck"]["assessment"]["proposal"]["credits"] == "15.00"
    learner = person(app, instance, members.learner)
    assert learner.get(f"/api/v1/transfer-requests/{second['id']}").json["recheck"] is None
    decided = home.post(f"/api/v1/transfer-requests/{second['id']}/decision", json={"action": "accept"},
                        headers={"If-Match": str(second["version"])}).json
    assert decided["decision"]["credits"] == {"2": "15.00"}
    assert decided["decision"]["recheck"]["not_credited"][0]["achievement"] == 1
    credit = learner.get("/api/v1/learners/me/credit").json
    assert [(t["award_code"], t["credits"]) for t in credit["totals"]] == [("MSC-DS", "30.00")]


def test_a_request_accepted_after_its_agreement_was_terminated_gets_no_credit(app, instance, members):
    agreement = active_agreement(app, instance, members)
    request = submitted(app, instance, members, 0)
    home = person(app, instance, members.home_staff)
    assert home.post(f"/api/v1/agreements/{agreement['id']}/terminate",
                     json={"reason": "the partnership ended"}).status_code == 200
    decided = home.post(f"/api/v1/transfer-requests/{request['id']}/decision", json={"action": "accept"},
                        headers={"If-Match": str(request["version"])}).json
    assert decided["state"] == "accepted" and decided["decision"]["credits"] == {}
    assert "no agreement in force" in decided["decision"]["recheck"]["not_credited"][0]["why"]
    assert person(app, instance, members.learner).get("/api/v1/learners/me/credit").json["totals"] == []
