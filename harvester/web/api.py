"""The member API: a university's systems (OAuth clients) and staff publish their catalogue, point their
feed at a new address, and read their own run reports and quarantine; administrators read every feed's.
Who may is decided in ``harvester.publishing``; this module is HTTP in, one service call, JSON out."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from directory.errors import NotFound
from directory.web import problems
from directory.web.access import identity, require
from directory.web.context import db, instance
from directory.web.limits import large_body
from directory.web.schemas import present_page

from .. import pipeline, publishing
from ..environment import harvest_environment
from ..models import RunOutcome
from . import schemas

blp = problems.Blueprint("members", __name__, url_prefix="/api/v1",
                description="Member universities: publishing, feed settings, run reports")
PUBLISH = publishing.PUBLISH
# The consortium-wide report lists were documented with the catalogue API before they moved here; they
# keep its tag so the OpenAPI document (and clients generated from it) stay as they were.
CATALOGUE_API_TAG = "api"



@blp.route("/providers/<provider_id>/catalogue")
class Catalogue(MethodView):
    @large_body  # a whole catalogue: up to harvest_max_bytes, every other endpoint request_max_bytes
    @require(PUBLISH)
    @blp.doc(requestBody={"required": True, "description": "A native catalogue feed (JSON) or an XCRI-CAP 1.2 "
                                                         "catalogue (XML)", "content": {
        "application/json": {"schema": {"type": "object", "description": "A native catalogue feed"}},
        "application/xml": {"schema": {"type": "string", "description": "An XCRI-CAP 1.2 catalogue"}},
    }})
    @blp.arguments(schemas.PushArgs, location="query")
    @blp.response(200, schemas.HarvestRunOut)
    @blp.alt_response(422, schema=problems.ProblemOut, content_type=problems.PROBLEM_JSON,
                      description="The document was unusable: a problem carrying the run report")
    def put(self, args, provider_id):
        """Publish the provider's whole catalogue (the same pipeline as a harvest) to its feed ``feed``, or
        its one push feed; answers the run report."""
        run = publishing.publish(harvest_environment(instance()), identity(), provider_id,
                                 request.get_data(cache=False), request.content_type, args.get("feed"))
        report = schemas.present_run(run)
        if run.outcome is RunOutcome.FAILED:
            return problems.problem(422, "Unusable document", "; ".join(report["errors"]), report=report)
        return report


@blp.route("/providers/<provider_id>/feed")
class Feed(MethodView):
    @require(PUBLISH)
    @blp.arguments(schemas.PushArgs, location="query")
    @blp.response(200, schemas.FeedOut)
    def get(self, args, provider_id):
        """The provider's feed settings (its feed ``feed``, or its one feed)."""
        feed = publishing.feed_of(db(), identity(), provider_id, args.get("feed"))
        if feed is None:
            raise NotFound(f"provider {provider_id!r} has no feed yet")
        return schemas.present_feed(feed)

    @require(PUBLISH)
    @blp.arguments(schemas.FeedIn)
    @blp.response(200, schemas.FeedOut)
    def put(self, args, provider_id):
        """Set where the provider's feed is harvested from (or null: published by push)."""
        settings = instance().settings
        with instance().sessions.begin() as session:
            feed = publishing.set_feed_url(session, identity(), provider_id, args["url"],
                                           allow_private=settings.harvest_allow_private,
                                           default_every=settings.harvest_default_interval,
                                           feed_id=args.get("feed"))
            return schemas.present_feed(feed)


@blp.route("/providers/<provider_id>/harvest/runs")
class ProviderRuns(MethodView):
    @require(PUBLISH)
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.HarvestRunPage)
    def get(self, args, provider_id):
        """The provider's run reports, newest first."""
        page = publishing.runs(db(), identity(), provider_id, args["page"], args["per_page"], args.get("cursor"))
        return present_page(page, schemas.present_run)


@blp.route("/providers/<provider_id>/harvest/quarantine")
class ProviderQuarantine(MethodView):
    @require(PUBLISH)
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.QuarantinePage)
    def get(self, args, provider_id):
        """Records of the provider's latest run that could not be accepted, with field and reason."""
        page = publishing.quarantine(db(), identity(), provider_id, args["page"], args["per_page"], args.get("cursor"))
        return present_page(page, schemas.present_quarantine)


@blp.route("/harvest/runs", tags=[CATALOGUE_API_TAG])
class HarvestRuns(MethodView):
    @require(PUBLISH)
    @blp.arguments(schemas.FeedFilterArgs, location="query")
    @blp.response(200, schemas.HarvestRunPage)
    def get(self, args):
        """Harvest run reports, newest first: every feed's for administrators, the caller's own otherwise."""
        feed, member = publishing.visible_feed(db(), identity(), args.get("feed"))
        page = pipeline.latest_runs(db(), feed, args["page"], args["per_page"], member=member,
                                    cursor=args.get("cursor"))
        return present_page(page, schemas.present_run)


@blp.route("/harvest/quarantine", tags=[CATALOGUE_API_TAG])
class Quarantine(MethodView):
    @require(PUBLISH)
    @blp.arguments(schemas.FeedFilterArgs, location="query")
    @blp.response(200, schemas.QuarantinePage)
    def get(self, args):
        """Records each feed's latest run could not accept, with field and reason (administrators: every
        feed's; members: their own)."""
        feed, member = publishing.visible_feed(db(), identity(), args.get("feed"))
        page = pipeline.current_quarantine(db(), feed, args["page"], args["per_page"], member=member,
                                           cursor=args.get("cursor"))
        return present_page(page, schemas.present_quarantine)
