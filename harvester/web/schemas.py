"""API schemas of the harvester: run reports, quarantined records and a member's feed settings."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from directory.web.schemas import PageArgs, envelope

from .. import report
from ..models import HarvestRun, QuarantineEntry


class FeedFilterArgs(PageArgs):
    feed = fields.String(metadata={"description": "Only this feed (its id; a member's first feed has the member's id)."})


class PathwayCounts(Schema):
    seen = fields.Integer(metadata={"description": "Pathways in the document."})
    quarantined = fields.Integer(metadata={"description": "Pathways of the document rejected."})


class RunCounts(Schema):
    """seen = new + changed + unchanged + quarantined + marked_withdrawn + qualifications + not_imported
    (harvester.report)."""

    seen = fields.Integer(metadata={"description": "Course records in the document."})
    new = fields.Integer()
    changed = fields.Integer()
    unchanged = fields.Integer()
    withdrawn = fields.Integer(metadata={
        "description": "Active courses this run withdrew (missing from the document or marked withdrawn in "
                       "it); not part of seen."})
    quarantined = fields.Integer(metadata={"description": "Course records quarantined (pathways: see pathways)."})
    marked_withdrawn = fields.Integer(metadata={"description": "Course records that say status withdrawn."})
    qualifications = fields.Integer(metadata={
        "description": "Records describing a whole qualification (not courses): offered to the awards register."})
    not_imported = fields.Integer(metadata={
        "description": "Course records of providers outside the consortium (aggregator feeds): not imported."})
    pathways = fields.Nested(PathwayCounts)


class OutsiderOut(Schema):
    name = fields.String(metadata={"description": "The provider's name as the document gives it."})
    identifiers = fields.List(fields.String(), metadata={"description": "Every identifier the document gave it."})
    courses = fields.Integer(metadata={"description": "Its course records in the document (not imported)."})
    command = fields.String(metadata={"description": "The command that would admit it as a member's alias."})
class ListingWarningOut(Schema):
    field = fields.String(metadata={"description": "The course record field, e.g. learning_outcomes."})
    words = fields.String(metadata={"description": "The field in plain words."})
    count = fields.Integer(metadata={"description": "Listed courses that do not publish it."})
    examples = fields.List(fields.String(), metadata={"description": "Two of their course ids."})
    reason = fields.String()


class UnmappedValueOut(Schema):
    field = fields.String(metadata={"description": "credit.scheme, level, subjects or mode"})
    value = fields.Raw(allow_none=True, metadata={"description": "The feed's value (null: none given)."})
    count = fields.Integer(metadata={"description": "Records carrying it."})
    examples = fields.List(fields.String(), metadata={"description": "Up to two of their course ids."})
    profile_line = fields.String(metadata={"description": "The feeds.toml line that would map it."})


class QualificationFoundOut(Schema):
    id = fields.String(metadata={"description": "The feed's id of the qualification."})
    title = fields.String()
    url = fields.String(allow_none=True)
    level = fields.Dict(allow_none=True, metadata={"description": "{framework, value, source}; source 'award': "
                                                                 "the FHEQ level of the award the title names"})
    credit = fields.Dict(allow_none=True, metadata={"description": "{value, system (null: the feed's own scheme, "
                                                                  "not mapped), scheme}"})
    awarding_body = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "The rule that recognised it."})
    course = fields.String(metadata={"description": "Present when it withdrew (or holds the withdrawal of) a "
                                                    "course the catalogue listed."})


class HarvestRunOut(Schema):
    id = fields.Integer()
    feed = fields.String()
    provider_id = fields.String()
    trigger = fields.String()
    started = fields.String(metadata={'format': 'date-time'})
    finished = fields.String(metadata={'format': 'date-time'})
    outcome = fields.String(metadata={"description": "succeeded, failed or held"})
    http_status = fields.Integer(allow_none=True)
    counts = fields.Nested(RunCounts)
    errors = fields.List(fields.String())
    held_withdrawals = fields.List(fields.String())
    held_elsewhere = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": "Held withdrawals of other members' courses an aggregator feed listed: member -> ids."})
    outsiders = fields.List(fields.Nested(OutsiderOut), metadata={
        "description": "Providers outside the consortium the document listed (aggregator feeds)."})
    withdrawals_confirmed = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "When an administrator confirmed the held withdrawals."})
    withdrawals_rejected = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "When an administrator rejected them (the courses stay listed)."})
    held_run = fields.Integer(allow_none=True, metadata={
        "description": "The held run an unchanged run repeats: confirm or reject that one."})
    completeness = fields.Dict(metadata={"description": "mean score and the least complete records"})
    unmapped = fields.List(fields.Nested(UnmappedValueOut), metadata={
        "description": "Values the run could not map, grouped, with the profile line that would map them."})
    unread = fields.List(fields.String(), metadata={
        "description": "What the feed carries that the directory has no field for (element names)."})
    qualifications = fields.List(fields.Nested(QualificationFoundOut), metadata={
        "description": "Whole qualifications the document lists: neither listed nor quarantined, offered to the "
                       "exchange's awards register for the member to confirm."})
    warnings = fields.List(fields.Nested(ListingWarningOut), metadata={
        "description": "Expected fields (listing policy) the member's listed courses do not publish."})


class QuarantineOut(Schema):
    id = fields.Integer()
    run_id = fields.Integer()
    feed = fields.String()
    provider_id = fields.String()
    record_id = fields.String(allow_none=True)
    field = fields.String()
    reason = fields.String()
    problems = fields.List(fields.Dict())
    excerpt = fields.String()
    created = fields.String(metadata={'format': 'date-time'})


def present_run(run: HarvestRun) -> dict[str, Any]:
    """``HarvestRunOut``: the run report (how its counts add up: ``harvester.report``)."""
    return {
        "id": run.id,
        "feed": run.feed_id,
        "provider_id": run.provider_id,
        "trigger": run.trigger,
        "started": run.started.isoformat(),
        "finished": run.finished.isoformat(),
        "outcome": run.outcome.value,
        "http_status": run.http_status,
        "counts": {
            "seen": run.seen or 0,
            "new": run.new or 0,
            "changed": run.changed or 0,
            "unchanged": run.unchanged or 0,
            "withdrawn": run.withdrawn or 0,
            "quarantined": run.quarantined or 0,
            "marked_withdrawn": run.marked_withdrawn or 0,
            "qualifications": len(run.qualifications or []),
            "not_imported": run.not_imported or 0,
            "pathways": {"seen": run.pathways_seen or 0, "quarantined": run.pathways_quarantined or 0},
        },
        "errors": list(run.errors or []),
        "held_withdrawals": list(run.held_withdrawals or []),
        "held_elsewhere": dict(run.held_elsewhere or {}),
        # Providers outside the consortium (aggregator documents): {"name", "identifiers", "courses", "command"}.
        "outsiders": list(run.outsiders or []),
        "withdrawals_confirmed": run.withdrawals_confirmed.isoformat() if run.withdrawals_confirmed else None,
        "withdrawals_rejected": run.withdrawals_rejected.isoformat() if run.withdrawals_rejected else None,
        "held_run": run.held_run_id,
        "completeness": {"mean": run.completeness_mean, "least_complete": list(run.incomplete or [])},
        # Values no mapping profile maps yet, grouped: {"field", "value", "count", "examples", "profile_line"}.
        "unmapped": list(run.unmapped_values or []),
        # What the adapter read but has no field for (element and attribute names).
        "unread": list(run.unmapped or []),
        # Whole qualifications the feed lists (not courses): offered to the awards register.
        "qualifications": list(run.qualifications or []),
        # Expected fields (listing policy) the member's listed courses do not publish, with counts:
        # {"field", "words", "count", "examples", "reason"}. Listed all the same; shown to the publisher.
        "warnings": list(run.warnings or []),
    }


def present_quarantine(entry: QuarantineEntry) -> dict[str, Any]:
    """``QuarantineOut``."""
    return {
        "id": entry.id,
        "run_id": entry.run_id,
        "feed": entry.feed_id,
        "provider_id": entry.provider_id,
        "record_id": entry.record_id,
        "field": entry.field,
        "reason": entry.reason,
        "problems": entry.problems,
        "excerpt": entry.excerpt,
        "created": entry.created.isoformat() if entry.created else None,
    }


def present_quarantine_record(entry: QuarantineEntry) -> dict[str, Any]:
    """A quarantined record for a reader (the pages, ``harvest report``): ``QuarantineOut`` and the course
    id, its title and each problem's bad value when the stored excerpt shows them."""
    # Entries stored before titles and values were kept: read what the excerpt still shows.
    record = report.record_of(entry.excerpt or "")
    problems = [{**p, "value": p["value"] if "value" in p else report.value_at(record, p.get("field", ""))}
                for p in entry.problems or [{"field": entry.field, "reason": entry.reason}]]
    return {
        **present_quarantine(entry),
        "course_id": entry.record_id,
        "title": entry.title or report.title_of(record, entry.excerpt or ""),
        "value": problems[0]["value"],
        "problems": problems,
    }


