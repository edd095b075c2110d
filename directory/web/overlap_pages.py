"""The administrators' overlap review: detected pairs with their reasons, confirmed or dismissed by a
person (CSRF-protected forms; the service checks who may decide)."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, request, url_for

from ..overlaps import service as overlaps
from ..overlaps.models import OverlapStatus
from .access import identity, require
from .context import db, instance

bp = Blueprint("overlap_admin", __name__, url_prefix="/admin/overlaps")


@bp.get("/")
@require(admin=True)
def review():
    try:
        status = OverlapStatus(request.args.get("status", "detected"))
        page_number = max(1, int(request.args.get("page", 1)))
    except ValueError:
        status, page_number = OverlapStatus.DETECTED, 1
    page = overlaps.for_review(db(), status, page=page_number, per_page=20)
    return render_template("admin/overlaps.html", page=page, status=status, statuses=list(OverlapStatus))


@bp.post("/<id:overlap_id>")
@require(admin=True)
def decide(overlap_id: int):
    action = overlaps.confirm if request.form.get("decision") == "confirm" else overlaps.dismiss
    with instance().sessions.begin() as session:
        action(session, identity(), overlap_id)
    return redirect(url_for(".review", status=request.form.get("back", "detected")), 303)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
