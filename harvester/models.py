"""What the harvester stores: the feed registry, one report per run, and quarantined records."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, JSONType, UTCDateTime, utcnow


class RunOutcome(enum.Enum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    # Applied everything but the withdrawals, which wait for an administrator (mass-withdrawal guard).
    HELD = "held"


class Feed(Base):
    """One catalogue feed of a member (one per system: a member may have several). A feed answers for the
    courses it listed last (``courses.feed_id``): a course missing from a successful run of this feed is
    withdrawn only when this feed listed it last; the member's other feeds' courses are not touched.

    An aggregator feed (a federation's or an aggregator's document listing several providers) stores each
    provider's courses under the member that owns it; an ordinary feed refuses another member's courses."""

    __tablename__ = "feeds"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    # The member the feed belongs to (for an aggregator: the member that runs it).
    provider_id: Mapped[str] = mapped_column(String(100), index=True)
    aggregator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    format: Mapped[str] = mapped_column(String(30))
    interval_seconds: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    # Hash of the last document applied (with the adapter and rules versions): the same bytes again
    # cannot change anything, so such a run skips parsing and validation.
    body_hash: Mapped[str | None] = mapped_column(String(64))
    # A run holds this lease while it works, so two processes never harvest one feed at once. The run
    # renews it (heartbeat) while it works; a lease past lease_until belongs to a run that stopped without
    # finishing, and the next run records that run as failed (harvester.lease).
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which run holds the lease (host, process, a random part), when it started and what started it.
    lease_holder: Mapped[str | None] = mapped_column(String(200))
    lease_started: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_trigger: Mapped[str | None] = mapped_column(String(20))
    # The feed's mapping profile (harvester.mapping), as its canonical table; None: no profile.
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoredDocument(Base):
    """The last document a run of the feed read, kept so that a changed mapping profile can sort it again
    without fetching it (pipeline.resort). Replaced in the transaction of each run that reads one."""

    __tablename__ = "feed_documents"

    feed_id: Mapped[str] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True)
    format: Mapped[str] = mapped_column(String(30))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    # The adapter, rules and profile it was last sorted under (pipeline._salt): a 304 of a document sorted
    # under another profile sorts it again instead of repeating the last run.
    sorted_with: Mapped[str] = mapped_column(String(200), default="")
    stored: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HarvestRun(Base):
    """The report of one run. Written once, when the run ends, in the same transaction as its changes.

    The counts add up (harvester.report says how): ``seen`` course records = ``new`` + ``changed`` +
    ``unchanged`` + ``quarantined`` + ``marked_withdrawn`` + qualifications (``len(qualifications)``);
    ``withdrawn`` counts catalogue courses this run withdrew (missing from the feed, or marked withdrawn in
    it), apart from that sum; pathways have their own counts."""

    __tablename__ = "harvest_runs"
    __table_args__ = (Index("ix_harvest_runs_feed", "feed_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[str] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    provider_id: Mapped[str] = mapped_column(String(100))
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    started: Mapped[datetime] = mapped_column(UTCDateTime)
    finished: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[RunOutcome] = mapped_column(
        Enum(RunOutcome, name="run_outcome", values_callable=lambda e: [m.value for m in e])
    )
    http_status: Mapped[int | None] = mapped_column(Integer)
    seen: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    # Course records of the document that say ``"status": "withdrawn"``.
    marked_withdrawn: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pathways_seen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pathways_quarantined: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    errors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Course ids whose withdrawal waits for confirmation (outcome HELD), of the feed's member.
    held_withdrawals: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The same for other members' courses an aggregator feed listed: {member id: [course ids]}.
    held_elsewhere: Mapped[dict[str, list[str]]] = mapped_column(JSONType, default=dict, server_default="{}")
    withdrawals_confirmed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When an administrator rejected the held withdrawals: none applied, the courses stay active.
    withdrawals_rejected: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A run that found the document unchanged since a held run (a 304, or the same bytes) repeats that run's
    # outcome as it stands: this is the held run's id. The hold stays the held run's to confirm or reject.
    held_run_id: Mapped[int | None] = mapped_column(Integer)
    completeness_mean: Mapped[float | None] = mapped_column(Float)
    # The least complete records of this run: [{"course_id", "score", "missing": [...]}].
    incomplete: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # What the adapter read but has no field for (element and attribute names): ``unread`` in the report.
    unmapped: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Values the run could not map, grouped (harvester.unmapped): [{"field", "value", "count", "examples",
    # "profile_line"}].
    unmapped_values: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, server_default="[]")
    # Records recognised as whole qualifications (harvester.qualifications), a bucket of ``seen`` (its count
    # is the list's length), and what the run made of each: harvester.qualifications.Qualification.as_dict(),
    # with "course" when it withdrew (or holds the withdrawal of) a course the catalogue listed.
    qualifications: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, server_default="[]")
    # Course records of providers outside the consortium (aggregator documents), not imported: a bucket of
    # ``seen`` beside the others. ``outsiders`` names them: [{"name", "identifiers", "courses", "command"}].
    not_imported: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    outsiders: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, server_default="[]")
    # Expected fields (listing policy) the feed's listed courses do not publish, after this run:
    # [{"field", "words", "count", "examples"}] (report.py's ``warnings``).
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, server_default="[]")


class QuarantineEntry(Base):
    """A record a run could not accept: which, where and why. The latest run's entries are the feed's
    current quarantine."""

    __tablename__ = "quarantine"
    __table_args__ = (Index("ix_quarantine_run", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("harvest_runs.id", ondelete="CASCADE"))
    feed_id: Mapped[str] = mapped_column(String(100))
    provider_id: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[str | None] = mapped_column(String(200))
    # The record's title, when it has one a reader can be shown.
    title: Mapped[str | None] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    # Every problem as {"field", "reason"}, and "value" (the bad value as the record gave it, long values
    # cut short) when the record has a value there.
    problems: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    excerpt: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