HarvestRunPage = envelope(HarvestRunOut, "HarvestRunPage")
QuarantinePage = envelope(QuarantineOut, "QuarantinePage")


class FeedIn(Schema):
    url = fields.String(required=True, allow_none=True, validate=validate.Length(max=2000), metadata={
        "description": "Where the feed is published (https; no private addresses), or null to publish by push."})
    feed = fields.String(validate=validate.Length(max=100), metadata={
        "description": "Which of the member's feeds (its id); needed when the member has several."})


class PushArgs(Schema):
    feed = fields.String(validate=validate.Length(max=100), metadata={
        "description": "Which of the member's feeds (its id). Without it: the member's one feed, or for a push "
                       "its one feed without an address; a member with several must name one."})


class FeedOut(Schema):
    id = fields.String()
    provider_id = fields.String()
    aggregator = fields.Boolean()
    name = fields.String()
    url = fields.String(allow_none=True)
    format = fields.String()
    every_seconds = fields.Integer()
    enabled = fields.Boolean()


def present_feed(feed) -> dict:
    """``FeedOut``."""
    return {"id": feed.id, "provider_id": feed.provider_id, "aggregator": feed.aggregator, "name": feed.name,
            "url": feed.url,
            "format": feed.format, "every_seconds": feed.interval_seconds, "enabled": feed.enabled}
