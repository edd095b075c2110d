"""The planner counts only one of a pair a provider's feed declared cannot be counted together, over the
consortium built by the real pipeline (tests/directory/pathways/helpers.py)."""

from __future__ import annotations

from datetime import date

from directory.pathways import planner
from directory.pathways.rules import CreditUse
from tests.clock import TODAY
from tests.directory.pathways.helpers import A, B, aldport_courses, bexley_courses, pathway, publish

# The planner names a learner's achievements a1, a2, ... in the order claimed: a2 is OPT1, a3 is BX1.
HELD = [planner.Claim(awarded_on=date(2025, 1, 10), course=f"{A}/DS1"),
        planner.Claim(awarded_on=date(2025, 2, 10), course=f"{A}/OPT1"),
        planner.Claim(awarded_on=date(2025, 3, 1), course=f"{B}/BX1")]


def progress(instance):
    with instance.readers() as session:
        [plan] = planner.plan(session, HELD, TODAY, pathway_ids=["pg-ds"]).pathways
        return plan.progress


def test_a_declared_pair_from_a_real_harvest_counts_once_in_the_planner(instance):
    bexley = bexley_courses()
    bexley[0]["excludes"] = [{"course_id": "OPT1", "provider_id": A, "reason": "the same unit, taught jointly"}]
    publish(instance, B, bexley)
    publish(instance, A, aldport_courses(), [pathway()])
    instance.refresh_overlaps()
    found = progress(instance)
    uses = {found.credit("a2").use, found.credit("a3").use}
    assert uses == {CreditUse.COUNTED, CreditUse.DOUBLE_COUNTED}
    [dropped] = [key for key in ("a2", "a3") if found.credit(key).use is CreditUse.DOUBLE_COUNTED]
    assert found.credit(dropped).overlaps_with == ({"a2", "a3"} - {dropped}).pop()


def test_without_the_declaration_both_count(instance):
    publish(instance, B, bexley_courses())
    publish(instance, A, aldport_courses(), [pathway()])
    instance.refresh_overlaps()
    found = progress(instance)
    assert {found.credit("a2").use, found.credit("a3").use} == {CreditUse.COUNTED}
