"""API schemas: what the JSON API accepts and answers. They declare the OpenAPI document, so it cannot
drift from the code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask import request, url_for
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..catalogue import words
from ..catalogue.models import Course, CourseVersion
from ..catalogue.schema import MODES
from ..catalogue.service import Page
from ..identity.schema import PERMISSIONS, ROLES
from ..search.facet_table import CREDIT
from ..search.query import MAX_PER_PAGE, Hit, SearchQuery, SearchResult


class NotBlank(validate.Regexp):
    """A string with something in it besides whitespace, as the services require; documented as the
    pattern ``\\S``."""

    def __init__(self) -> None:
        super().__init__(r"\S", error="must not be blank")

    def __call__(self, value: str) -> str:
        if not value.strip():
            raise ValidationError(self._format_error(value))
        return value


CURSOR_WORDS = ("Walk a list by cursor: pass the answer's next_cursor (or follow its next link) to get the "
                "rows after the last one shown, in the same order, each once, however deep (an index seek, not "
                "a count of rows skipped). With a cursor, page is ignored and answered null. A cursor is "
                "opaque; one this list did not give is a 400.")


def present_page(page: Page, convert: Callable[[Any], Any]) -> dict[str, Any]:
    """A service's page as every list answers it (``envelope``): ``{"total", "page", "per_page", "results",
    "next_cursor", "next"}``, ``next`` being this request's address with ``cursor`` set to ``next_cursor``."""
    following = None
    if page.next_cursor is not None:
        args = {key: values for key, values in request.args.lists() if key not in ("cursor", "page")}
        following = url_for(request.endpoint, **(request.view_args or {}), **args, cursor=page.next_cursor,
                            _external=True)
    return {"total": page.total, "page": page.page, "per_page": page.per_page,
            "results": [convert(item) for item in page.results],
            "next_cursor": page.next_cursor, "next": following}


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000), metadata={
        "description": "Page number (an offset; for deep pages walk by cursor instead)."})
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(validate=validate.Length(min=1, max=1000), metadata={"description": CURSOR_WORDS})


class CourseListArgs(PageArgs):
    provider = fields.String(metadata={"description": "Only this provider's courses (provider id)."})


class ProviderRef(Schema):
    id = fields.String()
    name = fields.String()


class ProviderOut(ProviderRef):
    id_scheme = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    active_courses = fields.Integer()


def present_provider(pair) -> dict[str, Any]:
    """``ProviderOut`` of a ``(provider, active course count)`` pair (``catalogue.list_providers``)."""
    provider, active_courses = pair
    return {"id": provider.id, "name": provider.name, "id_scheme": provider.id_scheme,
            "country": provider.country, "url": provider.url, "active_courses": active_courses}


class CreditOut(Schema):
    value = fields.Float()
    scheme = fields.String(metadata={"description": "CATS, ECTS, SCQF or CQFW as the provider states it"})
    cats = fields.Float(metadata={"description": "Normalised to CATS (SCQF and CQFW credit = CATS)"})
    ects = fields.Float(metadata={"description": "Normalised to ECTS (2 CATS = 1 ECTS)"})


class LevelOut(Schema):
    framework = fields.String()
    value = fields.Integer()
    eqf = fields.Integer(metadata={"description": "European Qualifications Framework level"})


class SubjectOut(Schema):
    scheme = fields.String()
    code = fields.String()
    name = fields.String()
    cah3 = fields.String(allow_none=True)
    cah2 = fields.String(allow_none=True)
    cah1 = fields.String(allow_none=True)


class PresentationOut(Schema):
    start = fields.String()
    end = fields.String(allow_none=True)
    apply_by = fields.String(allow_none=True)
    places = fields.Integer(allow_none=True)


class ScheduleOut(Schema):
    type = fields.String(metadata={"description": "cohort or learner-led"})
    presentations = fields.List(fields.Nested(PresentationOut))
    max_engagement_days = fields.Integer(allow_none=True)


