"""The JSON API (v1): HTTP in, one service call, JSON out. Documented at /api/v1/openapi.json."""

from __future__ import annotations

import http
from decimal import Decimal

from flask import Flask
from flask.views import MethodView
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from flask_wtf.csrf import generate_csrf
from marshmallow import fields, validate

from ..catalogue import service as catalogue
from . import ids, overlaps_api, pathways_api, problems, schemas, search_api
from .access import bearer_used, identity, public
from .context import db

blp = problems.Blueprint("api", __name__, url_prefix="/api/v1", description="Climbing Frame catalogue API")


class ProblemApi(Api):
    """flask-smorest, with its errors answered, and documented, as problem documents like every other
    error (``application/problem+json``, ``problems.ProblemOut``)."""

    ERROR_SCHEMA = problems.ProblemOut

    def handle_http_exception(self, error):
        return problems.handle_http_exception(error)

    def _register_responses(self):
        # flask-smorest's own registers each status's response (the ``default`` of every operation, and
        # the 400 of every one taking arguments) as application/json; ours are problem documents.
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error: a problem document", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, problems.PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def _decimals_as_numbers(_converter, field, ret, **_):
    """apispec copies a Decimal field's bounds and default as Decimals, which JSON writes as strings
    ("maximum": "1000"), an invalid document: they are numbers. A Decimal answered as a string
    (``as_string``) is documented as one."""
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal"}
    return {key: (int(value) if value == value.to_integral_value() else float(value))
            for key, value in ret.items() if isinstance(value, Decimal)}


def _exclusive_bounds(_converter, field, ret, **_):
    """apispec documents ``Range(min=0, min_inclusive=False)`` as ``minimum: 0``; OpenAPI 3.0 says
    exclusive with ``exclusiveMinimum: true`` (and the same for maximum)."""
    bounds = {}
    for validator in field.validators:
        if isinstance(validator, validate.Range):
            if validator.min is not None and not validator.min_inclusive and "minimum" in ret:
                bounds["exclusiveMinimum"] = True
            if validator.max is not None and not validator.max_inclusive and "maximum" in ret:
                bounds["exclusiveMaximum"] = True
    return bounds



@blp.route("/providers")
class Providers(MethodView):
    @public
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.ProviderPage)
    def get(self, args):
        """Member providers with their number of active courses."""
        page = catalogue.list_providers(db(), args["page"], args["per_page"], args.get("cursor"))
        return schemas.present_page(page, schemas.present_provider)


@blp.route("/courses")
class Courses(MethodView):
    @public
    @blp.arguments(schemas.CourseListArgs, location="query")
    @blp.response(200, schemas.CoursePage)
    def get(self, args):
        """Active courses, optionally of one provider, in a stable order."""
        page = catalogue.list_courses(db(), args.get("provider"), args["page"], args["per_page"], args.get("cursor"))
        return schemas.present_page(page, schemas.present_course_summary)


@blp.route("/courses/<provider_id>/<path:course_id>/versions")
class CourseVersions(MethodView):
    @public
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.VersionPage)
    def get(self, args, provider_id, course_id):
        """Every content version of a course, newest first."""
        course = catalogue.get_course(db(), provider_id, course_id)
        page = catalogue.course_versions(db(), provider_id, course_id, args["page"], args["per_page"],
                                         args.get("cursor"))
        return schemas.present_page(page, lambda version: schemas.present_version(version, course))


@blp.route("/courses/<provider_id>/<path:course_id>")
class CourseRecord(MethodView):
    @public
    @blp.response(200, schemas.CourseOut)
    def get(self, provider_id, course_id):
        """The full record of a course; a withdrawn course is returned with its withdrawal date."""
        return schemas.present_course(catalogue.get_course(db(), provider_id, course_id))


# Documented with the member API (the harvester's "members" blueprint) since before that moved out.
@blp.route("/me", tags=["members"])
class Me(MethodView):
    @public
    @blp.response(200, schemas.IdentityOut)
    def get(self):
        """Who the caller is; for a browser session, also the CSRF token its JSON calls must send."""
        return schemas.present_identity(identity(), None if bearer_used() else generate_csrf())


def register(app: Flask) -> Api:
    """The API with the directory's blueprints; the composition root adds the other packages' to it."""
    app.config.update(
        API_TITLE="Climbing Frame",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    ids.register(app)
    api = ProblemApi(app)
    api.ma_plugin.converter.add_attribute_function(_decimals_as_numbers)
    api.ma_plugin.converter.add_attribute_function(_exclusive_bounds)
    api.register_blueprint(blp)
    api.register_blueprint(search_api.blp)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(overlaps_api.blp)
    api.register_blueprint(pathways_api.blp)
    app.extensions["climbing_frame_api"] = api

    @app.get("/healthz")
    @public
    def healthz():
        from sqlalchemy import text

        db().execute(text("SELECT 1"))
        return {"status": "ok"}

    return api
