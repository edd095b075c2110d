"""What an agreement says: canonical bytes, the hash approvals are bound to, differences in words, and
the lifecycle table."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from directory.errors import IllegalTransition, Invalid
from directory.workflow import allowed_actions
from exchange.agreements.lifecycle import (
    TRANSITIONS,
    AgreementAction,
    AgreementState,
    after_amend,
    transition,
)
from exchange.agreements.terms import (
    AgreementKind,
    CourseRef,
    Scope,
    Terms,
    diff,
    from_dict,
    terms_hash,
    to_dict,
    validate,
)
from tests.exchange.conftest import HOME, OTHER, THIRD, content


def test_the_hash_ignores_the_order_of_parties_and_lists():
    a = content(parties=(HOME, OTHER), scope=Scope(cah_groups=("CAH11-01", "CAH02")))
    b = content(parties=(OTHER, HOME), scope=Scope(cah_groups=("CAH02", "CAH11-01")))
    assert terms_hash(a) == terms_hash(b)


def test_any_change_to_the_terms_changes_the_hash():
    base = content()
    for changed in (
        replace(base, terms=replace(base.terms, shelf_life_years=4)),
        replace(base, scope=replace(base.scope, min_grade=Decimal(50))),
        replace(base, parties=(HOME, OTHER, THIRD)),
        replace(base, valid_until=date(2030, 1, 1)),
        replace(base, document_ref="docs/agreement-1-v2.pdf"),
    ):
        assert terms_hash(changed) != terms_hash(base)


def test_content_survives_the_round_trip_through_json():
    original = content(terms=Terms(max_share_of_award=Fraction(2, 3), credit_factor=Decimal("0.5"),
                                   awards=("MSC-DS",), receiving_orgs=(HOME,)),
                       scope=Scope(courses=(CourseRef(OTHER, "C1"),), min_credit=Decimal("7.5")))
    again = from_dict(to_dict(original))
    assert again == validate(original)
    assert terms_hash(again) == terms_hash(original)
    assert to_dict(original)["terms"]["max_share_of_award"] == "2/3"


def test_from_dict_names_what_is_missing():
    with pytest.raises(Invalid, match="parties"):
        from_dict({"title": "x", "kind": "mutual_recognition", "valid_from": "2026-01-01"})


def test_validation_lists_every_problem():
    bad = content(parties=(HOME,), kind=AgreementKind.ARTICULATION,
                  terms=Terms(credit_factor=Decimal(2), max_share_of_award=Fraction(3, 2), shelf_life_years=0),
                  valid_until=date(2025, 1, 1))
    with pytest.raises(Invalid) as caught:
        validate(bad)
    problems = caught.value.extra["problems"]
    assert "an agreement needs at least two parties" in problems
    assert "a one-way articulation must name its receiving member" in problems
    assert "the agreement ends before it starts" in problems
    assert len(problems) == 7


def test_the_diff_says_what_changed_in_words():
    old = content()
    new = replace(old, parties=(HOME, OTHER, THIRD), valid_until=None,
                  terms=replace(old.terms, shelf_life_years=3, max_share_of_award=Fraction(1, 2)))
    words = [c.words for c in diff(old, new)]
    assert words == [
        "Parties: added 10000003",
        "Valid until removed (was 2029-12-31)",
        "Maximum share of an award set to 1/2",
        "Credit shelf-life (years) changed from 5 to 3",
    ]
    assert diff(old, old) == ()


def test_an_agreement_becomes_active_only_from_proposed():
    assert transition(AgreementState.PROPOSED, AgreementAction.ACTIVATE) is AgreementState.ACTIVE
    with pytest.raises(IllegalTransition):
        transition(AgreementState.DRAFT, AgreementAction.ACTIVATE)


def test_nothing_leaves_expired_or_terminated():
    for state in (AgreementState.EXPIRED, AgreementState.TERMINATED):
        assert allowed_actions(TRANSITIONS, state) == []


def test_amending_an_agreement_in_force_keeps_its_state_and_a_proposal_stays_proposed():
    assert after_amend(AgreementState.ACTIVE) is AgreementState.ACTIVE
    assert after_amend(AgreementState.SUSPENDED) is AgreementState.SUSPENDED
    assert after_amend(AgreementState.PROPOSED) is AgreementState.PROPOSED
    for state in (AgreementState.DRAFT, AgreementState.EXPIRED, AgreementState.TERMINATED):
        with pytest.raises(IllegalTransition):
            after_amend(state)
