"""API schemas of the harvester: run reports, quarantined records and a member's feed settings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from directory.web.schemas import PageArgs, envelope


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


def feed_as_dict(feed) -> dict:
    return {"id": feed.id, "provider_id": feed.provider_id, "aggregator": feed.aggregator, "name": feed.name,
            "url": feed.url,
            "format": feed.format, "every_seconds": feed.interval_seconds, "enabled": feed.enabled}
