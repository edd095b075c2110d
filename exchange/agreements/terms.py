"""What an agreement says, as immutable values: parties, kind, scope, terms, validity and document.

Pure: no session, no clock. ``canonical`` and ``terms_hash`` give the bytes an approval is bound to;
``diff`` says in words what changed between two versions; ``validate`` names every problem at once.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import orjson

from directory.errors import Invalid


class AgreementKind(enum.Enum):
    # Members recognise each other's micro-credentials (QAA 5.2, consortium approach).
    MUTUAL_RECOGNITION = "mutual_recognition"
    # One-way: credit from the source members articulates into a named award of the receiving member.
    ARTICULATION = "articulation"
    # Consortium-wide: a pathway of micro-credentials leading to a macro-credential.
    CONSORTIUM_PATHWAY = "consortium_pathway"


class Recognition(enum.Enum):
    """QAA 4.3 (2): providers must be clear whether completion guarantees entry or only supports an
    application."""

    GUARANTEES_ENTRY = "guarantees_entry"
    SUPPORTS_APPLICATION = "supports_application"


@dataclass(frozen=True, order=True)
class CourseRef:
    provider_id: str
    course_id: str

    def __str__(self) -> str:
        return f"{self.provider_id}/{self.course_id}"


@dataclass(frozen=True)
class Scope:
    """Which achievements an agreement covers: explicit courses, or criteria (all that are given must hold)."""

    courses: tuple[CourseRef, ...] = ()
    source_providers: tuple[str, ...] = ()  # empty: any party other than the receiver
    cah_groups: tuple[str, ...] = ()  # CAH codes at any level; empty: any subject
    eqf_levels: tuple[int, ...] = ()  # empty: any level
    min_credit: Decimal | None = None  # CATS
    min_grade: Decimal | None = None  # percentage mark


@dataclass(frozen=True)
class Terms:
    recognition: Recognition = Recognition.SUPPORTS_APPLICATION
    credit_factor: Decimal = Decimal(1)  # 1: the full credit value
    receiving_orgs: tuple[str, ...] = ()  # who grants the credit; empty: every party (mutual)
    awards: tuple[str, ...] = ()  # receiving awards or programmes (codes); empty: any
    max_credit_per_learner: Decimal | None = None
    # Share of a target award that may come from recognised credit (QAA 4.3: typically 1/3 to 2/3).
    max_share_of_award: Fraction | None = None
    shelf_life_years: int | None = None  # None: credit does not expire (QAA 4.3 allows setting it aside)


@dataclass(frozen=True)
class AgreementContent:
    """One version of an agreement: everything that parties approve."""

    title: str
    kind: AgreementKind
    parties: tuple[str, ...]
    scope: Scope
    terms: Terms
    valid_from: date
    valid_until: date | None = None
    document_ref: str | None = None

    def receivers(self) -> tuple[str, ...]:
        return self.terms.receiving_orgs or self.parties


def normalised(content: AgreementContent) -> AgreementContent:
    """The same content with sets in a stable order, so equal meaning gives equal bytes."""
    scope, terms = content.scope, content.terms
    return AgreementContent(
        title=content.title.strip(),
        kind=content.kind,
        parties=tuple(sorted(set(content.parties))),
        scope=Scope(
            courses=tuple(sorted(set(scope.courses))),
            source_providers=tuple(sorted(set(scope.source_providers))),
            cah_groups=tuple(sorted(set(scope.cah_groups))),
            eqf_levels=tuple(sorted(set(scope.eqf_levels))),
            min_credit=scope.min_credit,
            min_grade=scope.min_grade,
        ),
        terms=Terms(
            recognition=terms.recognition,
            credit_factor=terms.credit_factor,
            receiving_orgs=tuple(sorted(set(terms.receiving_orgs))),
            awards=tuple(sorted(set(terms.awards))),
            max_credit_per_learner=terms.max_credit_per_learner,
            max_share_of_award=terms.max_share_of_award,
            shelf_life_years=terms.shelf_life_years,
        ),
        valid_from=content.valid_from,
        valid_until=content.valid_until,
        document_ref=content.document_ref,
    )


# --- plain data (JSON) -----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, CourseRef):
        return {"provider_id": value.provider_id, "course_id": value.course_id}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def to_dict(content: AgreementContent) -> dict[str, Any]:
    """JSON-ready: decimals and fractions as strings ('0.5', '2/3'), dates ISO 8601."""
    return _plain(normalised(content))


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _fraction(value: Any) -> Fraction | None:
    return None if value is None else Fraction(str(value))


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def from_dict(data: dict[str, Any]) -> AgreementContent:
    """The inverse of ``to_dict``; raises Invalid naming the first field that does not parse."""
    try:
        scope, terms = data.get("scope") or {}, data.get("terms") or {}
        return normalised(AgreementContent(
            title=str(data["title"]),
            kind=AgreementKind(data["kind"]),
            parties=tuple(str(p) for p in data["parties"]),
            scope=Scope(
                courses=tuple(CourseRef(str(c["provider_id"]), str(c["course_id"]))
                              for c in scope.get("courses", ())),
                source_providers=tuple(str(p) for p in scope.get("source_providers", ())),
                cah_groups=tuple(str(c) for c in scope.get("cah_groups", ())),
                eqf_levels=tuple(int(level) for level in scope.get("eqf_levels", ())),
                min_credit=_decimal(scope.get("min_credit")),
                min_grade=_decimal(scope.get("min_grade")),
            ),
            terms=Terms(
                recognition=Recognition(terms.get("recognition", Recognition.SUPPORTS_APPLICATION.value)),
                credit_factor=_decimal(terms.get("credit_factor", "1")),
                receiving_orgs=tuple(str(o) for o in terms.get("receiving_orgs", ())),
                awards=tuple(str(a) for a in terms.get("awards", ())),
                max_credit_per_learner=_decimal(terms.get("max_credit_per_learner")),
                max_share_of_award=_fraction(terms.get("max_share_of_award")),
                shelf_life_years=None if terms.get("shelf_life_years") is None
                else int(terms["shelf_life_years"]),
            ),
            valid_from=_date(data["valid_from"]),
            valid_until=_date(data.get("valid_until")),
            document_ref=data.get("document_ref"),
        ))
    except KeyError as exc:
        raise Invalid(f"agreement is missing {exc.args[0]!r}", field=exc.args[0]) from None
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise Invalid(f"agreement does not parse: {exc}") from None


def canonical(content: AgreementContent) -> bytes:
    """Canonical JSON of the whole content (sorted keys, sets sorted, numbers as strings)."""
    return orjson.dumps(to_dict(content), option=orjson.OPT_SORT_KEYS)


def terms_hash(content: AgreementContent) -> str:
    """What an approval is bound to: any change to what was agreed changes this hash."""
    return hashlib.sha256(canonical(content)).hexdigest()


# --- validation ------------------------------------------------------------------------------------


def problems(content: AgreementContent) -> list[str]:
    """Every reason this content cannot be an agreement, in words (empty when it can)."""
    found: list[str] = []
    parties, scope, terms = set(content.parties), content.scope, content.terms
    if not content.title.strip():
        found.append("the agreement needs a title")
    if len(parties) < 2:
        found.append("an agreement needs at least two parties")
    if content.kind is AgreementKind.ARTICULATION and not terms.receiving_orgs:
        found.append("a one-way articulation must name its receiving member")
    if content.kind is AgreementKind.ARTICULATION and not terms.awards:
        found.append("a one-way articulation must name the award it articulates into")
    for org in sorted(set(terms.receiving_orgs) - parties):
        found.append(f"receiving member {org} is not a party")
    for org in sorted(set(scope.source_providers) - parties):
        found.append(f"source provider {org} is not a party")
    for course in scope.courses:
        if course.provider_id not in parties:
            found.append(f"course {course} is not offered by a party")
    for level in scope.eqf_levels:
        if not 1 <= level <= 8:
            found.append(f"EQF level {level} does not exist (1 to 8)")
    if not Decimal(0) < terms.credit_factor <= Decimal(1):
        found.append("the credit factor must be more than 0 and at most 1")
    if terms.max_share_of_award is not None and not 0 < terms.max_share_of_award <= 1:
        found.append("the share of an award from recognised credit must be more than 0 and at most 1")
    if terms.max_credit_per_learner is not None and terms.max_credit_per_learner <= 0:
        found.append("the maximum credit per learner must be positive")
    if terms.shelf_life_years is not None and terms.shelf_life_years <= 0:
        found.append("a shelf-life must be a positive number of years (or none)")
    if scope.min_credit is not None and scope.min_credit < 0:
        found.append("the minimum credit must not be negative")
    if scope.min_grade is not None and not 0 <= scope.min_grade <= 100:
        found.append("the minimum grade is a percentage (0 to 100)")
    if content.valid_until is not None and content.valid_until < content.valid_from:
        found.append("the agreement ends before it starts")
    return found


def validate(content: AgreementContent) -> AgreementContent:
    """The normalised content, or Invalid listing every problem."""
    found = problems(content)
    if found:
        raise Invalid("; ".join(found), problems=found)
    return normalised(content)


# --- differences -----------------------------------------------------------------------------------

LABELS = {
    "title": "Title", "kind": "Kind", "parties": "Parties", "valid_from": "Valid from",
    "valid_until": "Valid until", "document_ref": "Document",
    "scope.courses": "Courses covered", "scope.source_providers": "Source providers",
    "scope.cah_groups": "Subject groups (CAH)", "scope.eqf_levels": "EQF levels",
    "scope.min_credit": "Minimum credit", "scope.min_grade": "Minimum grade",
    "terms.recognition": "Recognition", "terms.credit_factor": "Credit recognised (factor)",
    "terms.receiving_orgs": "Receiving members", "terms.awards": "Receiving awards or programmes",
    "terms.max_credit_per_learner": "Maximum credit per learner",
    "terms.max_share_of_award": "Maximum share of an award",
    "terms.shelf_life_years": "Credit shelf-life (years)",
}


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any
    words: str


def _flat(content: AgreementContent) -> dict[str, Any]:
    data = to_dict(content)
    flat = {k: v for k, v in data.items() if k not in ("scope", "terms")}
    for part in ("scope", "terms"):
        flat.update({f"{part}.{k}": v for k, v in data[part].items()})
    return flat


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "none"
    if isinstance(value, dict):
        return "/".join(str(v) for v in value.values())
    return str(value)


def _words(label: str, before: Any, after: Any) -> str:
    if isinstance(before, list) and isinstance(after, list):
        shown_before, shown_after = [_shown(v) for v in before], [_shown(v) for v in after]
        added = [v for v in shown_after if v not in shown_before]
        removed = [v for v in shown_before if v not in shown_after]
        parts = ([f"added {', '.join(added)}"] if added else []) + (
            [f"removed {', '.join(removed)}"] if removed else [])
        return f"{label}: {'; '.join(parts)}"
    if before is None:
        return f"{label} set to {_shown(after)}"
    if after is None:
        return f"{label} removed (was {_shown(before)})"
    return f"{label} changed from {_shown(before)} to {_shown(after)}"


def diff(old: AgreementContent, new: AgreementContent) -> tuple[Change, ...]:
    """Field-by-field changes from ``old`` to ``new``, each said in words, in a stable order."""
    before, after = _flat(old), _flat(new)
    return tuple(
        Change(name, before[name], after[name], _words(LABELS[name], before[name], after[name]))
        for name in LABELS
        if before[name] != after[name]
    )