class CostOut(Schema):
    amount = fields.String()
    currency = fields.String()
    notes = fields.String(allow_none=True)


class CourseSummaryOut(Schema):
    id = fields.String(metadata={"description": "<provider_id>/<course_id>"})
    course_id = fields.String()
    provider = fields.Nested(ProviderRef)
    title = fields.String()
    url = fields.String()
    credit = fields.Nested(CreditOut)
    level = fields.Nested(LevelOut)
    subjects = fields.List(fields.Nested(SubjectOut))
    mode = fields.List(fields.String())
    schedule = fields.Nested(ScheduleOut, allow_none=True)
    status = fields.String()


class CourseOut(CourseSummaryOut):
    """The full canonical record: the QAA minimum information set and the EU elements."""

    summary = fields.String(allow_none=True)
    aims = fields.String(allow_none=True)
    learning_outcomes = fields.List(fields.String())
    study_hours = fields.Integer(allow_none=True)
    languages = fields.List(fields.String())
    cost = fields.Nested(CostOut, allow_none=True)
    entry_requirements = fields.String(allow_none=True)
    assessment = fields.List(fields.String())
    assessment_supervision = fields.String(allow_none=True)
    identity_verified = fields.Boolean(allow_none=True)
    apply_url = fields.String(allow_none=True)
    awarding_body = fields.Dict()
    quality_assurance = fields.String(allow_none=True)
    psrb_recognition = fields.List(fields.Dict())
    skills = fields.List(fields.String())
    pathways = fields.List(fields.Dict())
    updated = fields.String(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    version = fields.Dict(metadata={"description": "The version shown: id, content_hash, first_seen, last_seen"})
    completeness = fields.Float()
    missing = fields.List(fields.String())


def present_course_summary(course: Course) -> dict[str, Any]:
    """``CourseSummaryOut``."""
    content = course.current_version.content
    return {
        "id": course.key,
        "course_id": course.course_id,
        "provider": {"id": course.provider.id, "name": course.provider.name},
        "title": content["title"],
        "url": content["url"],
        "credit": content["credit"],
        "level": content["level"],
        "subjects": content["subjects"],
        "mode": content["mode"],
        "schedule": content.get("schedule"),
        "status": course.status.value,
    }


def present_course(course: Course) -> dict[str, Any]:
    """``CourseOut``: the stored record (without its extensions) and how to cite the version shown."""
    version = course.current_version
    record = {key: value for key, value in version.content.items() if key != "extensions"}
    record.update(present_course_summary(course))
    record.update(
        withdrawn_at=course.withdrawn_at,
        version=version_reference(version, course),
        completeness=version.completeness,
        missing=version.missing,
    )
    return record


def version_reference(version: CourseVersion, course: Course) -> dict[str, Any]:
    """How to cite a version. The current version was last seen when its course was; a replaced one
    when it was replaced."""
    last_seen = course.last_seen if version.id == course.current_version_id else version.last_seen
    return {
        "id": version.id,
        "content_hash": version.content_hash,
        "first_seen": version.first_seen.isoformat(),
        "last_seen": last_seen.isoformat(),
    }


class VersionOut(Schema):
    id = fields.Integer()
    content_hash = fields.String()
    first_seen = fields.String(metadata={'format': 'date-time'})
    last_seen = fields.String(metadata={'format': 'date-time'})
    completeness = fields.Float()
    content = fields.Dict()


def present_version(version: CourseVersion, course: Course) -> dict[str, Any]:
    """``VersionOut``."""
    return {**version_reference(version, course), "completeness": version.completeness, "content": version.content}


def envelope(item_schema: type[Schema], name: str) -> type[Schema]:
    """The one list envelope: {total, page, per_page, results, next_cursor, next} (``present_page``)."""
    return Schema.from_dict(
        {
            "total": fields.Integer(),
            "page": fields.Integer(allow_none=True, metadata={"description": "null when asked by cursor"}),
            "per_page": fields.Integer(),
            "results": fields.List(fields.Nested(item_schema)),
            "next_cursor": fields.String(allow_none=True, metadata={
                "description": "The cursor of the next page; null on the last. " + CURSOR_WORDS}),
            "next": fields.String(allow_none=True, metadata={
                "format": "uri", "description": "The next page's address (by cursor); null on the last."}),
        },
        name=name,
    )


ProviderPage = envelope(ProviderOut, "ProviderPage")
CoursePage = envelope(CourseSummaryOut, "CoursePage")
VersionPage = envelope(VersionOut, "VersionPage")


# -- search -----------------------------------------------------------------------------------------

SORTS = ("relevance", "start", "credit", "title")
SCHEDULES = ("cohort", "learner-led")
# Elasticsearch answers no deeper than its max_result_window (10,000 by default): page * per_page stays within.
MAX_RESULT_WINDOW = 10_000


def _many(field: fields.Field, description: str) -> fields.List:
    return fields.List(field, metadata={"description": description + " Repeat the parameter for either/or."})


class SearchArgs(Schema):
    """What a learner can ask the directory: words, filters, an order and a page."""

    q = fields.String(load_default="", validate=validate.Length(max=500), metadata={
        "description": 'Words to find (typos forgiven on words of five letters or more); "quoted text" is a phrase.'})
    provider = _many(fields.String(validate=validate.Length(min=1, max=100)), "Provider id.")
    subject = _many(fields.String(validate=validate.Length(min=1, max=20)),
                    "HECoS or JACS 3 code, or a CAH group at any level (CAH11, CAH11-01).")
    eqf_level = _many(fields.Integer(strict=False, validate=validate.Range(min=1, max=8)),
                      "European Qualifications Framework level, 1 to 8.")
    mode = _many(fields.String(validate=validate.OneOf(MODES)), "How the course is studied.")
    schedule = _many(fields.String(validate=validate.OneOf(SCHEDULES)),
                     "cohort (set start dates) or learner-led (start any time).")
    credit_min = fields.Float(validate=validate.Range(min=0, max=1000), metadata={
        "description": "At least this many UK credits (CATS points), inclusive; not more than credit_max."})
    credit_max = fields.Float(validate=validate.Range(min=0, max=1000), metadata={
        "description": "At most this many UK credits (CATS points), inclusive."})
    starts_after = fields.Date(metadata={"description": "Starts on or after this day (ISO 8601); learner-led "
                                                        "courses start any day. Not after starts_before."})
    starts_before = fields.Date(metadata={"description": "Starts on or before this day (ISO 8601)."})
    language = _many(fields.String(validate=validate.Regexp(r"^[A-Za-z]{2,3}$", error="not a primary language subtag")),
                     "Language of teaching as a primary subtag: en, cy, gd.")
    psrb = _many(fields.String(validate=validate.Length(min=1, max=300)),
                 'A professional, statutory or regulatory body that recognises the course, or "any".')
    cost_max = fields.Float(validate=validate.Range(min=0), metadata={
        "description": "At most this cost in pounds sterling (courses without a published GBP cost are left out)."})
    pathway = _many(fields.String(validate=validate.Length(min=1, max=100)),
                    "Pathway id: courses the pathway names (core, option or capstone) or that name it.")
    complete = fields.Boolean(load_default=False, metadata={
        "description": "true: only courses that publish the full QAA minimum information set (learning "
                       "outcomes, aims, study hours, cost, entry requirements, assessment, ...)."})
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS), metadata={
        "description": "relevance (title when there are no words), start (soonest first), credit (smallest first) or title."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_RESULT_WINDOW), metadata={
        "description": f"Page number; page times per_page must not exceed {MAX_RESULT_WINDOW} (400 otherwise)."})
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE), metadata={
        "description": f"Results per page; page times per_page must not exceed {MAX_RESULT_WINDOW}."})

    @validates_schema
    def consistent(self, data, **_):
        if data.get("credit_min") is not None and data.get("credit_max") is not None \
                and data["credit_min"] > data["credit_max"]:
            raise ValidationError("must not be less than credit_min", "credit_max")
        if data.get("starts_after") and data.get("starts_before") and data["starts_after"] > data["starts_before"]:
            raise ValidationError("must not be before starts_after", "starts_before")
        if data.get("page", 1) * data.get("per_page", 20) > MAX_RESULT_WINDOW:
            raise ValidationError(f"page times per_page must not exceed {MAX_RESULT_WINDOW}", "page")


