"""The JSON API (v1): HTTP in, one service call, JSON out. Documented at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint

from harvester import pipeline, publishing
from harvester.report import quarantine_as_dict, run_as_dict

from ..catalogue import present
from ..catalogue import service as catalogue
from . import member_api, overlaps_api, pathways_api, problems, schemas, search_api
from .access import identity, public, require
from .context import db

blp = Blueprint("api", __name__, url_prefix="/api/v1", description="Climbing Frame catalogue API")


class ProblemApi(Api):
    """flask-smorest, with its errors answered as problem documents like every other error."""

    def handle_http_exception(self, error):
        return problems.handle_http_exception(error)


def _page(page: catalogue.Page, convert) -> dict:
    return {"total": page.total, "page": page.page, "per_page": page.per_page,
            "results": [convert(item) for item in page.results]}


@blp.route("/providers")
class Providers(MethodView):
    @public
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.ProviderPage)
    def get(self, args):
        """Member providers with their number of active courses."""
        page = catalogue.list_providers(db(), args["page"], args["per_page"])
        return _page(page, lambda pair: {
            "id": pair[0].id, "name": pair[0].name, "id_scheme": pair[0].id_scheme,
            "country": pair[0].country, "url": pair[0].url, "active_courses": pair[1],
        })


@blp.route("/courses")
class Courses(MethodView):
    @public
    @blp.arguments(schemas.CourseListArgs, location="query")
    @blp.response(200, schemas.CoursePage)
    def get(self, args):
        """Active courses, optionally of one provider, in a stable order."""
        page = catalogue.list_courses(db(), args.get("provider"), args["page"], args["per_page"])
        return _page(page, present.course_summary)


@blp.route("/courses/<provider_id>/<path:course_id>/versions")
class CourseVersions(MethodView):
    @public
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.VersionPage)
    def get(self, args, provider_id, course_id):
        """Every content version of a course, newest first."""
        course = catalogue.get_course(db(), provider_id, course_id)
        page = catalogue.course_versions(db(), provider_id, course_id, args["page"], args["per_page"])
        return _page(page, lambda v: {**present.version_reference(v, course), "completeness": v.completeness,
                                      "content": v.content})


@blp.route("/courses/<provider_id>/<path:course_id>")
class CourseRecord(MethodView):
    @public
    @blp.response(200, schemas.CourseOut)
    def get(self, provider_id, course_id):
        """The full record of a course; a withdrawn course is returned with its withdrawal date."""
        return present.course_record(catalogue.get_course(db(), provider_id, course_id))


@blp.route("/harvest/runs")
class HarvestRuns(MethodView):
    @require(publishing.PUBLISH)
    @blp.arguments(schemas.FeedFilterArgs, location="query")
    @blp.response(200, schemas.HarvestRunPage)
    def get(self, args):
        """Harvest run reports, newest first: every feed's for administrators, the caller's own otherwise."""
        feed = publishing.visible_feed(identity(), args.get("feed"))
        return _page(pipeline.latest_runs(db(), feed, args["page"], args["per_page"]), run_as_dict)


@blp.route("/harvest/quarantine")
class Quarantine(MethodView):
    @require(publishing.PUBLISH)
    @blp.arguments(schemas.FeedFilterArgs, location="query")
    @blp.response(200, schemas.QuarantinePage)
    def get(self, args):
        """Records each feed's latest run could not accept, with field and reason (administrators: every
        feed's; members: their own)."""
        feed = publishing.visible_feed(identity(), args.get("feed"))
        page = pipeline.current_quarantine(db(), feed, args["page"], args["per_page"])
        return _page(page, quarantine_as_dict)


def register(app: Flask) -> None:
    app.config.update(
        API_TITLE="Climbing Frame",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = ProblemApi(app)
    api.register_blueprint(blp)
    api.register_blueprint(search_api.blp)
    api.register_blueprint(member_api.blp)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(overlaps_api.blp)
    api.register_blueprint(pathways_api.blp)
    from exchange.web import api as exchange_api  # the composition root's one link to the exchange's API

    api.register_blueprint(exchange_api.blp)
    app.extensions["climbing_frame_api"] = api

    @app.get("/healthz")
    @public
    def healthz():
        from sqlalchemy import text

        db().execute(text("SELECT 1"))
        return {"status": "ok"}
