"""The planner and the pre-assessment give one answer (issue 15): for each case the planner's "covered by
agreement N" holds exactly when a transfer request towards the pathway's award, submitted the same day,
is pre-assessed under agreement N. Real services, a real database, the consortium built through the
harvester (tests/directory/pathways/helpers.py: the pathway ``pg-ds`` of A, courses at B).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from directory.catalogue import service as catalogue
from directory.identity.identity import OPERATOR, Identity, Role
from directory.pathways.agreements import Coverage
from directory.pathways.planner import Claim, plan
from exchange.agreements import service as agreements
from exchange.agreements.lookup import RegisterLookup
from exchange.agreements.rules import Purpose
from exchange.agreements.terms import AgreementContent, AgreementKind, Scope, Terms, terms_hash
from exchange.awards import AwardSpec, award_for_pathway, register_award
from exchange.requests import service as requests
from tests.auth import add_user
from tests.directory.pathways.helpers import A, B, build

TODAY = date(2026, 6, 1)
AWARDED = date(2025, 3, 1)
# The pathway is "PgCert Applied Data Science"; its award in the register has another code, as the
# qualifications register gives it (the feed's id of the qualification).
AWARD = "PGCERT-ADS"


def _content(**changes) -> AgreementContent:
    values = dict(title="Aldport and Bexley recognise each other", kind=AgreementKind.MUTUAL_RECOGNITION,
                  parties=(A, B), scope=Scope(source_providers=(B,)), terms=Terms(awards=(AWARD,)),
                  valid_from=date(2026, 1, 1))
    values.update(changes)
    return AgreementContent(**values)


def _agreement(session, content: AgreementContent, *, approved=(A, B), suspended=False) -> int:
    agreement = agreements.create(session, OPERATOR, content)
    agreements.propose(session, OPERATOR, agreement.id)
    for party in approved:
        agreements.approve(session, OPERATOR, agreement.id, terms_hash(content), org_id=party)
    if suspended:
        agreements.suspend(session, OPERATOR, agreement.id, "under review")
    return agreement.id


BX1 = Claim(awarded_on=AWARDED, course=f"{B}/BX1")  # FHEQ 7 at Bexley, an option of the pathway
BX2 = Claim(awarded_on=AWARDED, course=f"{B}/BX2")  # FHEQ 6: below the award's level
BY_HAND = Claim(awarded_on=AWARDED, title="Applied forecasting", credit=Decimal(15), level_framework="FHEQ",
                level_value=7, provider_id=B)

# name: (agreements to make, what the learner holds, whether the planner and the request find the agreement)
CASES = {
    "no agreement": ([], BX1, False),
    "in force, naming the pathway's award": ([{}], BX1, True),
    "in force, naming no award": ([{"terms": Terms()}], BX1, True),
    "in force, naming another award only": ([{"terms": Terms(awards=("MSC-OTHER",))}], BX1, False),
    "proposed, not approved by every party": ([{"approved": (A,)}], BX1, False),
    "suspended": ([{"suspended": True}], BX1, False),
    "not yet valid": ([{"valid_from": date(2027, 1, 1)}], BX1, False),
    "expired": ([{"valid_from": date(2025, 1, 1), "valid_until": date(2026, 5, 31)}], BX1, False),
    "scope: another source member": ([{"scope": Scope(source_providers=(A,))}], BX1, False),
    "scope: another subject": ([{"scope": Scope(cah_groups=("CAH01",))}], BX1, False),
    "scope: another level": ([{"scope": Scope(eqf_levels=(6,))}], BX1, False),
    "covered, but the level is below the award's": ([{}], BX2, True),
    "two agreements, one in force": ([{"suspended": True}, {"title": "The second one"}], BX1, True),
    "described by hand, covered": ([{"terms": Terms()}], BY_HAND, True),
    "described by hand, scope names subjects": ([{"scope": Scope(cah_groups=("CAH11",))}], BY_HAND, False),
}


@pytest.fixture
def consortium(instance):
    build(instance)
    with instance.sessions.begin() as session:
        register_award(session, OPERATOR, AwardSpec(A, AWARD, "PgCert  applied data science", Decimal(60), 7))
        register_award(session, OPERATOR, AwardSpec(A, "MSC-OTHER", "MSc Something Else", Decimal(180), 7))
    learner = add_user(instance, "lena@learner.example", Role.LEARNER)
    return Identity(user_id=learner.id, role=Role.LEARNER)


def _planned(session, claim: Claim):
    result = plan(session, [claim], TODAY, lookup=RegisterLookup(session, TODAY), pathway_ids=["pg-ds"])
    (pathway,) = result.pathways
    (transfer,) = pathway.transfers
    return transfer


def _requested(session, learner: Identity, claim: Claim, award_code: str) -> dict:
    if claim.course:
        provider_id, course_id = claim.course.split("/")
        version = catalogue.get_course(session, provider_id, course_id).current_version
        achievement = requests.AchievementClaim(awarded_on=claim.awarded_on, course_version_id=version.id,
                                                content_hash=version.content_hash)
    else:
        achievement = requests.AchievementClaim(awarded_on=claim.awarded_on, provider_id=claim.provider_id,
                                                title=claim.title, credit=claim.credit, level=claim.level_value)
    draft = requests.RequestDraft(A, award_code, Purpose.ADVANCED_STANDING, (achievement,))
    submitted = requests.submit(session, learner, draft, today=TODAY)
    (outcome,) = submitted.request.assessment["outcomes"]
    return outcome


@pytest.mark.parametrize("name", list(CASES))
def test_the_planner_says_covered_exactly_when_the_pre_assessment_applies_the_agreement(instance, consortium,
                                                                                        name):
    made, claim, covered = CASES[name]
    with instance.sessions.begin() as session:
        ids = [_agreement(session, _content(**{k: v for k, v in m.items() if k not in ("approved", "suspended")}),
                          **{k: v for k, v in m.items() if k in ("approved", "suspended")}) for m in made]
    with instance.sessions.begin() as session:
        transfer = _planned(session, claim)
        # The planner's link names the award the lookup judged against: the request goes there.
        assert transfer.agreement.award_code == AWARD
        assert f"award_code={AWARD}" in transfer.request_url
        outcome = _requested(session, consortium, claim, transfer.agreement.award_code)
    assert (transfer.agreement.coverage is Coverage.COVERED) is covered, (name, transfer.agreement)
    assert (outcome["agreement_id"] is not None) is covered, (name, outcome)
    assert transfer.agreement.agreement_id == outcome["agreement_id"]
    if covered:
        assert outcome["agreement_id"] in ids
        assert any(r["code"] == "covered" for r in outcome["reasons"])
        assert transfer.agreement.words.startswith(f"covered by {transfer.agreement.agreement_title}")
    else:
        assert outcome["kind"] == "needs_review" and "no agreement in force" in transfer.agreement.words


def test_a_level_below_the_award_is_said_by_the_planner_as_by_the_request(instance, consortium):
    with instance.sessions.begin() as session:
        _agreement(session, _content())
    with instance.sessions.begin() as session:
        transfer = _planned(session, BX2)
        outcome = _requested(session, consortium, BX2, AWARD)
    assert outcome["kind"] == "not_recognised" and outcome["reasons"][-1]["code"] == "level_below_target"
    assert transfer.agreement.words.endswith(outcome["reasons"][-1]["words"])


def test_a_pathway_finds_its_award_by_code_else_by_title_and_only_its_own_member(instance, consortium):
    with instance.sessions.begin() as session:
        assert award_for_pathway(session, A, "pg-ds").code == AWARD  # by title, case and spacing aside
        assert award_for_pathway(session, B, "pg-ds") is None  # not B's pathway
        assert award_for_pathway(session, A, "no-such-pathway") is None
        register_award(session, OPERATOR, AwardSpec(A, "pg-ds", "Another title", Decimal(60), 7))
        assert award_for_pathway(session, A, "pg-ds").code == "pg-ds"  # the code the pathway's id wins


def test_without_an_award_in_the_register_the_planner_still_answers_and_the_link_names_none(instance):
    build(instance)
    with instance.sessions.begin() as session:
        _agreement(session, _content(terms=Terms(max_share_of_award=Fraction(1, 3))))
    with instance.sessions.begin() as session:
        transfer = _planned(session, BX1)
    assert transfer.agreement.coverage is Coverage.COVERED and transfer.agreement.award_code is None
    assert transfer.agreement.words == "covered by Aldport and Bexley recognise each other"  # no award, no cap said
    assert "award_code" not in transfer.request_url
