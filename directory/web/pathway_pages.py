"""Pathway pages and the planner page: server-rendered, no JavaScript needed.

The planner keeps the achievements of someone not signed in in the Flask session (signed cookie), and a
signed-in person's with their account (``pathways.plans``); what was listed before signing in joins the
account's plan on the next view. Forms add and remove achievements (POST, CSRF-checked), and the page
evaluates them on every view.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from marshmallow import ValidationError

from ..catalogue.schema import flatten_errors
from ..errors import Invalid
from ..pathways import picture, plans
from ..pathways import service as pathways
from ..pathways.planner import Claim, PlannerOptions, plan
from . import pathway_schemas
from .access import identity, public
from .context import db, instance

bp = Blueprint("pathway_pages", __name__)
SESSION_KEY = "planner"


def planner_options() -> PlannerOptions:
    settings = instance().settings
    return PlannerOptions(shelf_life_years=settings.credit_shelf_life_years,
                          warn_days=round(settings.credit_expiry_warning_months * 365 / 12))


@bp.get("/pathways")
@public
def pathways_page():
    found = pathways.list_pathways(db())
    names = pathways.provider_names(db(), (p.awarding_provider_id for p in found))
    return render_template("pathways.html", pathways=found, names=names)


@bp.get("/pathways/<pathway_id>")
@public
def pathway_page(pathway_id: str):
    pathway = pathways.get_pathway(db(), pathway_id)
    names = pathways.provider_names(db(), [pathway.awarding_provider_id])
    awarding_name = names.get(pathway.awarding_provider_id, pathway.awarding_provider_id)
    details = pathways.named_course_details(db(), pathways.named_courses(pathway.content))
    items = picture.route(pathway.content, details)
    return render_template("pathway.html", pathway=pathway, content=pathway.content, awarding_name=awarding_name,
                           items=items, drawing=picture.layout(pathway.content, items, awarding_name),
                           sentences=pathway_schemas.rule_sentences(pathway.content))


# -- the planner -----------------------------------------------------------------------------------


def stored_claims() -> list[dict[str, Any]]:
    """The caller's achievements: their account's plan when signed in, else the browser session's."""
    user_id = identity().user_id
    if user_id is None:
        kept = session.get(SESSION_KEY)
        return kept if isinstance(kept, list) else []
    listed_before = session.pop(SESSION_KEY, None)
    if isinstance(listed_before, list) and listed_before:
        with instance().sessions.begin() as writer:
            return plans.merge(writer, user_id, listed_before, pathway_schemas.MAX_ACHIEVEMENTS)
    return plans.saved(db(), user_id)


def keep_claims(stored: list[dict[str, Any]]) -> None:
    user_id = identity().user_id
    if user_id is None:
        session[SESSION_KEY] = stored
        return
    with instance().sessions.begin() as writer:
        plans.save(writer, user_id, stored, pathway_schemas.MAX_ACHIEVEMENTS)


def claim_from_stored(item: dict[str, Any]) -> Claim:
    return Claim(
        awarded_on=date.fromisoformat(item["awarded_on"]), course=item.get("course") or None,
        title=item.get("title") or None,
        credit=Decimal(item["credit"]) if item.get("credit") else None,
        credit_scheme=item.get("credit_scheme") or "CATS",
        level_framework=item.get("level_framework") or None,
        level_value=int(item["level_value"]) if item.get("level_value") else None,
        provider_id=item.get("provider_id") or None, provider_name=item.get("provider_name") or None,
    )


@bp.get("/planner")
@public
def planner_page():
    stored = stored_claims()
    problem = None
    result = None
    today = instance().clock.today()
    try:
        result = plan(db(), [claim_from_stored(item) for item in stored], today, options=planner_options(),
                      lookup=instance().agreement_lookup(db(), today))
    except (Invalid, ValueError, KeyError, InvalidOperation) as exc:
        problem = getattr(exc, "detail", None) or "one of your achievements can no longer be read: remove it"
    return render_template("planner.html", stored=stored, result=result, problem=problem,
                           today=today.isoformat(), schemes=("CATS", "ECTS", "SCQF", "CQFW"),
                           frameworks=("FHEQ", "SCQF", "CQFW", "EQF"))


@bp.post("/planner/achievements")
@public
def planner_add():
    form = request.form
    raw: dict[str, Any] = {"awarded_on": form.get("awarded_on", "").strip()}
    if form.get("course", "").strip():
        raw["course"] = form["course"].strip()
    else:
        for name in ("title", "credit", "credit_scheme", "provider_id"):
            if form.get(name, "").strip():
                raw[name] = form[name].strip()
        if form.get("level_framework") and form.get("level_value", "").strip():
            raw["level"] = {"framework": form["level_framework"], "value": form["level_value"].strip()}
    try:
        item = pathway_schemas.AchievementIn().load(raw)
        claim = Claim(awarded_on=item["awarded_on"], course=item.get("course"), title=item.get("title"),
                      credit=item.get("credit"), credit_scheme=item.get("credit_scheme", "CATS"),
                      level_framework=(item.get("level") or {}).get("framework"),
                      level_value=(item.get("level") or {}).get("value"), provider_id=item.get("provider_id"))
        from ..pathways.planner import achievements
        achievements(db(), [claim])  # a course the directory does not know is refused now, not later
    except ValidationError as exc:
        flash("Not added: " + "; ".join(f"{p.field.replace('_', ' ')}: {p.reason}"
                                        for p in flatten_errors(exc.messages)), "error")
        return redirect(url_for("pathway_pages.planner_page"))
    except Invalid as exc:
        flash("Not added: " + exc.detail.replace("achievements[0].", ""), "error")
        return redirect(url_for("pathway_pages.planner_page"))
    stored = stored_claims()
    if len(stored) >= pathway_schemas.MAX_ACHIEVEMENTS:
        flash(f"Not added: the planner holds at most {pathway_schemas.MAX_ACHIEVEMENTS} achievements", "error")
        return redirect(url_for("pathway_pages.planner_page"))
    stored.append({
        "awarded_on": claim.awarded_on.isoformat(), "course": claim.course, "title": claim.title,
        "credit": f"{claim.credit:f}" if claim.credit is not None else None, "credit_scheme": claim.credit_scheme,
        "level_framework": claim.level_framework, "level_value": claim.level_value,
        "provider_id": claim.provider_id,
    })
    keep_claims(stored)
    flash("Added to your planner", "status")
    return redirect(url_for("pathway_pages.planner_page"))


@bp.post("/planner/achievements/<int:number>/remove")
@public
def planner_remove(number: int):
    stored = stored_claims()
    if 1 <= number <= len(stored):
        del stored[number - 1]
        keep_claims(stored)
        flash("Removed from your planner", "status")
    return redirect(url_for("pathway_pages.planner_page"))


def register(app: Flask) -> None:
    app.register_blueprint(bp)
