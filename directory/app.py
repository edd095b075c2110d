"""The composition root: the one place that wires the directory, the harvester and the exchange together.

``create_app(settings)`` builds a Flask application around one ``Instance``: the settings, the relational
store, the vocabularies and the search backend of one Climbing Frame deployment. The CLI and the
scheduler use the same ``Instance`` without a web server.
"""

from __future__ import annotations

import logging
import multiprocessing
import secrets
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from exchange import audit
from exchange.agreements.lookup import RegisterLookup
from harvester import pipeline
from harvester.pipeline import HarvestEnvironment
from harvester.report import run_as_dict

from . import settings as settings_module
from .catalogue.service import ChangeSet
from .catalogue.vocab import Vocabularies, vocabularies
from .clock import Clock, clock_for
from .db import make_engine, make_sessionmaker
from .errors import DomainError, Invalid
from .outbound import AddressRefused, check_url
from .overlaps.refresh import refresh_stale
from .pathways.agreements import AgreementLookup
from .search.backend import SearchBackend, make_backend
from .search.indexer import index_courses

log = logging.getLogger(__name__)


@dataclass
class Instance:
    """One deployment's settings, store, vocabularies and search index."""

    settings: settings_module.Settings
    _backend: SearchBackend | None = field(default=None, repr=False)

    @cached_property
    def engine(self) -> Engine:
        if not self.settings.database_url:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return make_engine(self.settings.sqlalchemy_url)

    @cached_property
    def sessions(self) -> sessionmaker:
        """Sessions that may write (on SQLite they take the write lock when a transaction begins)."""
        return self._carrying_keys(make_sessionmaker(self.engine))

    @cached_property
    def readers(self) -> sessionmaker:
        """Sessions that only read: web requests, the read phase of a harvest, the indexer."""
        return self._carrying_keys(make_sessionmaker(self.engine, writer=False))

    @cached_property
    def _session_info(self) -> dict:
        return audit.session_info(self.settings)

    def _carrying_keys(self, factory: sessionmaker) -> sessionmaker:
        # The exchange's audit key rides on every session (session.info), so its services need no new
        # argument and the key never reaches the database.
        factory.configure(info=dict(self._session_info))
        return factory

    @cached_property
    def clock(self) -> Clock:
        """Every "today" and "now" the product acts on (``directory.clock``; ``clock_start`` moves it)."""
        return clock_for(self.settings.clock_start)

    @cached_property
    def vocab(self) -> Vocabularies:
        return vocabularies(self.settings.vocab_dir)

    @property
    def search(self) -> SearchBackend:
        if self._backend is None:
            self._backend = make_backend(self.settings, self.vocab)
        return self._backend

    def index_changes(self, changes: ChangeSet) -> None:
        """Bring the search index in line with a committed change set (the store stays the truth).

        Overlaps are not computed here: comparing changed courses with the catalogue is heavier than the
        harvest itself, so ``refresh_overlaps`` follows on (the scheduler every few minutes, the
        ``harvest`` command at its end) and re-indexes the courses whose overlaps moved."""
        with self.readers() as session:
            index_courses(session, self.search, [*changes.keys, *changes.reindex])

    def refresh_overlaps(self, batch: int = 5000) -> int:
        """Overlaps of stale courses recomputed and re-indexed (``directory.overlaps.refresh``)."""
        return refresh_stale(self.sessions, self.readers, self.search, batch)

    def agreement_lookup(self, session: Session, today: date) -> AgreementLookup:
        """The planner's "does an agreement cover this credit?", answered by the exchange's register."""
        return RegisterLookup(session, today)

    def harvest_environment(self) -> HarvestEnvironment:
        return HarvestEnvironment(self.sessions, self.readers, self.settings, self.vocab, on_changes=self.index_changes)

    def check_identity_provider_url(self, url: str) -> None:
        """Raise Invalid unless we may call ``url`` of a member's identity provider: http(s), and not at a
        private or loopback address unless ``oidc_allow_private`` (``directory.outbound``, the rule for
        feeds and webhooks too)."""
        try:
            check_url(url, self.settings.oidc_allow_private)
        except AddressRefused as exc:
            raise Invalid(f"{url}: {exc}") from None

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None
        if "engine" in self.__dict__:
            self.engine.dispose()


def harvest_in_parallel(settings: settings_module.Settings, feed_ids: list[str],
                        jobs: int) -> Iterator[tuple[str, dict | str]]:
    """Harvest feeds ``jobs`` at a time in worker processes (validation is CPU work; the store and the
    index still take one writer at a time). Yields (feed id, run report or why it did not run), in order."""
    context = multiprocessing.get_context("spawn")  # no inherited connections, locks or index handles
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start, initargs=(settings,)) as pool:
        yield from zip(feed_ids, pool.map(_worker_harvest, feed_ids), strict=True)


_worker: Instance | None = None


def _worker_start(settings: settings_module.Settings) -> None:
    global _worker
    _worker = Instance(settings)


def _worker_harvest(feed_id: str) -> dict | str:
    assert _worker is not None
    try:
        return run_as_dict(pipeline.harvest(_worker.harvest_environment(), feed_id))
    except DomainError as exc:
        return exc.detail


def create_app(settings: settings_module.Settings | None = None) -> Flask:
    settings = settings or settings_module.load()
    logging.basicConfig(level=settings.log_level)
    # Migrations and the scheduler narrate every step at INFO; operators need their warnings only.
    for chatty in ("alembic", "apscheduler"):
        logging.getLogger(chatty).setLevel(max(logging.getLogger().level, logging.WARNING))
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
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
    instance = Instance(settings)
    app.extensions["climbing_frame"] = instance

    _register_web(app)
    return app


def _register_web(app: Flask) -> None:
    """The directory's blueprints, then the harvester's and the exchange's, on one app and one API."""
    from exchange.web import api as exchange_api
    from exchange.web import pages as exchange_pages
    from harvester.web import api as harvester_api
    from harvester.web import dashboard_pages as harvester_dashboard
    from harvester.web import pages as harvester_pages

    from .web import (
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
