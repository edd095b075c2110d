"""The landing page after sign-in (``/member/``), each role's hub: administrators go on to the
administration's home; member universities' staff and learners each see every page of their role,
linked in plain words (tests/directory/test_hubs.py checks that none is missing)."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, url_for

from ..identity import organisations
from ..identity.identity import Role
from .access import identity, require
from .context import db

bp = Blueprint("account", __name__, url_prefix="/member")


@bp.get("/")
@require()
def home():
    caller = identity()
    if caller.is_admin:
        return redirect(url_for("admin.home"))
    if caller.role is Role.STAFF:
        names = {org.id: org.name for org in organisations.list_all(db())}
        return render_template("account/staff_home.html", caller=caller,
                               org_name=names.get(caller.org_id, caller.org_id))
    return render_template("account/home.html", caller=caller)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
