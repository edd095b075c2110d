"""Overlap annotations in the API: the courses whose content overlaps a course's, with the outcome pairs
that show why."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from ..overlaps import decisions, detect
from ..overlaps import review as overlap_review
from ..overlaps import service as overlaps
from . import problems, schemas
from .access import identity, public, require
from .context import db, instance

blp = problems.Blueprint("overlaps", __name__, url_prefix="/api/v1", description="Overlap annotations between courses")


class OverlapArgs(schemas.PageArgs):
    include_dismissed = fields.Boolean(load_default=False, metadata={
        "description": "Also list pairs an administrator or provider dismissed (excluded by default)."})


class CourseRef(Schema):
    id = fields.String(metadata={"description": "provider id/course id"})
    title = fields.String()
    provider = fields.Nested(schemas.ProviderRef)


class ReasonOut(Schema):
    part = fields.String(dump_default="outcomes", metadata={
        "description": "Which part matched: outcomes, aims, description, title; declared: the provider said so"})
    outcome = fields.String(metadata={"description": "The passage of this course (a learning outcome, its aims, ...)"})
    other_outcome = fields.String(metadata={"description": "The other course's matching passage"})
    similarity = fields.Float(metadata={"description": "0 to 1"})
    shared = fields.List(fields.String(), dump_default=[], metadata={
        "description": "The specific words the two passages share (common and house-style words left out)"})
    declared_by = fields.String(metadata={"description": "Only on a declared overlap's reason: the provider id of "
                                                         "the course whose feed says so"})
    reason = fields.String(allow_none=True, metadata={"description": "Only on a declared overlap's reason: the "
                                                                     "provider's words, if any"})


class OverlapOut(Schema):
    id = fields.Integer(metadata={"description": "The overlap's id (to confirm or dismiss it)"})
    course = fields.Nested(CourseRef, metadata={"description": "The other course"})
    score = fields.Float(metadata={"description": f"0 to 1; pairs from {detect.DEFAULT.threshold} (the detection threshold) are listed"})
    status = fields.String(metadata={"description": "detected, confirmed or dismissed"})
    level = fields.String(metadata={"description": "What the overlap means to a learner: confirmed (only one of the two "
                                    "counts towards one award), suspected (detected, the universities will check) "
                                    "or dismissed (not an overlap)"})
    origin = fields.String(metadata={"description": "detected (from the courses' content) or declared (a "
                                                    "provider's feed says the two cannot be counted together: "
                                                    "confirmed, and only the feed can change it)"})
    reasons = fields.List(fields.Nested(ReasonOut))


OverlapPage = schemas.envelope(OverlapOut, "OverlapPage")


def present_overlap(item: overlaps.CourseOverlap) -> dict[str, Any]:
    """``OverlapOut``."""
    other = item.other
    return {
        "id": item.id,
        "course": {"id": other.key, "title": other.title,
                   "provider": {"id": other.provider.id, "name": other.provider.name}},
        "score": item.score,
        "status": item.status.value,
        "level": overlap_review.level_of(item.status).value,
        "origin": item.origin.value,
        "reasons": item.reasons,
    }


@blp.route("/courses/<provider_id>/<path:course_id>/overlaps")
class CourseOverlaps(MethodView):
    @public
    @blp.arguments(OverlapArgs, location="query")
    @blp.response(200, OverlapPage)
    def get(self, args, provider_id, course_id):
        """Active courses whose content overlaps this one's (a double-counting risk), highest score first."""
        page = overlaps.overlaps_of(db(), provider_id, course_id, include_dismissed=args["include_dismissed"],
                                    page=args["page"], per_page=args["per_page"], cursor=args.get("cursor"))
        return schemas.present_page(page, present_overlap)


class DecisionOut(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "confirmed or dismissed"})
    decided = fields.String(metadata={"format": "date-time"})
    decided_by = fields.String(allow_none=True)


def present_decision(overlap) -> dict[str, Any]:
    """``DecisionOut``."""
    return {"id": overlap.id, "status": overlap.status.value, "decided": overlap.decided.isoformat(),
            "decided_by": overlap.decided_by}


@blp.route("/overlaps/<id:overlap_id>/confirm")
class ConfirmOverlap(MethodView):
    @require("catalogue:publish")
    @blp.response(200, DecisionOut)
    def post(self, overlap_id):
        """Confirm that two courses overlap: the exchange will not count both towards one award.
        Administrators, or staff of either course's provider."""
        with instance().sessions.begin() as session:
            return present_decision(decisions.confirm(session, identity(), overlap_id))


@blp.route("/overlaps/<id:overlap_id>/dismiss")
class DismissOverlap(MethodView):
    @require("catalogue:publish")
    @blp.response(200, DecisionOut)
    def post(self, overlap_id):
        """Dismiss a detected overlap: it is not flagged again unless one of the courses changes. A declared
        overlap cannot be dismissed (409): the provider's feed must change."""
        with instance().sessions.begin() as session:
            return present_decision(decisions.dismiss(session, identity(), overlap_id))
