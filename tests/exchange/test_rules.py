"""The pre-assessment rules, case by case from the QAA Characteristics Statement (4.3, 5.2), then as
properties: recognised credit never exceeds any cap, whatever the order of requests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from directory.credit import Achievement, Level, anniversary, share_cap, within_shelf_life
from exchange.agreements.lifecycle import AgreementState
from exchange.agreements.rules import (
    AgreementTerms,
    LedgerEntry,
    OutcomeKind,
    OverlapPair,
    Purpose,
    Target,
    assess,
    credit_total,
)
from exchange.agreements.terms import CourseRef, Recognition, Scope, Terms

HOME, OTHER, THIRD = "home", "other", "third"
ON = date(2026, 6, 15)
D = Decimal


def agreement(**changes) -> AgreementTerms:
    terms = changes.pop("terms", Terms(recognition=Recognition.GUARANTEES_ENTRY))
    scope = changes.pop("scope", Scope())
    base = AgreementTerms(
        agreement_id=1, version_id=11, title="Home-Other recognition", parties=frozenset({HOME, OTHER}),
        scope=scope, terms=terms, state=AgreementState.ACTIVE, valid_from=date(2025, 1, 1),
        valid_until=date(2028, 12, 31), terms_hash="h1",
        approvals=frozenset({(HOME, "h1"), (OTHER, "h1")}),
    )
    return replace(base, **changes)


def achievement(key="1", *, level=7, **changes) -> Achievement:
    """Course ``key`` from the other member; ``level`` is an EQF level, as a transfer request records it."""
    base = Achievement(key=key, title=f"Course {key}", provider_id=OTHER, credit=D(15),
                       level=None if level is None else Level.eqf_only(level),
                       awarded_on=date(2025, 9, 1), grade=D(65), course=f"{OTHER}/c{key}",
                       course_pk=int(key), cah_groups=frozenset({"CAH11-01"}))
    return replace(base, **changes)


TARGET = Target(HOME, "MSC-DS", D(180), 7)


def one(a=None, g=None, *, ledger=(), pairs=(), target=TARGET, on=ON):
    return assess([a or achievement()], target, on, [agreement() if g is None else g], ledger, pairs).outcomes[0]


def codes(outcome) -> list[str]:
    return [r.code for r in outcome.reasons]


def entry(credits, ref="course:other/x", course_pk=None, agreement_id=1, award="MSC-DS", entry_id=1, **kw):
    return LedgerEntry(entry_id, HOME, award, D(credits), ref, course_pk, agreement_id, **kw)


# --- coverage --------------------------------------------------------------------------------------


def test_an_achievement_covered_by_an_active_agreement_is_recognised_in_full():
    outcome = one()
    assert outcome.kind is OutcomeKind.RECOGNISE
    assert outcome.credits == 15
    assert outcome.agreement_version_id == 11
    assert codes(outcome) == ["covered", "recognised"]


def test_with_no_agreement_the_achievement_needs_review_not_refusal():
    outcome = assess([achievement()], TARGET, ON, [], []).outcomes[0]
    assert outcome.kind is OutcomeKind.NEEDS_REVIEW
    assert codes(outcome) == ["no_agreement"]
    assert outcome.agreement_version_id is None


def test_an_external_provider_that_is_not_a_member_needs_review():
    outcome = one(achievement(provider_id=None, provider_name="Open Academy", course=None, course_pk=None))
    assert outcome.kind is OutcomeKind.NEEDS_REVIEW


def test_an_expired_agreement_does_not_cover_and_says_so():
    outcome = one(g=agreement(state=AgreementState.EXPIRED, valid_until=date(2026, 5, 31)))
    assert outcome.kind is OutcomeKind.NEEDS_REVIEW
    assert codes(outcome) == ["no_agreement", "agreement_expired"]


def test_an_agreement_past_its_end_date_but_not_yet_expired_by_the_job_does_not_cover():
    outcome = one(g=agreement(valid_until=date(2026, 6, 14)))
    assert codes(outcome) == ["no_agreement", "agreement_expired"]


def test_an_agreement_on_its_last_day_still_covers():
    assert one(g=agreement(valid_until=ON)).kind is OutcomeKind.RECOGNISE


def test_an_agreement_not_yet_valid_does_not_cover():
    assert codes(one(g=agreement(valid_from=date(2026, 7, 1)))) == ["no_agreement", "agreement_not_yet_valid"]


def test_a_suspended_agreement_does_not_cover():
    assert "agreement_not_active" in codes(one(g=agreement(state=AgreementState.SUSPENDED)))


def test_terms_changed_after_approval_do_not_bind_the_party_that_did_not_approve_them():
    changed = agreement(terms_hash="h2", approvals=frozenset({(HOME, "h2"), (OTHER, "h1")}))
    outcome = one(g=changed)
    assert outcome.kind is OutcomeKind.NEEDS_REVIEW
    assert codes(outcome) == ["no_agreement", "terms_not_approved"]
    assert "other" in outcome.reasons[1].words


def test_one_way_articulation_does_not_work_backwards():
    g = agreement(terms=Terms(receiving_orgs=(OTHER,), awards=("BSC-X",)))
    assert one(g=g).kind is OutcomeKind.NEEDS_REVIEW


def test_an_agreement_naming_other_awards_does_not_cover_this_award():
    assert one(g=agreement(terms=Terms(awards=("MBA",)))).kind is OutcomeKind.NEEDS_REVIEW


def test_an_achievement_from_the_receiving_member_itself_is_not_transfer():
    assert one(achievement(provider_id=HOME)).kind is OutcomeKind.NEEDS_REVIEW


def test_explicit_course_scope_covers_only_the_listed_courses():
    g = agreement(scope=Scope(courses=(CourseRef(OTHER, "c1"),)))
    assert one(achievement("1"), g).kind is OutcomeKind.RECOGNISE
    assert one(achievement("2"), g).kind is OutcomeKind.NEEDS_REVIEW


def test_criteria_scope_checks_subject_level_and_minimum_credit():
    g = agreement(scope=Scope(cah_groups=("CAH11-01",), eqf_levels=(7,), min_credit=D(15)))
    assert one(achievement(), g).kind is OutcomeKind.RECOGNISE
    assert one(achievement(cah_groups=frozenset({"CAH02"})), g).kind is OutcomeKind.NEEDS_REVIEW
    assert one(achievement(level=8), g).kind is OutcomeKind.NEEDS_REVIEW
    assert one(achievement(credit=D(10)), g).kind is OutcomeKind.NEEDS_REVIEW


def test_source_providers_restrict_which_parties_credit_comes_from():
    g = agreement(parties=frozenset({HOME, OTHER, THIRD}), scope=Scope(source_providers=(THIRD,)),
                  approvals=frozenset({(HOME, "h1"), (OTHER, "h1"), (THIRD, "h1")}))
    assert one(achievement(), g).kind is OutcomeKind.NEEDS_REVIEW
    assert one(achievement(provider_id=THIRD), g).kind is OutcomeKind.RECOGNISE


def test_the_agreement_recognising_most_credit_is_chosen():
    half = agreement(version_id=12, agreement_id=2, terms=Terms(credit_factor=D("0.5")))
    outcome = assess([achievement()], TARGET, ON, [half, agreement()], []).outcomes[0]
    assert (outcome.agreement_version_id, outcome.credits) == (11, 15)


def test_a_credit_factor_recognises_part_of_the_value():
    outcome = one(g=agreement(terms=Terms(credit_factor=D("0.5"))))
    assert outcome.credits == D("7.5")
    assert "credit_factor" in codes(outcome)


# --- shelf-life ------------------------------------------------------------------------------------


def shelf(years):
    return agreement(terms=Terms(shelf_life_years=years))


def test_credit_awarded_exactly_n_years_before_the_request_is_within_the_shelf_life():
    outcome = one(achievement(awarded_on=date(2021, 6, 15)), shelf(5))
    assert outcome.kind is OutcomeKind.RECOGNISE
    assert "within_shelf_life" in codes(outcome)


def test_credit_older_than_shelf_life_by_one_day_is_not_recognised():
    outcome = one(achievement(awarded_on=date(2021, 6, 14)), shelf(5))
    assert outcome.kind is OutcomeKind.NOT_RECOGNISED
    assert codes(outcome)[-1] == "shelf_life_passed"
    assert "2026-06-14" in outcome.reasons[-1].words


def test_credit_awarded_on_a_leap_day_lasts_until_28_february():
    g = shelf(1)
    assert one(achievement(awarded_on=date(2024, 2, 29)), g, on=date(2025, 2, 28)).kind is OutcomeKind.RECOGNISE
    assert one(achievement(awarded_on=date(2024, 2, 29)), g, on=date(2025, 3, 1)).kind is \
        OutcomeKind.NOT_RECOGNISED


def test_credit_awarded_on_a_leap_day_reaches_the_next_leap_day_when_there_is_one():
    assert anniversary(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert within_shelf_life(date(2024, 2, 29), date(2028, 2, 29), 4)
    assert not within_shelf_life(date(2024, 2, 29), date(2028, 3, 1), 4)


def test_without_a_shelf_life_forty_year_old_credit_still_counts():
    assert one(achievement(awarded_on=date(1986, 1, 1)), shelf(None)).kind is OutcomeKind.RECOGNISE


# --- level and grade -------------------------------------------------------------------------------


def test_level_below_the_target_award_is_not_recognised_for_advanced_standing():
    outcome = one(achievement(level=6))
    assert outcome.kind is OutcomeKind.NOT_RECOGNISED
    assert codes(outcome)[-1] == "level_below_target"


def test_for_entry_the_level_below_the_programme_is_enough():
    target = replace(TARGET, purpose=Purpose.ENTRY)
    assert one(achievement(level=6), target=target).kind is OutcomeKind.RECOGNISE
    assert one(achievement(level=5), target=target).kind is OutcomeKind.NOT_RECOGNISED


def test_grade_below_minimum_is_not_recognised_and_a_missing_grade_needs_review():
    g = agreement(scope=Scope(min_grade=D(60)))
    assert one(achievement(grade=D(60)), g).kind is OutcomeKind.RECOGNISE
    assert codes(one(achievement(grade=D("59.5")), g))[-1] == "grade_below_minimum"
    missing = one(achievement(grade=None), g)
    assert (missing.kind, codes(missing)[-1]) == (OutcomeKind.NEEDS_REVIEW, "grade_missing")


# --- caps ------------------------------------------------------------------------------------------


def test_the_per_learner_cap_reached_exactly_still_recognises_the_achievement_that_reaches_it():
    g = agreement(terms=Terms(max_credit_per_learner=D(40)))
    outcome = one(g=g, ledger=[entry(25)])
    assert (outcome.kind, outcome.credits) == (OutcomeKind.RECOGNISE, 15)
    assert codes(outcome)[-1] == "recognised"


def test_the_per_learner_cap_gives_partial_credit_then_none():
    g = agreement(terms=Terms(max_credit_per_learner=D(40)))
    partial = one(g=g, ledger=[entry(30)])
    assert (partial.kind, partial.credits, codes(partial)[-1]) == (OutcomeKind.RECOGNISE, 10, "capped")
    full = one(g=g, ledger=[entry(40)])
    assert (full.kind, full.credits, codes(full)[-1]) == (OutcomeKind.NOT_RECOGNISED, 0, "cap_reached")


def test_the_per_learner_cap_counts_only_the_same_agreement():
    g = agreement(terms=Terms(max_credit_per_learner=D(40)))
    assert one(g=g, ledger=[entry(40, agreement_id=99)]).credits == 15


def test_a_reversal_gives_the_credit_back_to_the_cap():
    g = agreement(terms=Terms(max_credit_per_learner=D(40)))
    ledger = [entry(40, entry_id=1), entry(-40, entry_id=2, reverses=1)]
    assert one(g=g, ledger=ledger).credits == 15


def test_the_share_of_award_cap_reached_exactly():
    g = agreement(terms=Terms(max_share_of_award=Fraction(2, 3)))  # 120 of 180
    assert one(g=g, ledger=[entry(105)]).credits == 15
    assert one(g=g, ledger=[entry(110)]).credits == 10
    assert one(g=g, ledger=[entry(120)]).kind is OutcomeKind.NOT_RECOGNISED


def test_the_share_cap_counts_credit_from_every_agreement_towards_the_award():
    g = agreement(terms=Terms(max_share_of_award=Fraction(1, 3)))  # 60 of 180
    assert one(g=g, ledger=[entry(60, agreement_id=77)]).kind is OutcomeKind.NOT_RECOGNISED
    assert one(g=g, ledger=[entry(60, agreement_id=77, award="OTHER")]).credits == 15


def test_a_share_that_does_not_divide_evenly_is_rounded_down():
    assert share_cap(D(100), Fraction(1, 3)) == D("33.33")
    assert share_cap(D(100), Fraction(2, 3)) == D("66.66")


def test_caps_count_earlier_achievements_of_the_same_request():
    g = agreement(terms=Terms(max_credit_per_learner=D(20)))
    result = assess([achievement("1"), achievement("2"), achievement("3")], TARGET, ON, [g], [])
    assert [o.credits for o in result.outcomes] == [15, 5, 0]
    assert result.proposal.credits == 20
    assert result.proposal.kind is OutcomeKind.RECOGNISE


def test_entry_requests_do_not_spend_the_caps():
    g = agreement(terms=Terms(max_credit_per_learner=D(10)))
    outcome = one(g=g, ledger=[entry(10)], target=replace(TARGET, purpose=Purpose.ENTRY))
    assert outcome.kind is OutcomeKind.RECOGNISE


# --- double counting -------------------------------------------------------------------------------


def test_a_course_already_counted_towards_the_same_award_is_not_counted_again():
    outcome = one(ledger=[entry(15, ref=achievement().ref, course_pk=1)])
    assert (outcome.kind, codes(outcome)) == (OutcomeKind.NOT_RECOGNISED, ["already_counted"])


def test_a_course_counted_towards_another_award_may_count_here():
    assert one(ledger=[entry(15, ref=achievement().ref, award="MBA")]).kind is OutcomeKind.RECOGNISE


def test_a_course_whose_counting_was_reversed_may_count_again():
    ref = achievement().ref
    assert one(ledger=[entry(15, ref=ref, entry_id=1), entry(-15, ref=ref, entry_id=2, reverses=1)]).kind \
        is OutcomeKind.RECOGNISE


def test_a_course_overlapping_a_counted_course_is_double_counting():
    outcome = one(achievement("2"), ledger=[entry(15, ref="course:other/c9", course_pk=9)],
                  pairs=[OverlapPair.of(9, 2)])
    assert (outcome.kind, codes(outcome)) == (OutcomeKind.NOT_RECOGNISED, ["overlaps_counted_course"])


def test_two_overlapping_courses_in_one_request_count_once():
    result = assess([achievement("1"), achievement("2")], TARGET, ON, [agreement()], [], [OverlapPair.of(1, 2)])
    assert [o.kind for o in result.outcomes] == [OutcomeKind.RECOGNISE, OutcomeKind.NOT_RECOGNISED]


def test_the_same_achievement_listed_twice_counts_once():
    result = assess([achievement("1"), replace(achievement("1"), key="2")], TARGET, ON, [agreement()], [])
    assert [o.credits for o in result.outcomes] == [15, 0]
    assert codes(result.outcomes[1]) == ["listed_twice"]


def test_external_achievements_are_matched_by_provider_title_and_date():
    a = achievement(course=None, course_pk=None, title=" Data Ethics ")
    assert a.ref == replace(a, title="data ethics").ref


# --- the proposal ----------------------------------------------------------------------------------


def test_any_achievement_needing_review_makes_the_proposal_need_review():
    result = assess([achievement("1"), achievement("2", provider_id=THIRD)], TARGET, ON, [agreement()], [])
    assert result.proposal.kind is OutcomeKind.NEEDS_REVIEW
    assert result.proposal.credits == 15


def test_an_entry_proposal_says_whether_entry_is_guaranteed():
    target = replace(TARGET, purpose=Purpose.ENTRY)
    supports = agreement(terms=Terms(recognition=Recognition.SUPPORTS_APPLICATION))
    assert assess([achievement()], target, ON, [supports], []).proposal.entry is Recognition.SUPPORTS_APPLICATION
    assert assess([achievement()], target, ON, [agreement()], []).proposal.entry is Recognition.GUARANTEES_ENTRY


def test_nothing_recognisable_is_proposed_as_not_recognised():
    result = assess([achievement(level=5)], TARGET, ON, [agreement()], [])
    assert result.proposal.kind is OutcomeKind.NOT_RECOGNISED


# --- properties ------------------------------------------------------------------------------------

credits = st.sampled_from([D(5), D(10), D(15), D(20), D("7.5"), D(30), D(60)])
achievements = st.builds(
    lambda key, credit, provider, course: achievement(str(key), credit=credit, provider_id=provider,
                                                      course=f"{provider}/c{course}",
                                                      course_pk=course),
    st.integers(1, 1000), credits, st.sampled_from([OTHER, THIRD]), st.integers(1, 12),
)
caps = st.builds(
    lambda per_learner, share, factor: Terms(
        max_credit_per_learner=per_learner, max_share_of_award=share, credit_factor=factor),
    st.sampled_from([None, D(15), D(25), D(40), D("47.5")]),
    st.sampled_from([None, Fraction(1, 3), Fraction(1, 2), Fraction(2, 3)]),
    st.sampled_from([D(1), D("0.5"), D("0.75")]),
)


def _fix_keys(request):
    return [replace(a, key=str(i)) for i, a in enumerate(request)]


@settings(max_examples=300, deadline=None)
@given(requests=st.lists(st.lists(achievements, min_size=1, max_size=5), min_size=1, max_size=6),
       terms_a=caps, terms_b=caps, total=st.sampled_from([D(60), D(100), D(120), D(180)]),
       overlaps=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 12)), max_size=4))
def test_recognised_credit_never_exceeds_any_cap_whatever_the_order_of_requests(
        requests, terms_a, terms_b, total, overlaps):
    parties = frozenset({HOME, OTHER, THIRD})
    approvals = frozenset((p, "h1") for p in parties)
    g1 = agreement(parties=parties, approvals=approvals, terms=terms_a, scope=Scope(source_providers=(OTHER,)))
    g2 = agreement(agreement_id=2, version_id=22, parties=parties, approvals=approvals, terms=terms_b,
                   scope=Scope(source_providers=(THIRD,)))
    target = replace(TARGET, total_credit=total)
    pairs = [OverlapPair.of(a, b) for a, b in overlaps if a != b]
    ledger: list[LedgerEntry] = []
    for request in requests:
        result = assess(_fix_keys(request), target, ON, [g1, g2], ledger, pairs)
        for a, outcome in zip(_fix_keys(request), result.outcomes, strict=True):
            assert 0 <= outcome.credits <= a.credit
            if outcome.kind is OutcomeKind.RECOGNISE:
                ledger.append(LedgerEntry(len(ledger) + 1, HOME, target.award, outcome.credits, a.ref,
                                          a.course_pk, outcome.agreement_id))
            else:
                assert outcome.credits == 0
    for g in (g1, g2):
        if g.terms.max_credit_per_learner is not None:
            assert credit_total(ledger, agreement_id=g.agreement_id) <= g.terms.max_credit_per_learner
    shares = [g.terms.max_share_of_award for g in (g1, g2) if g.terms.max_share_of_award is not None]
    for g in (g1, g2):
        share = g.terms.max_share_of_award
        if share is not None:
            # Credit recognised under an agreement with a share cap never takes the award past that share.
            assert credit_total([e for e in ledger if e.agreement_id == g.agreement_id]) <= share_cap(total, share)
    if len(shares) == 2:
        assert credit_total(ledger) <= max(share_cap(total, s) for s in shares)
    refs = [e.achievement_ref for e in ledger]
    assert len(refs) == len(set(refs)), "an achievement counted twice"
    counted = {e.course_pk for e in ledger}
    assert not any(p.a in counted and p.b in counted for p in pairs), "overlapping courses both counted"


@settings(max_examples=200, deadline=None)
@given(request=st.lists(achievements, min_size=1, max_size=6), terms=caps, data=st.data())
def test_the_total_under_a_cap_does_not_depend_on_the_order_of_achievements(request, terms, data):
    g = agreement(parties=frozenset({HOME, OTHER, THIRD}),
                  approvals=frozenset((p, "h1") for p in (HOME, OTHER, THIRD)), terms=terms)
    shuffled = data.draw(st.permutations(request))
    totals = [assess(_fix_keys(r), TARGET, ON, [g], []).proposal.credits for r in (request, shuffled)]
    assert totals[0] == totals[1], f"{totals[0]} in one order, {totals[1]} in another"
    for total in totals:
        if terms.max_credit_per_learner is not None:
            assert total <= terms.max_credit_per_learner
        cap = share_cap(TARGET.total_credit, terms.max_share_of_award)
        if cap is not None:
            assert total <= cap


def test_an_achievement_listed_twice_counts_by_its_listing_not_by_its_place():
    """The latest award counts; on the same day, the listing claiming more credit (whatever the order)."""
    g = agreement(parties=frozenset({HOME, OTHER, THIRD}),
                  approvals=frozenset((p, "h1") for p in (HOME, OTHER, THIRD)))
    small, large = achievement("1", credit=D(10)), achievement("1", credit=D(20))
    for listed in ([small, large], [large, small]):
        result = assess(_fix_keys(listed), TARGET, ON, [g], [])
        assert result.proposal.credits == 20
        counted = [o for o in result.outcomes if o.kind is OutcomeKind.RECOGNISE]
        assert [listed[int(o.achievement_key)].credit for o in counted] == [D(20)]
        assert codes(next(o for o in result.outcomes if o.kind is OutcomeKind.NOT_RECOGNISED)) == ["listed_twice"]
    older = achievement("1", credit=D(30), awarded_on=date(2024, 9, 1))
    for listed in ([older, small], [small, older]):
        assert assess(_fix_keys(listed), TARGET, ON, [g], []).proposal.credits == 10