class SearchPageArgs(SearchArgs):
    """The search page's form: the API's parameters, and credit as one of the facet's ranges."""

    credit = fields.String(validate=validate.OneOf([bucket.value for bucket in CREDIT.buckets]))


class AsGiven(fields.Number):
    """A number answered as the search document holds it: 15 stays 15, 7.5 stays 7.5 (``fields.Float`` would
    answer 15.0, and the search answer has always given the index's numbers as they are)."""

    num_type = float

    def _format_num(self, value):
        return value if isinstance(value, int | float) and not isinstance(value, bool) else float(value)


class SearchCreditOut(Schema):
    cats = AsGiven(allow_none=True, metadata={"description": "UK credits (CATS points)"})
    ects = AsGiven(allow_none=True, metadata={"description": "European credits (2 CATS = 1 ECTS)"})
    value = AsGiven(allow_none=True, metadata={"description": "Credit as the provider states it"})
    scheme = fields.String(allow_none=True)
    words = fields.String(metadata={"description": "In plain words: '15 credits (7.5 ECTS)'"})


class SearchLevelOut(Schema):
    framework = fields.String(allow_none=True)
    value = fields.Integer(allow_none=True)
    eqf = fields.Integer(allow_none=True)
    words = fields.String(allow_none=True, metadata={"description": "In plain words: 'master's level'"})


