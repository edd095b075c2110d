"""The planner's question, answered from the agreements register: would an agreement in force let the
awarding member recognise this credit towards this pathway? (``directory.pathways.agreements`` declares
the question; the composition root hands the planner this answer.)

A pathway is one of the "receiving awards or programmes" an agreement's terms may name: an agreement that
names awards covers a pathway only when it names the pathway's id; one that names none covers every award
of its receiving members. Grades are not known when planning, so a minimum grade is left to the request.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.catalogue.models import Course, CourseVersion
from directory.credit import Achievement, Level
from directory.pathways.agreements import AgreementAnswer, Coverage

from . import rules
from .service import snapshots_for


class RegisterLookup:
    """One planning session's view of the register (each member's agreements read once)."""

    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today
        self._snapshots: dict[str, list[rules.AgreementTerms]] = {}

    def coverage(self, *, source_provider_id: str | None, awarding_provider_id: str, course_key: str | None,
                 pathway_id: str) -> AgreementAnswer:
        achievement = self._achievement(source_provider_id, course_key)
        if achievement.provider_id is None:
            return AgreementAnswer(Coverage.NOT_COVERED, "credit from outside the consortium: no agreement "
                                                         "covers it; the awarding member decides on the request")
        target = rules.Target(awarding_provider_id, pathway_id, Decimal(0), achievement.eqf or 0)
        if awarding_provider_id not in self._snapshots:
            self._snapshots[awarding_provider_id] = snapshots_for(self.session, awarding_provider_id)
        for agreement in self._snapshots[awarding_provider_id]:
            if not rules.not_in_force(agreement, self.today) and rules.covers(agreement, achievement, target):
                return AgreementAnswer(Coverage.COVERED, f"covered by {agreement.title}",
                                       agreement.agreement_id, agreement.title)
        return AgreementAnswer(Coverage.NOT_COVERED, "no agreement in force covers this credit: the awarding "
                                                     "member decides case by case")

    def _achievement(self, source_provider_id: str | None, course_key: str | None) -> Achievement:
        """What ``covers`` reads: the course's own facts when it is in the directory."""
        found = None
        if course_key and "/" in course_key:
            provider_id, course_id = course_key.split("/", 1)
            found = self.session.execute(
                select(Course, CourseVersion).join(CourseVersion, CourseVersion.id == Course.current_version_id)
                .where(Course.provider_id == provider_id, Course.course_id == course_id)).first()
        if found is None:
            return Achievement(key="plan", title="", provider_id=source_provider_id, credit=Decimal(0),
                               level=None, awarded_on=self.today)
        course, version = found
        content = version.content
        cah = frozenset(s[k] for s in content.get("subjects", ()) for k in ("cah1", "cah2", "cah3") if s.get(k))
        eqf = (content.get("level") or {}).get("eqf")
        return Achievement(
            key="plan", title=content.get("title", ""), provider_id=course.provider_id,
            credit=Decimal(str(content["credit"]["cats"])), level=None if eqf is None else Level.eqf_only(eqf),
            awarded_on=self.today, course=f"{course.provider_id}/{course.course_id}", course_pk=course.pk,
            cah_groups=cah)
