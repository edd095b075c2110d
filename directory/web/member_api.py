"""The member API: a university's systems (OAuth clients) and staff publish their catalogue, point their
feed at a new address, and read their own run reports and quarantine. Who may is decided in
``harvester.publishing``; this module is HTTP in, one service call, JSON out."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from harvester import publishing
from harvester.models import RunOutcome
from harvester.report import quarantine_as_dict, run_as_dict

from ..errors import NotFound
from ..identity.schema import IdentityOut, identity_as_dict
from . import member_schemas, problems, schemas
from .access import bearer_used, identity, public, require
from .context import db, instance

blp = Blueprint("members", __name__, url_prefix="/api/v1",
                description="Member universities: publishing, feed settings, run reports")
PUBLISH = publishing.PUBLISH


def _page(page, convert) -> dict:
    return {"total": page.total, "page": page.page, "per_page": page.per_page,
            "results": [convert(item) for item in page.results]}


@blp.route("/me")
class Me(MethodView):
    @public
    @blp.response(200, IdentityOut)
    def get(self):
        """Who the caller is; for a browser session, also the CSRF token its JSON calls must send."""
        return identity_as_dict(identity(), None if bearer_used() else generate_csrf())


@blp.route("/providers/<provider_id>/catalogue")
class Catalogue(MethodView):
    @require(PUBLISH)
    @blp.doc(requestBody={"required": True, "content": {
        "application/json": {"schema": {"type": "object"}, "description": "A native catalogue feed"},
        "application/xml": {"schema": {"type": "string"}, "description": "An XCRI-CAP 1.2 catalogue"},
    }})
    @blp.response(200, schemas.HarvestRunOut)
    @blp.alt_response(422, description="The document was unusable: a problem carrying the run report")
    def put(self, provider_id):
        """Publish the provider's whole catalogue (the same pipeline as a harvest); answers the run report."""
        run = publishing.publish(instance().harvest_environment(), identity(), provider_id,
                                 request.get_data(cache=False), request.content_type)
        report = run_as_dict(run)
        if run.outcome is RunOutcome.FAILED:
            return problems.problem(422, "Unusable document", "; ".join(report["errors"]), report=report)
        return report


@blp.route("/providers/<provider_id>/feed")
class Feed(MethodView):
    @require(PUBLISH)
    @blp.response(200, member_schemas.FeedOut)
    def get(self, provider_id):
        """The provider's feed settings."""
        feed = publishing.feed_of(db(), identity(), provider_id)
        if feed is None:
            raise NotFound(f"provider {provider_id!r} has no feed yet")
        return member_schemas.feed_as_dict(feed)

    @require(PUBLISH)
    @blp.arguments(member_schemas.FeedIn)
    @blp.response(200, member_schemas.FeedOut)
    def put(self, args, provider_id):
        """Set where the provider's feed is harvested from (or null: published by push)."""
        settings = instance().settings
        with instance().sessions.begin() as session:
            feed = publishing.set_feed_url(session, identity(), provider_id, args["url"],
                                           allow_private=settings.harvest_allow_private,
                                           default_every=settings.harvest_default_interval)
            return member_schemas.feed_as_dict(feed)


@blp.route("/providers/<provider_id>/harvest/runs")
class ProviderRuns(MethodView):
    @require(PUBLISH)
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.HarvestRunPage)
    def get(self, args, provider_id):
        """The provider's run reports, newest first."""
        return _page(publishing.runs(db(), identity(), provider_id, args["page"], args["per_page"]), run_as_dict)


@blp.route("/providers/<provider_id>/harvest/quarantine")
class ProviderQuarantine(MethodView):
    @require(PUBLISH)
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.QuarantinePage)
    def get(self, args, provider_id):
        """Records of the provider's latest run that could not be accepted, with field and reason."""
        page = publishing.quarantine(db(), identity(), provider_id, args["page"], args["per_page"])
        return _page(page, quarantine_as_dict)