class SearchScheduleOut(Schema):
    type = fields.String(allow_none=True, metadata={"description": "cohort or learner-led"})
    next_start = fields.Date(allow_none=True, metadata={
        "description": "The next start on or after today (today for learner-led courses)"})
    words = fields.String(metadata={"description": "'next start 11 January 2027', 'start any time'"})


class SearchHitOut(Schema):
    id = fields.String(metadata={"description": "<provider_id>/<course_id>"})
    course_id = fields.String()
    title = fields.String()
    url = fields.String(metadata={"description": "The course's page at its provider"})
    provider = fields.Nested(ProviderRef)
    summary = fields.String(allow_none=True)
    credit = fields.Nested(SearchCreditOut)
    level = fields.Nested(SearchLevelOut)
    eqf_level = fields.Integer(allow_none=True)
    subjects = fields.List(fields.Nested(SubjectOut))
    mode = fields.List(fields.String())
    schedule = fields.Nested(SearchScheduleOut)
    cost_gbp = AsGiven(allow_none=True)
    overlaps = fields.Integer(metadata={
        "description": "How many other courses overlap this one: taking both may not count twice"})
    score = AsGiven(allow_none=True, metadata={"description": "Relevance, when sorted by relevance"})
    highlights = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": "Matched text per field, HTML-escaped, with the matches in <mark>"})


class FacetValueOut(Schema):
    value = fields.String(metadata={"description": "What to pass back as the filter's value"})
    label = fields.String()
    count = fields.Integer(metadata={"description": "Courses with this value, under every other filter"})


def _facet(description: str) -> fields.List:
    return fields.List(fields.Nested(FacetValueOut), metadata={"description": description})


