""""My catalogue": where a member university's staff see their feed, its run reports and quarantined
records, and set the feed's address themselves. Which provider's data a caller may see is decided in
``harvester.publishing``."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for

from directory.errors import Invalid
from directory.web.access import identity, require
from directory.web.context import db, instance
from directory.web.limits import large_body

from .. import formats, publishing
from ..environment import harvest_environment
from . import words
from .profile_form import profile_saved_message
from .schemas import present_quarantine_record

bp = Blueprint("member", __name__, url_prefix="/member", template_folder="templates")


def _provider_id() -> str:
    provider_id = request.values.get("provider") or identity().org_id
    if not provider_id:
        raise Invalid("choose a provider: /member/catalogue?provider=ID")
    return provider_id


def _feed_id() -> str | None:
    """The member's feed the page is about (``?feed=``, or the form's): a member may publish several, one per
    system; none named means its one feed (publishing.feed_of)."""
    return request.values.get("feed") or None


def _links(provider_id: str, feed) -> dict:
    """Query arguments that keep the page on this member's feed."""
    return {"provider": provider_id, **({"feed": feed.id} if feed is not None and feed.id != provider_id else {})}


# Quarantined records shown on the page (every problem of each); the API pages through all of them.
QUARANTINE_SHOWN = 200


def _render(provider_id: str, error: str | None = None, status: int = 200, profile_text: str | None = None,
            profile_error: str | None = None):
    session, caller = db(), identity()
    feed = publishing.feed_of(session, caller, provider_id, _feed_id())
    feeds = publishing.feeds_of(session, caller, provider_id)
    runs = publishing.runs(session, caller, provider_id, 1, 10).results
    quarantine = publishing.quarantine(session, caller, provider_id, 1, QUARANTINE_SHOWN)
    if feed is not None and profile_text is None:
        profile_text = publishing.profile_toml(session, caller, feed.id)
    return render_template(
        "member/catalogue.html", provider_id=provider_id, feed=feed, error=error, profile_error=profile_error,
        runs=words.run_rows(runs), unmapped=(runs[0].unmapped_values or []) if runs else [],
        problems=words.problem_rows([present_quarantine_record(q) for q in quarantine.results]),
        quarantine_total=quarantine.total, quarantine_shown=min(quarantine.total, QUARANTINE_SHOWN),
        profile_text=profile_text or "", profile_action=url_for("member.save_profile"),
        feeds=feeds, links=_links(provider_id, feed), scorecards=publishing.scorecards(session, caller, provider_id),
    ), status


@bp.get("/catalogue")
@require(publishing.PUBLISH)
def catalogue():
    return _render(_provider_id())


@bp.post("/catalogue/feed")
@require(publishing.PUBLISH)
def set_feed():
    provider_id, settings = _provider_id(), instance().settings
    try:
        with instance().sessions.begin() as session:
            publishing.set_feed_url(session, identity(), provider_id, request.form.get("url"),
                                    allow_private=settings.harvest_allow_private,
                                    default_every=settings.harvest_default_interval,
                                    feed_id=_feed_id())
    except Invalid as exc:
        return _render(provider_id, error=exc.detail, status=400)
    return redirect(url_for("member.catalogue", provider=provider_id, **({"feed": _feed_id()} if _feed_id() else {})),
                    303)


@bp.post("/catalogue/profile")
@require(publishing.PUBLISH)
def save_profile():
    provider_id = _provider_id()
    text = request.form.get("profile", "")
    feed = publishing.feed_of(db(), identity(), provider_id, _feed_id())
    if feed is None:
        return _render(provider_id, error="Set the feed's address (or publish a document) first: a profile "
                                          "belongs to a feed.", status=400, profile_text=text)
    try:
        change = publishing.change_profile(harvest_environment(instance()), identity(), feed.id, text)
    except Invalid as exc:
        return _render(provider_id, error=f"Profile not saved (the stored one stays): {exc.detail}",
                       status=400, profile_text=text)
    flash(profile_saved_message(change))
    return redirect(url_for("member.catalogue", **_links(provider_id, feed)) + "#mapping-profile", 303)


def _check_page(provider_id: str, form: dict, report=None, error: str | None = None, status: int = 200):
    feed = publishing.feed_of(db(), identity(), provider_id, _feed_id())
    return render_template("member/check.html", provider_id=provider_id, feed=feed, form=form, error=error,
                           report=report, formats=sorted(formats.ADAPTERS), links=_links(provider_id, feed)), status


@bp.get("/catalogue/check")
@require(publishing.PUBLISH)
def check_page():
    return _check_page(_provider_id(), {})


@bp.post("/catalogue/check")
@large_body  # a whole feed, as publishing one takes: up to harvest_max_bytes
@require(publishing.PUBLISH)
def check():
    provider_id = _provider_id()
    form = {key: request.form.get(key, "") for key in ("url", "format", "profile")}
    env, caller = harvest_environment(instance()), identity()
    feed = publishing.feed_of(db(), caller, provider_id, _feed_id())
    if feed is None:
        return _check_page(provider_id, form, error="Your organisation has no feed yet: set its address on "
                                                    "My catalogue first.", status=400)
    upload = request.files.get("document")
    try:
        if upload is not None and upload.filename:
            body, content_type = upload.read(), upload.mimetype
        elif form["url"].strip():
            body, content_type = publishing.fetch_for_dry_run(env, caller, feed.id, form["url"])
        else:
            raise Invalid("give a document: choose a file to upload, or give its address")
        report = publishing.dry_run(env, caller, feed.id, body, format_name=form["format"] or None,
                                    profile_text=form["profile"], content_type=content_type)
    except Invalid as exc:
        return _check_page(provider_id, form, error=exc.detail, status=400)
    return _check_page(provider_id, form, report=report.as_dict())


def register(app: Flask) -> None:
    app.register_blueprint(bp)
