"""API schemas of the harvester: run reports, quarantined records and a member's feed settings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from directory.web.schemas import PageArgs, envelope


class FeedFilterArgs(PageArgs):
    feed = fields.String(metadata={"description": "Only this feed (its id, the provider id)."})


class RunCounts(Schema):
    seen = fields.Integer()
    new = fields.Integer()
    changed = fields.Integer()
    unchanged = fields.Integer()
    withdrawn = fields.Integer()
    quarantined = fields.Integer()


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
    completeness = fields.Dict(metadata={"description": "mean score and the least complete records"})
    unmapped = fields.List(fields.String())


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


HarvestRunPage = envelope(HarvestRunOut, "HarvestRunPage")
QuarantinePage = envelope(QuarantineOut, "QuarantinePage")


class FeedIn(Schema):
    url = fields.String(required=True, allow_none=True, validate=validate.Length(max=2000), metadata={
        "description": "Where the feed is published (https; no private addresses), or null to publish by push."})


class FeedOut(Schema):
    id = fields.String()
    provider_id = fields.String()
    name = fields.String()
    url = fields.String(allow_none=True)
    format = fields.String()
    every_seconds = fields.Integer()
    enabled = fields.Boolean()


def feed_as_dict(feed) -> dict:
    return {"id": feed.id, "provider_id": feed.provider_id, "name": feed.name, "url": feed.url,
            "format": feed.format, "every_seconds": feed.interval_seconds, "enabled": feed.enabled}