class FacetsOut(Schema):
    provider = _facet("Providers")
    subject = _facet("Subjects as CAH level-1 groups")
    subject_cah2 = _facet("CAH level-2 groups of the CAH level-1 groups the subject filter names (only then)")
    eqf_level = _facet("European Qualifications Framework levels")
    mode = _facet("Modes of study")
    schedule = _facet("Set start dates or start any time")
    credit = _facet("UK credit ranges (0-10, 11-20, 21-40, 41+), always all four; filter with credit_min/credit_max")
    language = _facet("Languages of teaching")


class SearchResultOut(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    results = fields.List(fields.Nested(SearchHitOut))
    facets = fields.Nested(FacetsOut)


def day_words(day: date) -> str:
    """'11 January 2027'."""
    return f"{day.day} {day:%B %Y}"


def start_words(hit: Hit) -> str:
    """When a learner can start, in plain words."""
    if hit.schedule_type == "learner-led":
        return "start any time"
    if hit.schedule_type is None:
        return "start dates not published"
    if hit.next_start is None:
        return "no upcoming start date"
    return f"next start {day_words(hit.next_start)}"


def _hit_credit(card: Mapping[str, Any]) -> dict[str, Any]:
    credit = dict(card.get("credit") or {})
    credit["words"] = words.credit_words(credit) if credit else "credit not published"
    return credit


def _hit_level(card: Mapping[str, Any]) -> dict[str, Any]:
    level = dict(card.get("level") or {})
    level["words"] = words.level_words(level) if level.get("eqf") else None
    return level


def present_hit(hit: Hit) -> dict[str, Any]:
    """``SearchHitOut``: one result card (the API's, and the search page's card)."""
    return {
        "id": hit.id,
        "course_id": hit.course_id,
        "title": hit.title,
        "url": hit.url,
        "provider": {"id": hit.provider_id, "name": hit.provider_name},
        "summary": hit.summary,
        "credit": _hit_credit(hit.card),
        "level": _hit_level(hit.card),
        "eqf_level": hit.eqf_level,
        "subjects": hit.card.get("subjects") or [],
        "mode": list(hit.modes),
        "schedule": {"type": hit.schedule_type, "next_start": hit.next_start, "words": start_words(hit)},
        "cost_gbp": hit.cost_gbp,
        "overlaps": hit.overlap_count,
        "score": hit.score,
        "highlights": {name: list(fragments) for name, fragments in hit.highlights.items()},
    }


def present_search_result(result: SearchResult, query: SearchQuery) -> dict[str, Any]:
    """``SearchResultOut``: the page of cards and the facet counts."""
    return {
        "total": result.total,
        "page": query.page,
        "per_page": query.per_page,
        "results": [present_hit(hit) for hit in result.hits],
        "facets": {
            facet: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for facet, values in result.facets.items()
        },
    }


# -- who is asking ----------------------------------------------------------------------------------

class IdentityOut(Schema):
    """Who the caller is (``/api/v1/me``)."""

    authenticated = fields.Boolean()
    user_id = fields.Integer(allow_none=True)
    org_id = fields.String(allow_none=True)
    role = fields.String(allow_none=True, metadata={"description": ", ".join(ROLES)})
    permissions = fields.List(fields.String(), metadata={"description": ", ".join(PERMISSIONS)})
    scopes = fields.List(fields.String())
    client_id = fields.String(allow_none=True)
    csrf_token = fields.String(allow_none=True, metadata={
        "description": "Send as X-CSRFToken with state-changing calls authenticated by the session cookie."})


def present_identity(identity, csrf_token: str | None) -> dict[str, Any]:
    """``IdentityOut``."""
    return {
        "authenticated": identity.authenticated, "user_id": identity.user_id, "org_id": identity.org_id,
        "role": identity.role.value if identity.role else None,
        "permissions": sorted(p.value for p in identity.permissions), "scopes": sorted(identity.scopes),
        "client_id": identity.client_id, "csrf_token": csrf_token,
    }
