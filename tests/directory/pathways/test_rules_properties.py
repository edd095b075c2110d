"""Properties of the pure pathway rules over generated pathways and learners.

Decided (see directory/pathways/rules.py): progress never exceeds what a rule needs, nor counted credit
what the learner holds; adding an achievement never lowers the number of rules met, except when it comes
from a member other than the awarding one under an external share cap (it may take the allowance an
option course had).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from directory.credit import Achievement, Level
from directory.pathways.rules import OptionGroup, PathwayRules, evaluate

TODAY = date(2026, 6, 1)
PROVIDERS = ("aw", "p2", "p3")
COURSES = [f"{p}/c{n}" for p in PROVIDERS for n in range(6)]
LEVELS = [Level("FHEQ", 6, 6), Level("FHEQ", 7, 7), Level("SCQF", 11, 7), None]
COURSE_FACTS = {course: (Decimal((5, 10, 15, 20, 30)[n % 5]), LEVELS[n % 4]) for n, course in enumerate(COURSES)}


@st.composite
def pathways(draw):
    shuffled = draw(st.permutations(COURSES))
    n_core = draw(st.integers(0, 3))
    core = tuple(shuffled[:n_core])
    rest = shuffled[n_core:]
    groups = []
    for index in range(draw(st.integers(0, 2))):
        members = rest[index * 4:(index + 1) * 4]
        groups.append(OptionGroup(Decimal(draw(st.sampled_from([10, 15, 30]))), frozenset(members)))
    capstone = draw(st.sampled_from([None, *core])) if core else None
    return PathwayRules(
        pathway_id="p", awarding_provider_id="aw", total_credit=Decimal(draw(st.sampled_from([30, 60, 90]))),
        core=core, option_groups=tuple(groups),
        level=Level("FHEQ", 7, 7) if draw(st.booleans()) else None, level_credit=Decimal(30),
        max_external_share=draw(st.sampled_from([None, Fraction(1, 3), Fraction(1, 2)])),
        capstone=capstone, max_span_years=draw(st.sampled_from([None, 3, 5])),
    )


@st.composite
def achievements(draw, key):
    course = draw(st.sampled_from(COURSES + [None]))
    provider = course.partition("/")[0] if course else draw(st.sampled_from([*PROVIDERS, None]))
    # A directory course has one credit and one level (the directory's); credit by hand has its own.
    credit, level = (COURSE_FACTS[course] if course else
                     (Decimal(draw(st.sampled_from([5, 10, 15, 20, 30]))), draw(st.sampled_from(LEVELS))))
    return Achievement(
        key=key, title=key, credit=credit, level=level,
        awarded_on=TODAY - timedelta(days=draw(st.integers(0, 365 * 7))),
        provider_id=provider, course=course,
    )


@st.composite
def learners(draw, size=8):
    count = draw(st.integers(0, size))
    return [draw(achievements(f"a{n}")) for n in range(count)]


overlap_sets = st.sets(st.tuples(st.sampled_from(COURSES), st.sampled_from(COURSES)), max_size=4)


@settings(max_examples=300, deadline=None)
@given(pathways(), learners(), overlap_sets)
def test_progress_never_exceeds_the_totals(rules, held, overlaps):
    progress = evaluate(rules, held, TODAY, overlaps=overlaps)
    assert all(r.have <= r.need for r in progress.rules)
    assert progress.counted_credit <= sum((a.credit for a in held), Decimal(0))
    assert all(c.counted <= next(a.credit for a in held if a.key == c.key) for c in progress.credits)
    if rules.external_cap is not None:
        assert sum((c.counted for c in progress.credits if c.external), Decimal(0)) <= rules.external_cap


@settings(max_examples=300, deadline=None)
@given(pathways(), learners(size=7), achievements("added"), overlap_sets)
def test_adding_an_achievement_never_lowers_the_rules_met_except_through_the_external_cap(
        rules, held, added, overlaps):
    before = evaluate(rules, held, TODAY, overlaps=overlaps).satisfied
    after = evaluate(rules, [*held, added], TODAY, overlaps=overlaps).satisfied
    through_cap = rules.max_external_share is not None and added.provider_id != rules.awarding_provider_id
    assert after >= before or through_cap


@settings(max_examples=200, deadline=None)
@given(pathways(), learners(), overlap_sets)
def test_every_achievement_gets_exactly_one_outcome_in_order(rules, held, overlaps):
    progress = evaluate(rules, held, TODAY, overlaps=overlaps)
    assert [c.key for c in progress.credits] == [a.key for a in held]
