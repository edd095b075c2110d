"""Issue 15: an amendment never takes the version in force out of force. Version N stays in force and
public (the read, the matrix, the planner, the pre-assessment, the learner's ledger citation) until every
party approves version N+1; then N+1 applies and both are in the history of versions ever in force."""

from __future__ import annotations

from decimal import Decimal

from directory.credit import Achievement
from exchange.agreements import service as agreements
from exchange.agreements.lookup import RegisterLookup
from exchange.agreements.models import Agreement
from exchange.agreements.service import in_force_version
from tests.exchange.conftest import HOME, OTHER, TODAY
from tests.exchange.web.conftest import agreement_body, person
from tests.exchange.web.test_api import active_agreement, submitted

TITLE = "Computing micro-credentials"


def amend(app, instance, members, agreement, **changes) -> dict:
    home = person(app, instance, members.home_staff)
    amended = home.put(f"/api/v1/agreements/{agreement['id']}", json=agreement_body(**changes),
                       headers={"If-Match": f'"{agreement["row_version"]}"'})
    assert amended.status_code == 200, amended.json
    return amended.json


def approve_all(app, instance, members, agreement_id: int, terms_hash: str) -> dict:
    for user in (members.home_staff, members.other_staff):
        approved = person(app, instance, user).post(f"/api/v1/agreements/{agreement_id}/approvals",
                                                    json={"terms_hash": terms_hash})
        assert approved.status_code == 200, approved.json
    return approved.json


def planner_says(instance) -> str:
    with instance.sessions.begin() as session:
        planned = Achievement(key=f"{OTHER}/C1", title="C1", credit=Decimal(15), level=None, awarded_on=TODAY,
                              provider_id=OTHER, course=f"{OTHER}/C1")  # its facts are read from the directory
        return RegisterLookup(session, TODAY).coverage(achievement=planned, awarding_provider_id=HOME,
                                                       pathway_id="MSC-DS").words


def learners_citation(app, instance, members) -> int:
    """The learner's ledger entry cites the agreement; the learner can read it."""
    learner = person(app, instance, members.learner)
    [entry] = learner.get("/api/v1/learners/me/credit").json["entries"]
    read = learner.get(f"/api/v1/agreements/{entry['agreement_id']}")
    assert read.status_code == 200
    return read.json["current"]["number"]


def test_a_title_only_amendment_leaves_version_1_in_force_and_public_until_every_party_approves(
        app, instance, members):
    agreement = active_agreement(app, instance, members)
    request = submitted(app, instance, members, 0)
    home = person(app, instance, members.home_staff)
    home.post(f"/api/v1/transfer-requests/{request['id']}/decision", json={"action": "accept"},
              headers={"If-Match": str(request["version"])})
    amended = amend(app, instance, members, agreement, title="Computing micro-credentials (renamed)")
    # The parties see the pending version 2; version 1 is in force.
    assert amended["state"] == "active" and amended["current"]["number"] == 2
    assert amended["in_force_version"] == 1

    anonymous = app.test_client()
    url = f"/api/v1/agreements/{agreement['id']}"
    public = anonymous.get(url)
    assert public.status_code == 200
    assert public.json["current"]["number"] == 1 and public.json["current"]["content"]["title"] == TITLE
    assert [v["number"] for v in anonymous.get(f"{url}/versions").json["results"]] == [1]
    assert anonymous.get(f"{url}/diff?from=1&to=2").status_code == 404  # the pending terms are the parties'
    [listed] = anonymous.get("/api/v1/agreements").json["results"]
    assert (listed["version"], listed["title"], listed["pending_version"]) == (1, TITLE, 2)
    page = anonymous.get(f"/exchange/agreements/{agreement['id']}")
    assert page.status_code == 200 and TITLE in page.text and "(renamed)" not in page.text
    matrix = anonymous.get("/exchange/agreements/matrix").text
    assert TITLE in matrix and "(renamed)" not in matrix
    assert planner_says(instance) == f"covered by {TITLE}"
    assert learners_citation(app, instance, members) == 1
    again = submitted(app, instance, members, 1)
    assert again["assessment"]["outcomes"][0]["agreement_version_id"] == 1
    assert again["assessment"]["proposal"]["credits"] == "15.00"

    approved = approve_all(app, instance, members, agreement["id"], amended["current"]["terms_hash"])
    assert approved["state"] == "active" and approved["in_force_version"] == 2
    public = anonymous.get(url).json
    assert public["current"]["number"] == 2 and public["current"]["content"]["title"].endswith("(renamed)")
    assert "(renamed)" in anonymous.get("/exchange/agreements/matrix").text
    assert planner_says(instance) == "covered by Computing micro-credentials (renamed)"
    assert learners_citation(app, instance, members) == 2
    with instance.sessions.begin() as session:
        assert agreements.versions_in_force(session, agreement["id"]) == [1, 2]
        first, second = agreements.versions(session, agreement["id"])
        assert first.approved_by_all and second.approved_by_all  # who approved each, kept


