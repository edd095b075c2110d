"""The composition root: the one place that wires the directory, the harvester and the exchange together.

``make_instance(settings)`` builds the ``directory.instance.Instance`` of one deployment with what only
this layer can plug in (the exchange's audit key on every session, its agreement register behind the
planner's question). ``create_app(settings)`` builds the Flask application around it and registers every
blueprint: the directory's, then the harvester's and the exchange's. The CLI (``climbing_frame.cli``), the
scheduler and the harvester's worker processes use ``make_instance`` without a web server.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from directory import settings as settings_module
from directory.instance import Instance
from directory.web import (
    access,
    account_pages,
    admin_pages,
    api,
    auth_pages,
    context,
    headers,
    limits,
    oauth,
    oidc_sign_in,
    overlap_pages,
    pages,
    pathway_pages,
    problems,
)
from exchange import audit
from exchange.agreements.lookup import RegisterLookup
from exchange.web import api as exchange_api
from exchange.web import pages as exchange_pages
from harvester.web import api as harvester_api
from harvester.web import dashboard_pages as harvester_dashboard
from harvester.web import pages as harvester_pages

log = logging.getLogger(__name__)

def make_instance(settings: settings_module.Settings) -> Instance:
    """One deployment's ``Instance``, with the exchange plugged in below the directory's planner."""
    return Instance(settings, session_info=audit.session_info(settings), agreements=RegisterLookup)


def create_app(settings: settings_module.Settings | None = None) -> Flask:
    settings = settings or settings_module.load()
    logging.basicConfig(level=settings.log_level)
    # Migrations and the scheduler narrate every step at INFO; operators need their warnings only.
    for chatty in ("alembic", "apscheduler"):
        logging.getLogger(chatty).setLevel(max(logging.getLogger().level, logging.WARNING))
    # Named for the directory's package, whose templates and static files are the app's own.
    app = Flask("directory", template_folder="web/templates", static_folder="web/static")
    app.config.update(
        SECRET_KEY=settings.secret_key or _development_secret(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        JSON_SORT_KEYS=False,
        # The small limit unless an endpoint declares otherwise (directory.web.limits).
        MAX_CONTENT_LENGTH=settings.request_max_bytes,
    )
    if settings.proxy_hops:
        # Only the hops configured: a client cannot claim another address by sending the header itself.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    make_instance(settings).attach(app)

    _register_web(app)
    return app


def _register_web(app: Flask) -> None:
    """The directory's blueprints, then the harvester's and the exchange's, on one app and one API."""
    problems.register(app)
    headers.register(app)
    limits.register(app)
    access.register(app)
    oauth.register(app)
    json_api = api.register(app)
    json_api.register_blueprint(harvester_api.blp)
    json_api.register_blueprint(exchange_api.blp)
    pages.register(app)
    pathway_pages.register(app)
    auth_pages.register(app)
    oidc_sign_in.register(app)
    account_pages.register(app)
    harvester_pages.register(app)
    harvester_dashboard.register(app)
    admin_pages.register(app)
    overlap_pages.register(app)
    exchange_pages.register(app)
    app.teardown_appcontext(context.close_request_session)


def _development_secret() -> str:
    # Without CF_SECRET_KEY each process signs with its own random key: safe, but sessions do not survive
    # a restart or span workers. Production sets CF_SECRET_KEY.
    log.warning("CF_SECRET_KEY is not set: using a random per-process key")
    return secrets.token_hex(32)
