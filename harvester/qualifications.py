"""Qualifications are not courses: telling a record that describes a whole award from a module.

University feeds list whole qualifications (degrees, diplomas, certificates) beside the modules that make
them up. A qualification is not something a learner takes and gets credit for on its own, so it stays out of
the course catalogue and is offered to the exchange's awards register instead (directory.qualifications).

``recognise(raw, profile)`` is a pure function of one record (native field names, the feed's mapping profile
applied) and the profile. A record is a qualification when, first rule first:

1. the profile says so: its ``[qualifications] url_pattern`` matches the record's ``url`` or its
   ``title_pattern`` matches the ``title`` (regular expressions, searched anywhere). The member knows its
   own catalogue best, so this is looked at first and needs nothing else;
2. its qualification block names the record itself: the block's title (XCRI-CAP
   ``mlo:qualification/dc:title``, kept by the adapter as extension ``qualification``) is the record's
   title, compared without case, punctuation and the "Hons"/"Honours" spelling. In the real Open University
   feed (shared/data/xcri-cap/ou-example.xml) the degree B01 "BA (Honours) History" carries a block titled
   "BA (Honours) History"; its module A174 "Start writing fiction" carries one titled "May lead to a
   variety of qualifications". A module's block names the award it leads to, an award's block names itself;
   or
3. its title names a higher-education award (BA, BSc (Hons), MSc, PGCert, Postgraduate Diploma, Foundation
   Degree, CertHE, HND, PhD, ... at the start of the title, or "(Hons)" anywhere) and it gives no credit, or
   at least the smallest credit that award is made of (the QAA's higher education credit framework: a
   bachelor's degree with honours 360 CATS, a master's 180, a postgraduate certificate 60, ...). Below that
   it is a part of the award ("MSc Dissertation", 60 credits), so a course.

What does not make a qualification, and why:
- a qualification block alone. Modules carry one to say what they lead to, who awards them and who
  accredits them (both real OU records have one), and a micro-credential's block may name a short
  credit-bearing award of its own ("Certificate of credit", "Certificate of Continuing Education"): those are
  courses a learner takes, and must stay listed;
- the block's type. Both real OU records say "NLD Qual Code: M", the module and the degree alike;
- a large credit alone: long modules and year-long courses exist, and a university's own points scheme
  needs a profile before its values can be compared.

The level offered is the record's own when it gives one a framework places; else the FHEQ level of the award
its title names (FHEQ qualification descriptors: CertHE and HNC 4; DipHE, foundation degree and HND 5;
bachelor's, graduate certificate and diploma 6; master's, PGCert, PGDip and PGCE 7; doctorate 8). Total credit
is the record's credit as the profile left it: ``system`` is CATS, ECTS, SCQF or CQFW when the scheme is one
of them, None for a scheme label no profile maps yet (its label kept in ``scheme``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from directory.catalogue.vocab import CREDIT_SCHEMES, FRAMEWORK_LEVELS, credit_in_cats

from .mapping import MappingProfile


@dataclass(frozen=True)
class Award:
    """A kind of higher-education award: how its name is written (``pattern``, matched at the start of a
    title), its FHEQ level, its smallest credit."""

    name: str
    pattern: re.Pattern[str]
    fheq: int
    least_cats: int  # 0: no credit size (research degrees)


def _award(name: str, fheq: int, least_cats: int, abbreviations: str = "", words: str = "") -> Award:
    # Abbreviations case-sensitive ("MA" is an award, "Ma" the start of a word); names in any case. Both at
    # the start of the title and followed by a space, a bracket, a comma or the end.
    parts = []
    if abbreviations:
        parts.append(r"(?-i:(?:" + abbreviations + r"))(?=[\s(,:]|$)")
    if words:
        parts.append(r"(?:" + words + r")\b")
    return Award(name, re.compile("|".join(parts), re.I), fheq, least_cats)


# Most specific first: "Postgraduate Certificate" before "Certificate of Higher Education", "MPhil" before
# "MA". Credit: the QAA's higher education credit framework for England (2008), its minimum per award.
AWARDS: tuple[Award, ...] = (
    _award("doctorate", 8, 0, r"PhD|DPhil|EdD|DBA|DProf|EngD", r"doctor\s+of"),
    _award("postgraduate certificate in education", 7, 60, r"PGCE|PGDE", r"postgraduate\s+certificate\s+in\s+education"),
    _award("postgraduate certificate", 7, 60, r"PGCert|PgCert|PG\s?Cert", r"postgraduate\s+certificate"),
    _award("postgraduate diploma", 7, 120, r"PGDip|PgDip|PG\s?Dip", r"postgraduate\s+diploma"),
    _award("master's degree", 7, 180, r"MA|MSc|MRes|MPhil|MBA|LLM|MEng|MMath|MChem|MPhys|MEd|MFA|MMus|MPH|MSt|MLitt",
           r"master\s+of|integrated\s+master'?s"),
    _award("graduate diploma", 6, 80, r"GradDip", r"graduate\s+diploma"),
    _award("graduate certificate", 6, 40, r"GradCert", r"graduate\s+certificate"),
    _award("bachelor's degree", 6, 300, r"BA|BSc|BEng|LLB|BEd|BMus|BFA|BN|BTh|BD", r"bachelor\s+of"),
    _award("foundation degree", 5, 240, r"FdA|FdSc|FdEng|FdBus", r"foundation\s+degree"),
    _award("diploma of higher education", 5, 240, r"DipHE", r"diploma\s+of\s+higher\s+education"),
    _award("higher national diploma", 5, 240, r"HND", r"higher\s+national\s+diploma"),
    _award("certificate of higher education", 4, 120, r"CertHE", r"certificate\s+of\s+higher\s+education"),
    _award("higher national certificate", 4, 120, r"HNC", r"higher\s+national\s+certificate"),
)
# Every award's name in one expression, in the order above (the first that matches names the award): one
# search per record, since every record of every feed is classified.
_ANY_AWARD = re.compile(r"^\s*(?:" + "|".join(f"(?P<a{i}>{a.pattern.pattern})" for i, a in enumerate(AWARDS)) + ")",
                        re.I)
_MAX_CREDIT = Decimal(1_000_000)
_HONOURS = re.compile(r"\((?:hons|honours)\)", re.I)
_BACHELORS = next(a for a in AWARDS if a.name == "bachelor's degree")


@dataclass(frozen=True)
class Qualification:
    """A record recognised as a whole qualification: what is offered to the awards register."""

    id: str
    title: str
    url: str | None
    # {"framework", "value", "source"}: the record's own placement, or the award name's ("source": "award").
    level: dict[str, Any] | None
    # {"value": "360", "system": "CATS" | "ECTS" | "SCQF" | "CQFW" | None, "scheme": the feed's label}
    credit: dict[str, Any] | None
    awarding_body: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "url": self.url, "level": self.level, "credit": self.credit,
                "awarding_body": self.awarding_body, "reason": self.reason}


def recognise(record_id: str, raw: Mapping[str, Any], profile: MappingProfile) -> Qualification | None:
    """The qualification ``raw`` describes, with the rule that recognised it; None for a course (and for
    anything that is not a record: the validator says what is wrong with it)."""
    if not isinstance(raw, Mapping):
        return None
    title = _text(raw.get("title"))
    url = _text(raw.get("url")) or None
    reason = _reason(title, url, raw, profile)
    if reason is None:
        return None
    award = award_named(title)
    block = raw.get("qualification") if isinstance(raw.get("qualification"), Mapping) else {}
    awarding = raw.get("awarding_body")
    awarding_name = awarding.get("name") if isinstance(awarding, Mapping) else None
    return Qualification(
        id=record_id, title=title, url=url, level=_level(raw.get("level"), award), credit=_credit(raw.get("credit")),
        awarding_body=_text(awarding_name or block.get("awarded_by")) or None, reason=reason,
    )


def award_named(title: str) -> Award | None:
    """The kind of award a title starts with ("(Hons)" anywhere: a bachelor's degree), or None."""
    found = _ANY_AWARD.match(title)
    if found is not None:
        return AWARDS[int(found.lastgroup[1:])]
    return _BACHELORS if "(" in title and _HONOURS.search(title) else None


def _reason(title: str, url: str | None, raw: Mapping[str, Any], profile: MappingProfile) -> str | None:
    if url and profile.qualification_url_pattern is not None and profile.qualification_url_pattern.search(url):
        return f"its address matches the profile's [qualifications] url_pattern {profile.qualification_url_pattern.pattern!r}"
    if title and profile.qualification_title_pattern is not None and profile.qualification_title_pattern.search(title):
        return f"its title matches the profile's [qualifications] title_pattern {profile.qualification_title_pattern.pattern!r}"
    block = raw.get("qualification")
    if title and isinstance(block, Mapping) and _same_name(_text(block.get("title")), title):
        return "its qualification block names the record itself (an award, not a module leading to one)"
    award = award_named(title) if title else None
    if award is None:
        return None
    cats = _cats(raw.get("credit"))
    if cats is None:
        return f"its title names a {award.name} and it gives no credit a module would carry"
    if cats >= award.least_cats:
        return f"its title names a {award.name} and its {_plain(cats)} credits are a whole award's (at least {award.least_cats})"
    return None  # a part of that award: "MSc Dissertation", 60 credits


def _same_name(a: str, b: str) -> bool:
    return bool(a) and _normal(a) == _normal(b)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\bhonours\b", "hons", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _cats(credit: Any) -> Decimal | None:
    """The record's credit on the CATS scale: a named system converted; a feed's own points label taken as
    points (universities' own schemes count CATS points, as the OU's does). None when it gives no value."""
    if not isinstance(credit, Mapping):
        return None
    value = _decimal(credit.get("value"))
    if value is None:
        return None
    scheme = credit.get("scheme")
    return credit_in_cats(value, scheme) if scheme in CREDIT_SCHEMES else value


def _credit(credit: Any) -> dict[str, Any] | None:
    if not isinstance(credit, Mapping):
        return None
    value = _decimal(credit.get("value"))
    if value is None:
        return None
    scheme = _text(credit.get("scheme"))
    return {"value": _plain(value), "system": scheme if scheme in CREDIT_SCHEMES else None, "scheme": scheme or None}


def _level(level: Any, award: Award | None) -> dict[str, Any] | None:
    # A level its framework has; anything else ("FHEQ 12", an id-sized number) is no level to offer.
    if isinstance(level, Mapping) and level.get("framework") in FRAMEWORK_LEVELS \
            and isinstance(level.get("value"), int) and not isinstance(level.get("value"), bool) \
            and level["value"] in FRAMEWORK_LEVELS[level["framework"]]:
        return {"framework": level["framework"], "value": level["value"], "source": _text(level.get("source")) or None}
    if award is not None:
        return {"framework": "FHEQ", "value": award.fheq, "source": "award"}
    return None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        found = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    # No award is a million credits: a larger (or hostile, "1e999999") value is no credit to compare or show.
    return found if found.is_finite() and 0 <= found < _MAX_CREDIT else None


def _plain(value: Decimal) -> str:
    """360, 7.5: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""
