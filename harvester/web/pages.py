""""My catalogue": where a member university's staff see their feed, its run reports and quarantined
records, and set the feed's address themselves. Which provider's data a caller may see is decided in
``harvester.publishing``."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, request, url_for

from directory.errors import Invalid
from directory.web.access import identity, require
from directory.web.context import db, instance

from .. import publishing
from ..report import quarantine_as_dict, run_as_dict

bp = Blueprint("member", __name__, url_prefix="/member", template_folder="templates")


def _provider_id() -> str:
    provider_id = request.values.get("provider") or identity().org_id
    if not provider_id:
        raise Invalid("choose a provider: /member/catalogue?provider=ID")
    return provider_id


def _render(provider_id: str, error: str | None = None, status: int = 200):
    session, caller = db(), identity()
    feed = publishing.feed_of(session, caller, provider_id)
    runs = publishing.runs(session, caller, provider_id, 1, 10)
    quarantine = publishing.quarantine(session, caller, provider_id, 1, 100)
    return render_template(
        "member/catalogue.html", provider_id=provider_id, feed=feed, error=error,
        runs=[run_as_dict(r) for r in runs.results], quarantine=[quarantine_as_dict(q) for q in quarantine.results],
        quarantine_total=quarantine.total, scorecards=publishing.scorecards(session, caller, provider_id),
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
                                    default_every=settings.harvest_default_interval)
    except Invalid as exc:
        return _render(provider_id, error=exc.detail, status=400)
    return redirect(url_for("member.catalogue", provider=provider_id), 303)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