def test_a_terms_change_applies_only_once_every_party_has_approved_it(app, instance, members):
    agreement = active_agreement(app, instance, members)
    # Version 2 would no longer cover level-7 courses.
    amended = amend(app, instance, members, agreement, scope={"cah_groups": ["CAH11-01"], "eqf_levels": [6]})
    before = submitted(app, instance, members, 0)
    assert before["assessment"]["outcomes"][0]["agreement_version_id"] == 1
    assert before["assessment"]["proposal"]["credits"] == "15.00"
    assert planner_says(instance).startswith("covered by")
    home = person(app, instance, members.home_staff)
    # One party's approval is not enough.
    home.post(f"/api/v1/agreements/{agreement['id']}/approvals",
              json={"terms_hash": amended["current"]["terms_hash"]})
    assert submitted(app, instance, members, 1)["assessment"]["proposal"]["credits"] == "15.00"

    approve_all(app, instance, members, agreement["id"], amended["current"]["terms_hash"])
    after = submitted(app, instance, members, 2)
    assert after["assessment"]["proposal"]["credits"] != "15.00"
    assert planner_says(instance).startswith("no agreement in force")
    with instance.sessions.begin() as session:
        assert in_force_version(session.get(Agreement, agreement["id"])).number == 2


def test_an_amendment_replaced_before_approval_leaves_the_version_in_force(app, instance, members):
    agreement = active_agreement(app, instance, members)
    second = amend(app, instance, members, agreement, title="Second title")
    third = amend(app, instance, members, second, title="Third title")
    assert third["current"]["number"] == 3 and third["in_force_version"] == 1
    # Approving the replaced version 2 is refused; version 1 still applies.
    refused = person(app, instance, members.other_staff).post(
        f"/api/v1/agreements/{agreement['id']}/approvals", json={"terms_hash": second["current"]["terms_hash"]})
    assert refused.status_code == 409
    assert app.test_client().get(f"/api/v1/agreements/{agreement['id']}").json["current"]["number"] == 1
    with instance.sessions.begin() as session:
        two = agreements.versions(session, agreement["id"])[1]
        assert not two.approvals or all(a.voided_at for a in two.approvals)
        assert agreements.versions_in_force(session, agreement["id"]) == [1]


def test_suspending_and_terminating_act_on_the_agreement_with_its_pending_amendment(app, instance, members):
    agreement = active_agreement(app, instance, members)
    amended = amend(app, instance, members, agreement, title="Pending title")
    other = person(app, instance, members.other_staff)
    url = f"/api/v1/agreements/{agreement['id']}"
    suspended = other.post(f"{url}/suspend", json={"reason": "under review"}).json
    assert suspended["state"] == "suspended" and suspended["in_force_version"] == 1
    assert planner_says(instance) == "no agreement in force covers this credit: the awarding member decides " \
                                     "case by case"
    # The amendment may still be approved while suspended; it is then the suspended version in force.
    approved = approve_all(app, instance, members, agreement["id"], amended["current"]["terms_hash"])
    assert approved["state"] == "suspended" and approved["in_force_version"] == 2
    assert other.post(f"{url}/resume", json={"reason": "reviewed"}).json["state"] == "active"
    assert planner_says(instance) == "covered by Pending title"
    pending = amend(app, instance, members, other.get(url).json, title="Never approved")
    ended = other.post(f"{url}/terminate", json={"reason": "the partnership ended"}).json
    assert ended["state"] == "terminated" and ended["in_force_version"] == 2
    assert person(app, instance, members.home_staff).post(
        f"{url}/approvals", json={"terms_hash": pending["current"]["terms_hash"]}).status_code == 409
    assert app.test_client().get(url).json["current"]["content"]["title"] == "Pending title"
