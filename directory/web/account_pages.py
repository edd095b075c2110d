"""The landing page after sign-in (``/member/``): administrators go on to the administration, member
universities' staff who publish to "My catalogue" (the harvester's pages), everybody else sees their
account."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, url_for

from .access import identity, require

bp = Blueprint("account", __name__, url_prefix="/member")
PUBLISH = "catalogue:publish"


@bp.get("/")
@require()
def home():
    caller = identity()
    if caller.is_admin:
        return redirect(url_for("admin.home"))
    if caller.org_id and caller.allows(PUBLISH):
        return redirect(url_for("member.catalogue"))
    return render_template("account/home.html", caller=caller)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
