"""The overlap review: pairs of courses side by side with their shared words marked, confirmed or dismissed
by a person (CSRF-protected forms). One page at two addresses: ``/member/overlaps`` for a member's staff
(the pairs involving their member's courses) and ``/admin/overlaps`` for administrators (every pair). Who
sees which pair is ``overlaps.review.pairs_for``; who may decide, ``overlaps.decisions.may_decide``."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, request, url_for

from ..overlaps import decisions
from ..overlaps import review as overlap_review
from ..overlaps.models import OverlapStatus
from .access import identity, require
from .context import db, instance

admin_bp = Blueprint("overlap_admin", __name__, url_prefix="/admin/overlaps")
member_bp = Blueprint("overlap_review", __name__, url_prefix="/member/overlaps")
# The tabs, in the words the page uses for each status.
TABS = [(OverlapStatus.DETECTED, "Suspected"), (OverlapStatus.CONFIRMED, "Confirmed"),
        (OverlapStatus.DISMISSED, "Dismissed")]


def _arguments() -> tuple[OverlapStatus, int]:
    try:
        return OverlapStatus(request.args.get("status", "detected")), max(1, int(request.args.get("page", 1)))
    except ValueError:
        return OverlapStatus.DETECTED, 1


def _review(blueprint: str):
    status, page_number = _arguments()
    page = overlap_review.pairs_for(db(), identity(), status, page=page_number, per_page=20)
    return render_template("overlap_review.html", page=page, status=status, tabs=TABS, blueprint=blueprint,
                           highlighted=overlap_review.highlighted)


def _decide(blueprint: str, overlap_id: int):
    action = decisions.confirm if request.form.get("decision") == "confirm" else decisions.dismiss
    with instance().sessions.begin() as session:
        action(session, identity(), overlap_id)
    return redirect(url_for(f"{blueprint}.review", status=request.form.get("back", "detected")), 303)


@admin_bp.get("/")
@require(admin=True)
def review():
    return _review("overlap_admin")


@admin_bp.post("/<id:overlap_id>")
@require(admin=True)
def decide(overlap_id: int):
    return _decide("overlap_admin", overlap_id)


@member_bp.get("/", endpoint="review")
@require()
def member_review():
    return _review("overlap_review")


@member_bp.post("/<id:overlap_id>", endpoint="decide")
@require()
def member_decide(overlap_id: int):
    return _decide("overlap_review", overlap_id)


def register(app: Flask) -> None:
    app.register_blueprint(admin_bp)
    app.register_blueprint(member_bp)
