"""The planner's question, answered from the agreements register: would an agreement in force let the
awarding member recognise this credit towards this pathway? (``directory.pathways.agreements`` declares
the question; the composition root hands the planner this answer.)

The answer is the pre-assessment's own: the pathway's award (``exchange.awards.award_for_pathway``, the
one place a pathway meets an award code) is the target, and the engine's ``assess_achievement`` judges the
achievement against the same agreements (``snapshots_for``) a transfer request towards that award would
be judged by. So the planner says "covered by" exactly when the request's pre-assessment names the
agreement. The planner knows no grade and no ledger: a minimum grade or a cap is left to the request.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.catalogue.models import Course, CourseVersion
from directory.credit import Achievement, Level, course_facts
from directory.pathways.agreements import AgreementAnswer, Coverage

from ..awards import award_for_pathway
from . import rules
from .service import snapshots_for

NOT_COVERED = AgreementAnswer(Coverage.NOT_COVERED, "no agreement in force covers this credit: the awarding "
                                                    "member decides case by case")


class RegisterLookup:
    """One planning session's view of the register (each member's agreements and awards read once)."""

    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today
        self._snapshots: dict[str, list[rules.AgreementTerms]] = {}
        self._targets: dict[tuple[str, str], tuple[rules.Target, str | None]] = {}

    def coverage(self, *, achievement: Achievement, awarding_provider_id: str, pathway_id: str) -> AgreementAnswer:
        a = self._achievement(achievement)
        target, award_code = self._target(awarding_provider_id, pathway_id, a)
        if a.provider_id is None:
            return AgreementAnswer(Coverage.NOT_COVERED, "credit from outside the consortium: no agreement "
                                                         "covers it; the awarding member decides on the request",
                                   award_code=award_code)
        if awarding_provider_id not in self._snapshots:
            self._snapshots[awarding_provider_id] = snapshots_for(self.session, awarding_provider_id)
        outcome = rules.assess_achievement(a, target, self.today, self._snapshots[awarding_provider_id], (), ())
        if outcome.agreement_id is None:
            return AgreementAnswer(NOT_COVERED.coverage, NOT_COVERED.words, award_code=award_code)
        title = next(g.title for g in self._snapshots[awarding_provider_id]
                     if g.version_id == outcome.agreement_version_id)
        words = f"covered by {title}"
        # A level below the award's, say, is said now; without the award its size and level are unknown.
        if outcome.kind is not rules.OutcomeKind.RECOGNISE and award_code is not None:
            words += f", but {outcome.reasons[-1].words}"
        return AgreementAnswer(Coverage.COVERED, words, outcome.agreement_id, title, award_code)

    def _target(self, org_id: str, pathway_id: str, a: Achievement) -> tuple[rules.Target, str | None]:
        """The target a request towards the pathway's award names (``preassessment.load``'s); without an
        award in the register, the pathway itself, at the achievement's level (an agreement naming no
        awards still covers it)."""
        key = (org_id, pathway_id)
        if key not in self._targets:
            award = award_for_pathway(self.session, org_id, pathway_id)
            self._targets[key] = (
                (rules.Target(org_id, award.code, Decimal(award.total_credit), award.level), award.code)
                if award is not None else (None, None))
        target, code = self._targets[key]
        return (target or rules.Target(org_id, pathway_id, Decimal(0), a.eqf or 0)), code

    def _achievement(self, planned: Achievement) -> Achievement:
        """What the pre-assessment reads: a directory course's facts from its current version (as
        ``requests.service`` records them on a request), else what the learner described."""
        found = None
        if planned.course and "/" in planned.course:
            provider_id, course_id = planned.course.split("/", 1)
            found = self.session.execute(
                select(Course, CourseVersion).join(CourseVersion, CourseVersion.id == Course.current_version_id)
                .where(Course.provider_id == provider_id, Course.course_id == course_id)).first()
        if found is None:
            return Achievement(key="plan", title=planned.title, provider_id=planned.provider_id,
                               credit=planned.credit, awarded_on=planned.awarded_on,
                               level=None if planned.eqf is None else Level.eqf_only(planned.eqf))
        course, version = found
        facts = course_facts(version.content)
        return Achievement(
            key="plan", title=facts.title or course.title, provider_id=course.provider_id, credit=facts.credit,
            level=None if facts.eqf is None else Level.eqf_only(facts.eqf), awarded_on=planned.awarded_on,
            course=f"{course.provider_id}/{course.course_id}", course_pk=course.pk, course_version_id=version.id,
            cah_groups=facts.cah_groups)
