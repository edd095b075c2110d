"""API schemas: what the JSON API accepts and answers. They declare the OpenAPI document, so it cannot
drift from the code."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class CourseListArgs(PageArgs):
    provider = fields.String(metadata={"description": "Only this provider's courses (provider id)."})


class FeedFilterArgs(PageArgs):
    feed = fields.String(metadata={"description": "Only this feed (its id, the provider id)."})


class ProviderRef(Schema):
    id = fields.String()
    name = fields.String()


class ProviderOut(ProviderRef):
    id_scheme = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    active_courses = fields.Integer()


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


class VersionOut(Schema):
    id = fields.Integer()
    content_hash = fields.String()
    first_seen = fields.String(metadata={'format': 'date-time'})
    last_seen = fields.String(metadata={'format': 'date-time'})
    completeness = fields.Float()
    content = fields.Dict()


class RunCounts(Schema):
    seen = fields.Integer()
    new = fields.Integer()
    changed = fields.Integer()
    unchanged = fields.Integer()
    withdrawn = fields.Integer()
    quarantined = fields.Integer()


class HarvestRunOut(Schema):
    id = fields.Integer()
    feed = fields.String()
    provider_id = fields.String()
    trigger = fields.String()
    started = fields.String(metadata={'format': 'date-time'})
    finished = fields.String(metadata={'format': 'date-time'})
    outcome = fields.String(metadata={"description": "succeeded, failed or held"})
    http_status = fields.Integer(allow_none=True)
    counts = fields.Nested(RunCounts)
    errors = fields.List(fields.String())
    held_withdrawals = fields.List(fields.String())
    completeness = fields.Dict(metadata={"description": "mean score and the least complete records"})
    unmapped = fields.List(fields.String())


class QuarantineOut(Schema):
    id = fields.Integer()
    run_id = fields.Integer()
    feed = fields.String()
    provider_id = fields.String()
    record_id = fields.String(allow_none=True)
    field = fields.String()
    reason = fields.String()
    problems = fields.List(fields.Dict())
    excerpt = fields.String()
    created = fields.String(metadata={'format': 'date-time'})


def envelope(item_schema: type[Schema], name: str) -> type[Schema]:
    """The one list envelope: {total, page, per_page, results}."""
    return Schema.from_dict(
        {
            "total": fields.Integer(),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "results": fields.List(fields.Nested(item_schema)),
        },
        name=name,
    )


ProviderPage = envelope(ProviderOut, "ProviderPage")
CoursePage = envelope(CourseSummaryOut, "CoursePage")
VersionPage = envelope(VersionOut, "VersionPage")
HarvestRunPage = envelope(HarvestRunOut, "HarvestRunPage")
QuarantinePage = envelope(QuarantineOut, "QuarantinePage")
