"""API schemas of pathways and the planner (they declare the OpenAPI document)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..catalogue.schema import LEVEL_FRAMEWORKS
from ..catalogue.vocab import CREDIT_SCHEMES

MAX_ACHIEVEMENTS = 100


class LevelIn(Schema):
    framework = fields.String(required=True, validate=validate.OneOf(LEVEL_FRAMEWORKS))
    value = fields.Integer(required=True, validate=validate.Range(min=1, max=12))


class AchievementIn(Schema):
    """A completed micro-credential: ``course`` from the directory, or title, credit, level and award date
    (and provider) by hand."""

    class Meta:
        unknown = EXCLUDE

    course = fields.String(validate=validate.Regexp(r"^[^/]+/.+$", error="<provider_id>/<course_id>"),
                           metadata={"description": "A directory course: <provider_id>/<course_id>."})
    title = fields.String(validate=validate.Length(min=1, max=500))
    credit = fields.Decimal(validate=validate.Range(min=0, min_inclusive=False, max=1000))
    credit_scheme = fields.String(load_default="CATS", validate=validate.OneOf(CREDIT_SCHEMES))
    level = fields.Nested(LevelIn)
    awarded_on = fields.Date(required=True, metadata={"description": "When the credit was awarded (ISO 8601)."})
    provider_id = fields.String(validate=validate.Length(min=1, max=100),
                                metadata={"description": "The member that awarded it, if it is one."})
    provider_name = fields.String(validate=validate.Length(max=300))

    @validates_schema(skip_on_field_errors=False)
    def course_or_description(self, data, **_):
        if data.get("course"):
            return
        problems = {}
        if not data.get("title"):
            problems["title"] = ["needed unless course is given"]
        if data.get("credit") is None:
            problems["credit"] = ["needed unless course is given"]
        if problems:
            raise ValidationError(problems)


class PlannerRequest(Schema):
    achievements = fields.List(fields.Nested(AchievementIn), required=True,
                               validate=validate.Length(max=MAX_ACHIEVEMENTS))
    pathways = fields.List(fields.String(validate=validate.Length(min=1, max=100)), metadata={
        "description": "Evaluate these pathways only (default: every pathway the achievements are relevant to)."})
    today = fields.Date(metadata={"description": "Plan as of this day (default: today)."})


class PathwayOut(Schema):
    id = fields.String()
    title = fields.String()
    awarding = fields.Dict()
    level = fields.Dict()
    total_credit = fields.Dict()
    source = fields.String(metadata={"description": "feed (the awarding member's) or consortium"})
    status = fields.String()


class PathwayRecordOut(PathwayOut):
    description = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    rules = fields.Dict()
    rules_in_words = fields.List(fields.String())
    updated = fields.String()
    withdrawn_at = fields.String(allow_none=True)
    courses = fields.List(fields.Dict())


class PathwayListOut(Schema):
    total = fields.Integer()
    results = fields.List(fields.Nested(PathwayOut))


class PlanOut(Schema):
    achievements = fields.List(fields.Dict())
    pathways = fields.List(fields.Dict(), metadata={
        "description": "Per pathway: progress against every rule, suggestions, credit use and transfers"})
    suspected_overlaps = fields.List(fields.Dict(), metadata={
        "description": "Pairs of the achievements (their keys) that may overlap: both count until the universities "
                       "confirm it, then only one does"})
