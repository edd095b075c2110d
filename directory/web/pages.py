"""Server-rendered pages for people. Views translate HTTP to a service call and a template."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Flask, render_template, request

from ..catalogue import service as catalogue
from ..catalogue import words
from ..catalogue.words import FRAMEWORK_NAMES
from .context import db

bp = Blueprint("pages", __name__)

PER_PAGE = 20


def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


@bp.get("/")
def catalogue_page():
    provider = request.args.get("provider") or None
    page = catalogue.list_courses(db(), provider, _page_number(), PER_PAGE)
    providers = catalogue.list_providers(db(), 1, 100).results
    return render_template("catalogue.html", page=page, providers=providers, provider=provider,
                           today=date.today().isoformat())


@bp.get("/courses/<provider_id>/<path:course_id>")
def course_page(provider_id: str, course_id: str):
    course = catalogue.get_course(db(), provider_id, course_id)
    return render_template("course.html", course=course, content=course.current_version.content,
                           frameworks=FRAMEWORK_NAMES, today=date.today().isoformat())


@bp.get("/providers/<provider_id>")
def provider_page(provider_id: str):
    provider = catalogue.get_provider(db(), provider_id)
    page = catalogue.list_courses(db(), provider_id, _page_number(), PER_PAGE)
    return render_template("provider.html", provider=provider, page=page, today=date.today().isoformat())


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        credit_and_level=words.credit_and_level,
        credit_words=words.credit_words,
        level_words=words.level_words,
        mode_words=words.mode_words,
    )
    app.jinja_env.globals.update(next_start_words=words.next_start_words)
    app.register_blueprint(bp)
