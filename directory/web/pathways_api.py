"""Pathways and the planner in the JSON API."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from marshmallow import ValidationError

from ..catalogue.schema import flatten_errors
from ..errors import Invalid
from ..pathways import service as pathways
from ..pathways.planner import Claim, plan
from . import pathway_schemas as schemas
from . import problems
from .access import public
from .context import db, instance
from .pathway_pages import planner_options

blp = problems.Blueprint("pathways", __name__, url_prefix="/api/v1", description="Pathways and the planner")


@blp.route("/pathways")
class Pathways(MethodView):
    @public
    @blp.response(200, schemas.PathwayListOut)
    def get(self):
        """Every active pathway, by title."""
        found = pathways.list_pathways(db())
        names = pathways.provider_names(db(), (p.awarding_provider_id for p in found))
        return {"total": len(found), "results": [
            schemas.present_pathway(p, names.get(p.awarding_provider_id, p.awarding_provider_id)) for p in found]}


@blp.route("/pathways/<pathway_id>")
class PathwayRecord(MethodView):
    @public
    @blp.response(200, schemas.PathwayRecordOut)
    def get(self, pathway_id):
        """One pathway (withdrawn ones too) with its rules, in data and in words, and the courses it names."""
        pathway = pathways.get_pathway(db(), pathway_id)
        names = pathways.provider_names(db(), [pathway.awarding_provider_id])
        roles = pathways.named_courses(pathway.content)
        details = pathways.named_course_details(db(), roles)
        return schemas.present_pathway_record(
            pathway, names.get(pathway.awarding_provider_id, pathway.awarding_provider_id), roles, details)


@blp.route("/planner/evaluate")
class PlannerEvaluate(MethodView):
    @public
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": schemas.PlannerRequest}}})
    @blp.response(200, schemas.PlanOut)
    def post(self):
        """Progress towards every relevant pathway for the achievements given. Open to everybody; nothing
        is stored. A bad field is answered 400 naming it (``invalid_params``)."""
        body = request.get_json(silent=True)
        try:
            args = schemas.PlannerRequest().load(body if isinstance(body, dict) else {})
        except ValidationError as exc:
            problems = flatten_errors(exc.messages)
            raise Invalid("invalid parameters " + ", ".join(p.field for p in problems),
                          invalid_params=[{"name": p.field, "reason": p.reason} for p in problems]) from None
        claims = [claim_of(item) for item in args["achievements"]]
        today = args.get("today") or instance().clock.today()
        result = plan(db(), claims, today, options=planner_options(), pathway_ids=args.get("pathways"),
                      lookup=instance().agreement_lookup(db(), today))
        return schemas.present_plan(result)


def claim_of(item: dict) -> Claim:
    level = item.get("level") or {}
    return Claim(awarded_on=item["awarded_on"], course=item.get("course"), title=item.get("title"),
                 credit=item.get("credit"), credit_scheme=item.get("credit_scheme", "CATS"),
                 level_framework=level.get("framework"), level_value=level.get("value"),
                 provider_id=item.get("provider_id"), provider_name=item.get("provider_name"))
