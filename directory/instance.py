"""One deployment of Climbing Frame, as every part of it sees it: ``Instance`` and ``current_instance()``.

An ``Instance`` holds the settings, the relational store (writer and reader sessions), the clock, the
vocabularies and the search backend. It is built once by the composition root (``climbing_frame.app``),
which also plugs in what only the upper layers can provide: what the sessions carry for the exchange (its
audit key) and the exchange's answer to the planner's agreement question. Everything below the root
(the directory's web and services, the harvester, the exchange) receives an ``Instance`` or reads the
request's one through ``current_instance()``; none of them builds one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from . import indexing
from .catalogue.service import ChangeSet
from .catalogue.vocab import Vocabularies, vocabularies
from .clock import Clock, clock_for
from .db import make_engine, make_sessionmaker
from .errors import AddressRefused, Invalid
from .outbound import check_url
from .pathways.agreements import AgreementLookup, NoAgreementInformation
from .search.backend import SearchBackend
from .search.engines import make_backend
from .settings import Settings

EXTENSION = "climbing_frame"  # the key of the app's Instance in ``Flask.extensions``

AgreementLookupFactory = Callable[[Session, date], AgreementLookup]


def _no_agreement_information(_session: Session, _today: date) -> AgreementLookup:
    return NoAgreementInformation()


@dataclass
class Instance:
    """One deployment's settings, store, clock, vocabularies and search index.

    ``session_info`` rides on every session (``session.info``): the exchange's audit key, so its services
    need no extra argument and the key never reaches the database. ``agreements`` answers the planner's
    "does an agreement cover this credit?" (the exchange's register, wired by the root).
    """

    settings: Settings
    session_info: dict[str, Any] = field(default_factory=dict, repr=False)
    agreements: AgreementLookupFactory = field(default=_no_agreement_information, repr=False)
    _backend: SearchBackend | None = field(default=None, repr=False)

    @cached_property
    def engine(self) -> Engine:
        if not self.settings.database_url:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return make_engine(self.settings.sqlalchemy_url)

    @cached_property
    def sessions(self) -> sessionmaker:
        """Sessions that may write (on SQLite they take the write lock when a transaction begins)."""
        return self._carrying_info(make_sessionmaker(self.engine))

    @cached_property
    def readers(self) -> sessionmaker:
        """Sessions that only read: web requests, the read phase of a harvest, the indexer."""
        return self._carrying_info(make_sessionmaker(self.engine, writer=False))

    def _carrying_info(self, factory: sessionmaker) -> sessionmaker:
        factory.configure(info=dict(self.session_info))
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
        """After a commit: bring the index in line with everything it changed (``directory.indexing``)."""
        indexing.index_commit(self.sessions, self.readers, self.search, changes)

    def refresh_overlaps(self, batch: int = indexing.REFRESH_BATCH) -> int:
        """Overlaps of stale courses recomputed and re-indexed (``directory.indexing.refresh_overlaps``)."""
        return indexing.refresh_overlaps(self.sessions, self.readers, self.search, batch)

    def agreement_lookup(self, session: Session, today: date) -> AgreementLookup:
        return self.agreements(session, today)

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

    def attach(self, app: Flask) -> None:
        """Make this the instance ``current_instance()`` answers inside ``app``."""
        app.extensions[EXTENSION] = self


def current_instance() -> Instance:
    """The instance of the Flask app handling this request or command."""
    return current_app.extensions[EXTENSION]
