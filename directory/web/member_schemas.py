"""API schemas of member publishing: a member's feed settings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


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
