"""What a learner's recognised credit says, with the fields a transcript needs (QAA Characteristics
Statement: Micro-credentials, section 6): the learner, the achievement's title, awarding body, date of
issue, credit (CATS and ECTS), level, mode of study, aims and outcomes (from the course version the
request cited, never a later one), grade, subject (HECoS and CAH) and PSRB recognition; and where and
under which decision the credit counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.catalogue.models import CourseVersion
from directory.identity.identity import Identity
from directory.identity.models import User

from . import ledger
from .requests.models import RequestAchievement, TransferRequest


@dataclass(frozen=True)
class RecognisedCredit:
    request_id: int | None
    receiving_org: str
    award_code: str
    purpose: str
    credits_recognised: Decimal
    decided_at: datetime | None
    agreement_id: int | None
    title: str
    awarding_body: str | None
    date_of_issue: date | None
    credit_cats: Decimal | None
    credit_ects: Decimal | None
    level: str | None
    eqf_level: int | None
    mode: tuple[str, ...]
    aims: str | None
    learning_outcomes: tuple[str, ...]
    grade: Decimal | None
    subjects: tuple[dict[str, Any], ...]  # HECoS code and name, CAH codes
    psrb: tuple[Any, ...]
    course_version_id: int | None
    content_hash: str | None


@dataclass(frozen=True)
class Transcript:
    learner_id: int
    learner_name: str
    learner_email: str
    statement: ledger.CreditStatement
    recognised: tuple[RecognisedCredit, ...]


def _achievement_of(rows: list[RequestAchievement], entry: ledger.LedgerEntry) -> RequestAchievement | None:
    for row in rows:
        if entry.course_version_id is not None and row.course_version_id == entry.course_version_id:
            return row
    for row in rows:
        if row.course_version_id is None and row.title.strip().casefold() in entry.achievement_ref:
            return row
    return None


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _level(content: dict[str, Any]) -> str | None:
    level = content.get("level") or {}
    return f"{level['framework']} {level['value']}" if level.get("framework") else None


def _recognised(entry: ledger.LedgerEntry, request: TransferRequest | None, version: CourseVersion | None,
                row: RequestAchievement | None) -> RecognisedCredit:
    content = version.content if version is not None else {}
    credit = content.get("credit") or {}
    body = content.get("awarding_body") or {}
    return RecognisedCredit(
        request_id=entry.request_id, receiving_org=entry.target_org, award_code=entry.award_code,
        purpose=entry.purpose, credits_recognised=Decimal(entry.credits),
        decided_at=request.decided_at if request else None, agreement_id=entry.agreement_id,
        title=content.get("title") or (row.title if row else entry.achievement_ref),
        awarding_body=body.get("name") or (row.provider_name or row.provider_id if row else None),
        date_of_issue=row.awarded_on if row else None,
        credit_cats=_decimal(credit.get("cats")) or (Decimal(row.credit) if row else None),
        credit_ects=_decimal(credit.get("ects")),
        level=_level(content), eqf_level=(content.get("level") or {}).get("eqf") or (row.level if row else None),
        mode=tuple(content.get("mode") or ()), aims=content.get("aims"),
        learning_outcomes=tuple(content.get("learning_outcomes") or ()),
        grade=Decimal(row.grade) if row is not None and row.grade is not None else None,
        subjects=tuple({k: s.get(k) for k in ("scheme", "code", "name", "cah1", "cah2", "cah3") if s.get(k)}
                       for s in content.get("subjects") or ()),
        psrb=tuple(content.get("psrb_recognition") or ()),
        course_version_id=entry.course_version_id, content_hash=version.content_hash if version else None)


def transcript(session: Session, actor: Identity) -> Transcript:
    """The signed-in learner's credit: the ledger, and each standing entry with its transcript fields."""
    learner_id = actor.require_learner()
    statement = ledger.statement(session, actor)
    reversed_ids = {e.reverses_id for e in statement.entries if e.reverses_id is not None}
    standing = [e for e in statement.entries
                if e.reverses_id is None and e.id not in reversed_ids and e.credits > 0]
    request_ids = {e.request_id for e in standing if e.request_id is not None}
    requests = {r.id: r for r in session.scalars(
        select(TransferRequest).where(TransferRequest.id.in_(request_ids)))} if request_ids else {}
    version_ids = {e.course_version_id for e in standing if e.course_version_id is not None}
    versions = {v.id: v for v in session.scalars(
        select(CourseVersion).where(CourseVersion.id.in_(version_ids)))} if version_ids else {}
    recognised = []
    for entry in standing:
        request = requests.get(entry.request_id)
        row = _achievement_of(list(request.achievements), entry) if request else None
        recognised.append(_recognised(entry, request, versions.get(entry.course_version_id), row))
    user = session.get(User, learner_id)
    return Transcript(learner_id, (user.name or "") if user else "", user.email if user else "", statement,
                      tuple(recognised))
