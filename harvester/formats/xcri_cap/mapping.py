"""One XCRI-CAP ``course`` element mapped to a native course record (field names of docs/feed-format.md).

This module never decides whether a course is valid (``directory.catalogue.schema`` does), it only maps
what the feed says and never invents a value. Nor does it judge an id repeated in the feed: the pipeline's
one duplicate-id rule does (the first record with an id wins, per member).

Mapping (course = ``provider/course``; presentation = ``course/presentation``)

==================================================  ==========================================================
XCRI-CAP                                            native field
==================================================  ==========================================================
course/dc:identifier                                ``id``: the first identifier that is not a URL and has no
                                                    xsi:type, else one with an xsi:type, else a URL
                                                    identifier, else course/mlo:url; none -> Rejection
                                                    ``course[n]/identifier`` (n counts from 0 in the feed)
course/dc:title                                     ``title``
course/mlo:url                                      ``url``
course/xcri:abstract                                ``summary``
course/dc:description (no xsi:type)                 ``summary`` when there is no abstract, else extension key
                                                    ``description``
dc:description xsi:type=aim, course/mlo:objective   ``aims``
xcri:learningOutcome, description[learningOutcome]  ``learning_outcomes``, split into one item per bullet,
                                                    list item or paragraph (lead-in lines ending in ":" are
                                                    dropped)
mlo:prerequisite, description[entryProfile |        ``entry_requirements``
prerequisites | entryRequirements]
mlo:assessment, description[assessmentStrategy]     ``assessment`` (one item per element)
description[studyHours],                            ``study_hours`` (the first number of hours)
presentation/mlo:engagement
mlo:credit (credit:scheme, credit:value)            ``credit``: the first block whose scheme names CATS, ECTS,
                                                    SCQF or CQFW (any case, or inside a URL) and has a value;
                                                    else the first block with a scheme and a value, under the
                                                    feed's scheme label (``{"value": 10, "scheme": "The Open
                                                    University"}``): the validator refuses the label (an
                                                    unmapped value) unless the feed's mapping profile maps it
credit:level, course/mlo:level,                     ``level``, from the chosen credit block, then the other
mlo:qualification/mlo:level                         blocks, then mlo:level: a named framework ("FHEQ 7",
                                                    "SCQF 11", "CQFW 3", "EQF 4", "RQF/NQF/QCF Level 3" ->
                                                    RQF); an SVQ level at the SCQF's broad placing (SVQ 1-5 ->
                                                    SCQF 4, 5, 6, 8, 11); Scottish qualification names at
                                                    their SCQF level (National 1-5, Access 1-3, Intermediate
                                                    1-2 -> 4-5, Foundation/General/Credit Standard Grade ->
                                                    3-5, Higher -> 6, Advanced Higher and Scottish
                                                    Baccalaureate -> 7). A bare label is read in its credit
                                                    block's numbering: SCQF and CQFW numbers as such; in a
                                                    CATS block or a university's own points scheme the old
                                                    CATS numbering (1, 2, 3, M and C, I, H, M, D -> FHEQ 4, 5,
                                                    6, 7, 8) and 4-8 as FHEQ; elsewhere 4-8 as FHEQ. A level
                                                    that cannot be placed is sent as {source, problem} so the
                                                    validator's reason quotes the feed's text. Every level
                                                    carries ``source`` (the feed's text) and, from a credit
                                                    block, ``scheme`` (the block's scheme label) beside
                                                    framework and value: a mapping profile places labels by
                                                    them, overriding these default placements
dc:subject (xsi:type/identifier/text)               ``subjects``: JACS3 (``A123``, type naming JACS; also
                                                    "JACS3: A123", "A123 Name" under a JACS type, a code's
                                                    URI), HECoS (``100xxx``, type naming HECoS), LDCS (type
                                                    naming LDCS, ``KC.3``/``DB.``/``A``; untyped: an
                                                    identifier or upper-case text shaped ``KC.3``/``DB.``;
                                                    "LDCS1: DB."), ISCED-F (type naming ISCED); free text
                                                    -> extension key ``subject_keywords``
presentation/xcri:attendanceMode (identifier or    ``mode``, across all presentations: CM -> on-campus,
text), then studyMode / attendancePattern text      DS, ON -> online-asynchronous, MM, BL -> blended,
                                                    DA (distance *with* attendance) -> blended, WB ->
                                                    work-based, NC (face to face, off campus) ->
                                                    on-campus; text: "online", "distance" ->
                                                    online-asynchronous, "campus" -> on-campus, "blended",
                                                    "mixed" -> blended, "work-based", "live" / "webinar"
                                                    -> online-synchronous. No mode found: field omitted
presentation/mlo:start, xcri:end, xcri:applyUntil,  ``schedule`` cohort presentations ``start``, ``end``,
mlo:places                                          ``apply_by``, ``places``; dates from @dtf, else the text
                                                    (ISO, 15/06/2012, "Friday 15th of June 2012", ...)
presentation without a start, with "any time" /     ``schedule`` learner-led (only when no presentation has a
"rolling" / "flexible" text, or a placeholder      dated start); ``max_engagement_days`` from mlo:duration
start before 1950 (1900-01-01)                      @interval or text (month = 30 days, year = 365)
presentation/mlo:cost                               ``cost`` from the first presentation whose cost gives an
                                                    amount and a currency (£, €, $, GBP, EUR, USD, "pounds");
                                                    "free" -> 0.00 GBP; the text is kept in ``notes`` when it
                                                    says more than the price
presentation/xcri:applyTo                           ``apply_url`` (the first web address)
presentation/mlo:languageOfInstruction              ``languages`` (BCP 47 tags or English language names)
mlo:qualification/xcri:awardedBy                    ``awarding_body`` {name}
mlo:qualification/xcri:accreditedBy                 ``psrb_recognition`` [{body, nature: "accreditation"}]
mlo:qualification/dc:title, abbr, dcterms:type,     extension key ``qualification`` {title, abbreviation, type,
dcterms:educationLevel (the first block)            education_level, awarded_by}: harvester.qualifications
                                                    tells a whole award (a degree) from a module by it
provider (dc:identifier, dc:title, mlo:url)         ``ProviderInfo`` (id: a UKPRN, else a URL identifier, else
                                                    the first identifier, else mlo:url); each record also
                                                    gets extension key ``provider`` {id, name} of the
                                                    provider that contains it; ``FeedDocument.provider`` is
                                                    the first provider
==================================================  ==========================================================

Not in XCRI-CAP, so never set: ``status`` (defaults to active), ``assessment_supervision``,
``identity_verified``, ``quality_assurance``, ``skills``, ``pathways``, ``updated`` (catalog/@generated is
when the feed was written, not when a course changed). Everything else the feed carries (venues,
applyFrom, studyMode, careerOutcome and other description types, regulations, extension elements and
attributes, ...) is listed once per feed in ``FeedDocument.unmapped``.

Exclusions (``excludes``: courses that cannot be counted together, docs/feed-format.md): XCRI-CAP 1.2 has no
element for them. They are deliberately not guessed from free text ("replaces ...", "cannot be taken with
..." in a description): a declared exclusion is a confirmed overlap that refuses credit at once, too strong
to rest on a reading of prose. A feed may say so in the Climbing Frame extension namespace (``CF``), one
element per excluded course, inside ``course``::

    <cf:excludes xmlns:cf="https://climbing-frame.example/ns/xcri-cap/1" course="DS-101"
                 provider="10007774">replaces DS-101 from 2025</cf:excludes>

-> ``{"course_id": "DS-101", "provider_id": "10007774", "reason": "replaces DS-101 from 2025"}``
(``provider`` optional: the course's own provider; the text optional: the reason). The validator checks
them as it checks a native feed's. Any other element of that namespace is unmapped, like other extensions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from ..base import ProviderInfo, Record, Rejection
from .presentations import Presentation, from_presentations
from .reader import CF, XSI, Feed, children, named, xsi_type
from .text import one_line, outcomes, paragraphs, plain_text
from .values import FRAMEWORK_MENTION, credit_scheme, hours, place_level, positive_number, subject_code

_CF_EXCLUDES = f"{{{CF}}}excludes"


def course_item(element: Element, position: int, provider: ProviderInfo | None, feed: Feed) -> Record | Rejection:
    """The record of the ``position``-th course of the document (from 0), or a Rejection when nothing
    identifies it."""
    raw = _CourseMapping(element, feed).record()
    record_id = raw.get("id")
    if not record_id:
        return Rejection(
            None,
            f"course[{position}]/identifier",
            "the course has no dc:identifier and no mlo:url to identify it",
            " ".join(str(raw.get("title") or "").split())[:200],
            provider,
        )
    if provider is not None:
        raw["provider"] = {"id": provider.id, "name": provider.name}
    return Record(record_id, raw, provider)

_COURSE_FIELDS = frozenset(
    "identifier title url abstract description learningOutcome objective prerequisite assessment subject"
    " credit level qualification presentation".split()
)


class _CourseMapping:
    """Maps one course element to a native record, noting what has no native counterpart."""

    def __init__(self, element: Element, feed: Feed) -> None:
        self.element = element
        self.feed = feed
        self.by_name: dict[str, list[Element]] = {}
        self.excludes: list[Element] = []
        for child in children(element):
            name = feed.local(child)
            if child.tag == _CF_EXCLUDES:
                self.excludes.append(child)
            elif name is None:
                feed.note(f"course/{feed.label(child.tag)}")
            else:
                self.by_name.setdefault(name, []).append(child)
        for attribute in element.attrib:
            feed.note(f"course/@{feed.label(attribute)}")
        for name in self.by_name.keys() - _COURSE_FIELDS:
            feed.note(f"course/{feed.label(self.by_name[name][0].tag)}")

    def all(self, name: str) -> list[Element]:
        return self.by_name.get(name, [])

    def record(self) -> dict[str, Any]:
        url = next((one_line(e) for e in self.all("url") if one_line(e)), None)
        raw: dict[str, Any] = {
            "id": _course_id(self.all("identifier"), url),
            "title": next((one_line(e) for e in self.all("title") if one_line(e)), None),
            "url": url,
        }
        raw.update(self.descriptions())
        raw.update(_subjects(self.all("subject"), self.feed))
        raw.update(self.credit_and_level())
        raw.update(self.qualification())
        presentations = [Presentation.read(e, self.feed) for e in self.all("presentation")]
        scheduled = from_presentations(presentations, self.feed)
        if scheduled["study_hours"] is None:  # the course's own studyHours description, if any
            del scheduled["study_hours"]
        raw.update(scheduled)
        # Attributes as given (None when absent): the validator names a missing course id.
        raw["excludes"] = [{"course_id": e.get("course"), "provider_id": e.get("provider"), "reason": one_line(e) or None}
                           for e in self.excludes]
        return {key: value for key, value in raw.items() if value not in (None, [], {})}

    def descriptions(self) -> dict[str, Any]:
        general, aims, learning, entry, assessment = [], [], [], [], []
        study_hours = None
        for element in self.all("description"):
            kind = xsi_type(element)
            text = plain_text(element)
            if not kind:
                general.append(text)
            elif kind == "aim":
                aims.append(text)
            elif kind == "learningoutcome":
                learning.extend(outcomes(text))
            elif kind in ("entryprofile", "prerequisites", "prerequisite", "entryrequirements"):
                entry.append(text)
            elif kind == "assessmentstrategy":
                assessment.append(text)
            elif kind == "studyhours" and hours(text) is not None:
                study_hours = study_hours or hours(text)
            else:
                self.feed.note(
                    f"course/{self.feed.label(element.tag)}[{element.get(f'{{{XSI}}}type') or kind}]"
                )
        aims.extend(plain_text(e) for e in self.all("objective"))
        for element in self.all("learningOutcome"):
            learning.extend(outcomes(plain_text(element)))
        entry.extend(plain_text(e) for e in self.all("prerequisite"))
        assessment.extend(plain_text(e) for e in self.all("assessment"))
        abstract = paragraphs([plain_text(e) for e in self.all("abstract")])
        mapped: dict[str, Any] = {
            "summary": abstract or paragraphs(general),
            "aims": paragraphs(aims),
            "learning_outcomes": learning,
            "entry_requirements": paragraphs(entry),
            "assessment": [text for text in assessment if text],
            "study_hours": study_hours,
        }
        if abstract and paragraphs(general):
            mapped["description"] = paragraphs(general)
            self.feed.note(
                "course/dc:description (kept as extension 'description': the abstract is the summary)"
            )
        return mapped

    def credit_and_level(self) -> dict[str, Any]:
        blocks = [_CreditBlock.read(e, self.feed) for e in self.all("credit")]
        usable = [b for b in blocks if b.scheme and b.value is not None]
        for block in blocks:
            if block.scheme is None:
                self.feed.note("course/mlo:credit (credit:scheme not CATS, ECTS, SCQF or CQFW)")
            elif block.value is None:
                self.feed.note("course/mlo:credit (no numeric credit:value)")
        chosen = usable[0] if usable else None
        credit = {"value": chosen.value, "scheme": chosen.scheme} if chosen else None
        if credit is None:
            # A university's own points scheme: sent under the feed's label, which the validator refuses
            # (an unmapped value) unless the feed's mapping profile names the system it counts in.
            labelled = next((b for b in blocks if b.scheme_text.strip() and b.value is not None), None)
            if labelled is not None:
                credit = {"value": labelled.value, "scheme": " ".join(labelled.scheme_text.split())}
        # The chosen credit's own level first, then the other blocks' (a university's own scheme too: its
        # level labels are CATS levels), then the course's and its qualification's mlo:level.
        ordered = ([chosen] if chosen else []) + [b for b in blocks if b.scheme and b is not chosen]
        ordered += [b for b in blocks if not b.scheme]
        candidates = [(b.level, b.numbering, " ".join(b.scheme_text.split())) for b in ordered]
        candidates += [(_level_text(e), None, "") for e in self.all("level")]
        for qualification in self.all("qualification"):
            candidates += [(_level_text(e), None, "") for e in named(qualification, self.feed, "level")]
        unplaced = None
        for text, numbering, scheme_label in candidates:
            if not text:
                continue
            # The feed's own text (and its credit block's scheme label) go beside the placement, so that a
            # mapping profile can place the label otherwise (harvester.mapping); the validator ignores them.
            source = {"source": text, "scheme": scheme_label} if scheme_label else {"source": text}
            level = place_level(text, numbering)
            if isinstance(level, dict):
                return {"credit": credit, "level": {**level, **source}}
            self.feed.note("course/level (not placed in a known framework)")
            unplaced = unplaced or {**source, "problem": level}
        # Nothing placed: the validator quotes the feed's text in the quarantine reason.
        return {"credit": credit, "level": unplaced}

    def qualification(self) -> dict[str, Any]:
        awarding, psrb = None, []
        # What the blocks say of the award, each element from the first block giving it (extension key
        # ``qualification``): harvester.qualifications reads it to tell a record describing a whole award
        # from a module that leads to one.
        block: dict[str, str] = {}
        for element in self.all("qualification"):
            for child in children(element):
                name = self.feed.local(child)
                if name == "awardedBy" and one_line(child) and awarding is None:
                    awarding = {"name": one_line(child)}
                elif name == "accreditedBy" and one_line(child):
                    psrb.append({"body": one_line(child), "nature": "accreditation"})
                elif name in _QUALIFICATION_TEXT and one_line(child):
                    block.setdefault(_QUALIFICATION_TEXT[name], one_line(child))
                elif name != "level":
                    self.feed.note(f"course/mlo:qualification/{self.feed.label(child.tag)}")
        if block and awarding:
            block["awarded_by"] = awarding["name"]
        return {"awarding_body": awarding, "psrb_recognition": psrb, "qualification": block or None}


# mlo:qualification's descriptive elements, by the extension key they are kept under.
_QUALIFICATION_TEXT = {"title": "title", "abbr": "abbreviation", "type": "type", "educationLevel": "education_level"}


def _course_id(identifiers: list[Element], url: str | None) -> str | None:
    plain, typed, urls = [], [], []
    for element in identifiers:
        value = one_line(element)
        if not value:
            continue
        if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
            urls.append(value)
        elif xsi_type(element):
            typed.append(value)
        else:
            plain.append(value)
    for found in (plain, typed, urls):
        if found:
            return found[0]
    return url



def _subjects(elements: list[Element], feed: Feed) -> dict[str, Any]:
    subjects: list[dict[str, str]] = []
    keywords: list[str] = []
    for element in elements:
        kind = (element.get(f"{{{XSI}}}type") or element.get("type") or "").upper()
        identifier = (element.get("identifier") or "").strip()
        text = one_line(element)
        found = subject_code(kind, identifier, text)
        if found and found not in subjects:
            subjects.append(found)
        elif found:
            continue
        elif kind or identifier or text.upper().startswith("LDCS"):
            feed.note(f"course/dc:subject[{element.get(f'{{{XSI}}}type') or 'code in an unknown scheme'}]")
        elif text and text not in keywords:
            keywords.append(text)
    if keywords:
        feed.note("course/dc:subject (free text, kept as extension 'subject_keywords')")
    return {"subjects": subjects, "subject_keywords": keywords}





@dataclass(frozen=True)
class _CreditBlock:
    scheme: str | None  # CATS, ECTS, SCQF or CQFW when the scheme text names one
    value: int | float | None
    level: str
    scheme_text: str = ""

    @classmethod
    def read(cls, element: Element, feed: Feed) -> _CreditBlock:
        parts: dict[str, str] = {}
        for child in children(element):
            name = feed.local(child)
            if name in ("scheme", "value", "level"):
                parts.setdefault(name, one_line(child))
            else:
                feed.note(f"course/mlo:credit/{feed.label(child.tag)}")
        scheme = credit_scheme(parts.get("scheme", ""))
        return cls(scheme, positive_number(parts.get("value", "")), parts.get("level", ""), parts.get("scheme", ""))

    @property
    def numbering(self) -> str | None:
        """How a bare level label in this block is read: SCQF, CQFW, CATS (also a university's own points
        scheme, which counts in CATS points and CATS levels), or None (ECTS, no scheme: no numbering)."""
        if self.scheme in ("SCQF", "CQFW", "CATS"):
            return self.scheme
        return "CATS" if self.scheme is None and self.scheme_text else None



def _level_text(element: Element) -> str:
    """The level's text, after its xsi:type when that names a framework (``xsi:type="x:SCQF"`` + "7")."""
    kind = (element.get(f"{{{XSI}}}type") or "").rpartition(":")[2].strip()
    framework = FRAMEWORK_MENTION.search(kind.upper())
    return " ".join(filter(None, (kind if framework else "", one_line(element))))

