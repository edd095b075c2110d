"""The administrators' harvest dashboard (/admin/harvest): every feed with its last run, held runs to
confirm or reject, harvest now, pause, interval, add a feed; and one feed's page with its runs, unmapped
values, quarantined records and mapping profile. Views translate HTTP to ``harvester.operations`` and
``harvester.publishing`` calls, which check again that the caller is an administrator. Forms carry a CSRF
token; a form that succeeds redirects (303), one that fails shows the page again with what was typed (400)."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for

from directory.errors import Conflict, Invalid, NotFound
from directory.web.access import identity, require
from directory.web.context import db, instance

from .. import formats, operations, publishing, registry
from ..environment import harvest_environment
from . import words
from .profile_form import profile_saved_message
from .schemas import present_quarantine_record, present_run

bp = Blueprint("harvest_admin", __name__, url_prefix="/admin/harvest", template_folder="templates")
INPUT_ERRORS = (Invalid, Conflict, NotFound)


def _now():
    return harvest_environment(instance()).clock()


def _dashboard(error: str | None = None, form: dict | None = None, status: int = 200):
    rows = operations.dashboard(db(), identity(), _now())
    return render_template("admin/harvest.html", rows=rows, error=error, form=form or {}, formats=sorted(formats.ADAPTERS),
                           now=_now(), default_every=instance().settings.harvest_default_interval), status


@bp.get("")
@require(admin=True)
def dashboard():
    return _dashboard()


@bp.post("/feeds")
@require(admin=True)
def add_feed():
    form = {key: request.form.get(key, "") for key in ("provider_id", "name", "url", "format", "every", "aliases",
                                                        "feed_id", "aggregator")}
    settings = instance().settings
    aliases = tuple(a.strip() for a in form["aliases"].replace(",", "\n").splitlines() if a.strip())
    spec = registry.FeedSpec(form["provider_id"].strip(), form["name"].strip(), form["url"].strip() or None,
                             form["format"] or "native", form["every"].strip() or settings.harvest_default_interval,
                             aliases=aliases, id=form["feed_id"].strip() or None,
                             aggregator=form["aggregator"] == "yes")
    if not spec.name:
        return _dashboard("a feed needs the member's name", form, 400)
    try:
        with instance().sessions.begin() as session:
            feed = operations.add_feed(session, identity(), spec, allow_private=settings.harvest_allow_private)
            name = feed.name
    except INPUT_ERRORS as exc:
        return _dashboard(exc.detail, form, 400)
    flash(f"Feed of {name} added. It is harvested within the next few minutes, or now with Harvest now.")
    return redirect(url_for("harvest_admin.dashboard"), 303)


def _back(feed_id: str | None = None):
    if request.form.get("back") == "feed" and feed_id:
        return redirect(url_for("harvest_admin.feed_page", feed_id=feed_id), 303)
    return redirect(url_for("harvest_admin.dashboard"), 303)


@bp.post("/<feed_id>/run")
@require(admin=True)
def harvest_now(feed_id: str):
    try:
        run = operations.harvest_now(harvest_environment(instance()), identity(), feed_id)
    except Conflict as exc:
        return _dashboard(f"Not harvested now: {exc.detail}. Try again when that run has finished.", status=409)
    except Invalid as exc:
        return _dashboard(exc.detail, status=400)
    counts = present_run(run)["counts"]
    flash(f"Harvested {run.feed_id}: {words.outcome(run.outcome.value)}; {counts['seen']} courses seen, "
          f"{counts['quarantined']} quarantined, {counts['withdrawn']} withdrawn.")
    return _back(feed_id)


@bp.post("/<feed_id>/enabled")
@require(admin=True)
def set_enabled(feed_id: str):
    enabled = request.form.get("enabled") == "true"
    with instance().sessions.begin() as session:
        feed = operations.set_enabled(session, identity(), feed_id, enabled)
        name = feed.name
    flash(f"Feed of {name} {'enabled: harvested on its schedule again' if enabled else 'paused: not harvested until enabled'}.")
    return _back(feed_id)


@bp.post("/<feed_id>/interval")
@require(admin=True)
def set_interval(feed_id: str):
    try:
        with instance().sessions.begin() as session:
            feed = operations.set_interval(session, identity(), feed_id, request.form.get("every", ""))
            name, seconds = feed.name, feed.interval_seconds
    except Invalid as exc:
        return _dashboard(f"{feed_id}: {exc.detail}", status=400)
    flash(f"Feed of {name} is harvested every {words.interval(seconds)}.")
    return _back(feed_id)


@bp.post("/runs/<int:run_id>/confirm")
@require(admin=True)
def confirm(run_id: int):
    try:
        run = operations.confirm(harvest_environment(instance()), identity(), run_id)
    except INPUT_ERRORS as exc:
        return _dashboard(exc.detail, status=400 if not isinstance(exc, NotFound) else 404)
    flash(f"Run {run.id} confirmed: {run.withdrawn} courses withdrawn.")
    return _back(run.feed_id)


@bp.post("/runs/<int:run_id>/reject")
@require(admin=True)
def reject(run_id: int):
    try:
        run = operations.reject(harvest_environment(instance()), identity(), run_id)
    except INPUT_ERRORS as exc:
        return _dashboard(exc.detail, status=400 if not isinstance(exc, NotFound) else 404)
    flash(f"Run {run.id} rejected: its {len(run.held_withdrawals)} courses stay listed.")
    return _back(run.feed_id)


def _feed_page(feed_id: str, error: str | None = None, profile_text: str | None = None, status: int = 200):
    session, caller = db(), identity()
    feed, runs = operations.feed_detail(session, caller, feed_id)
    last = runs[0] if runs else None
    quarantine = publishing.quarantine(session, caller, feed.provider_id, 1, 200)
    return render_template(
        "admin/harvest_feed.html", feed=feed, runs=words.run_rows(runs), last=last, error=error,
        unmapped=(last.unmapped_values or []) if last else [], now=_now(),
        problems=words.problem_rows([present_quarantine_record(e) for e in quarantine.results]),
        quarantine_total=quarantine.total,
        profile_text=profile_text if profile_text is not None else publishing.profile_toml(session, caller, feed_id),
        profile_action=url_for("harvest_admin.save_profile", feed_id=feed_id),
    ), status


@bp.get("/<feed_id>")
@require(admin=True)
def feed_page(feed_id: str):
    return _feed_page(feed_id)


@bp.post("/<feed_id>/profile")
@require(admin=True)
def save_profile(feed_id: str):
    text = request.form.get("profile", "")
    try:
        change = publishing.change_profile(harvest_environment(instance()), identity(), feed_id, text)
    except Invalid as exc:
        return _feed_page(feed_id, error=f"Profile not saved (the stored one stays): {exc.detail}",
                          profile_text=text, status=400)
    flash(profile_saved_message(change))
    return redirect(url_for("harvest_admin.feed_page", feed_id=feed_id), 303)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(when=words.when, outcome_words=words.outcome, interval_words=words.interval,
                                 every_text=words.every_text)
    app.jinja_env.globals.update(age_words=words.age)
    app.register_blueprint(bp)
