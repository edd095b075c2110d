"""The validation phase of a run: every record of a parsed document sorted into new, changed, unchanged,
marked withdrawn, quarantined or a qualification (``sort_document``), by the validator a harvest and a dry
run share (``make_validator``). Reads and writes nothing.

Duplicate course ids are judged here, once for every format: in one member's records of a document the
first record with an id wins, and each later one is quarantined (field ``id``) saying an earlier course
uses it. Adapters leave repeated ids to this rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import orjson
from marshmallow import ValidationError

from directory.catalogue import listing
from directory.catalogue import service as catalogue
from directory.catalogue.completeness import completeness
from directory.catalogue.models import CourseStatus
from directory.catalogue.schema import CourseValidator
from directory.catalogue.vocab import Vocabularies
from directory.errors import PolicyError, ProfileError
from directory.settings import Settings

from . import mapping, qualifications, report
from .environment import Progress
from .formats import FeedDocument, Record, Rejection
from .mapping import MappingProfile
from .models import QuarantineEntry
from .unmapped import UnmappedValues


@dataclass
class Sorting:
    """Every record of one document, sorted into what happens to it."""

    seen: set[str] = field(default_factory=set)
    new: list[catalogue.Content] = field(default_factory=list)
    changed: list[tuple[catalogue.CourseState, catalogue.Content]] = field(default_factory=list)
    rehashed: list[tuple[int, str]] = field(default_factory=list)
    unchanged: int = 0
    marked_withdrawn: list[str] = field(default_factory=list)
    quarantine: list[QuarantineEntry] = field(default_factory=list)
    qualifications: list[qualifications.Qualification] = field(default_factory=list)
    qualification_ids: set[str] = field(default_factory=set)
    count: int = 0
    unmapped: UnmappedValues = field(default_factory=UnmappedValues)
    expected: tuple[str, ...] = ()  # the listing policy's expected fields (the validator's)

    @property
    def listable(self) -> int:
        return len(self.new) + len(self.changed) + self.unchanged


def make_validator(vocab: Vocabularies, settings: Settings, profile: MappingProfile) -> CourseValidator:
    """The validator a harvest and a dry run (harvester.check) both sort with, so they report alike: the
    consortium's listing policy, with the fields the member's profile adds (a member may be stricter, never
    laxer, so the profile's list only ever adds). ProfileError when the profile names a field the course
    record does not have."""
    try:
        extra = listing.check_names(profile.listing_required, "[listing] required")
    except PolicyError as exc:
        raise ProfileError("mapping profile", "listing.required", None, str(exc)) from None
    return CourseValidator(vocab, (*settings.listing_required, *extra), settings.listing_expected)


def sort_document(validator: CourseValidator, document: FeedDocument, *, profile: MappingProfile,
                  salt: bytes = b"", states: dict[str, catalogue.CourseState] | None = None,
                  feed_id: str | None = None, provider_id: str | None = None, provider_name: str = "",
                  progress: Progress | None = None, rival_feeds: frozenset[str] = frozenset()) -> Sorting:
    """Sort every record of a parsed document (the profile applied to each first) into new, changed,
    unchanged, marked withdrawn and quarantined, collecting the values no profile maps. A record of an
    active course another feed of the member (``rival_feeds``) listed last is quarantined, naming that feed:
    the course stays with it. Reads and writes nothing: a harvest stores the result (``_apply``), a dry run
    only reports it (harvester.check)."""
    states = states if states is not None else {}
    sorting = Sorting(expected=validator.expected)

    def quarantine(record_id: str | None, problems: list[tuple[str, str]], excerpt: str,
                   raw: dict | None = None) -> None:
        # The title and the bad values from the record itself: the excerpt is cut at 1000 characters.
        title = raw.get("title") if raw is not None else None
        sorting.quarantine.append(QuarantineEntry(
            feed_id=feed_id, provider_id=provider_id, record_id=record_id,
            title=title[:500] if isinstance(title, str) else None, field=problems[0][0], reason=problems[0][1],
            problems=[{"field": f, "reason": r, **report.bad_value(raw, f)} for f, r in problems],
            excerpt=excerpt[:1000],
        ))

    for item in document.items:
        sorting.count += 1
        if progress is not None and sorting.count % 500 == 0:
            progress(sorting.count, document.total)
        if isinstance(item, Rejection):
            if item.record_id:
                sorting.seen.add(item.record_id)
            quarantine(item.record_id, [(item.field, item.reason)], item.excerpt)
            continue
        if not profile.is_empty:
            item = Record(item.id, mapping.apply(profile, item.raw))
        taken = item.id in sorting.seen or item.id in sorting.qualification_ids
        found = None if taken else qualifications.recognise(item.id, item.raw, profile)
        if found is not None:  # not a course: offered to the awards register, never listed
            sorting.qualifications.append(found)
            sorting.qualification_ids.add(found.id)
        elif item.id in sorting.qualification_ids:
            quarantine(item.id, [("id", "duplicate id in this feed: the first record with it, a qualification, "
                                        "was used")], str(item.raw.get("title") or ""), dict(item.raw))
        else:
            _sort_record(item, sorting, states, validator, salt, quarantine, provider_name, rival_feeds, provider_id)
    if progress is not None:
        progress(sorting.count, document.total)
    return sorting


def _sort_record(item: Record, sorting: Sorting, states, validator: CourseValidator, salt: bytes,
                 quarantine, provider_name: str, rival_feeds: frozenset[str] = frozenset(),
                 provider_id: str | None = None) -> None:
    unusable = None
    try:
        raw_bytes = orjson.dumps(item.raw, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
        excerpt = raw_bytes.decode("utf-8", "replace")
    except TypeError as exc:  # an adapter handed over a value JSON has no form for
        raw_bytes, excerpt, unusable = b"", repr(item.raw), f"not representable as JSON: {exc}"
    if item.id in sorting.seen:
        quarantine(item.id, [("id", f"duplicate course id in this feed: {item.id!r} is used by an earlier course, "
                                    "whose record was used")], excerpt,
                   item.raw if unusable is None else None)
        return
    # Seen even when unusable: a course whose new record is bad keeps its last good version.
    sorting.seen.add(item.id)
    state = states.get(item.id)
    if state is not None and state.feed_id in rival_feeds and state.status is CourseStatus.ACTIVE:
        quarantine(item.id, [("id", f"feed {state.feed_id!r} of this member lists this course already: the course "
                                    f"stays with that feed; list it in one feed only")], excerpt,
                   item.raw if unusable is None else None)
        return
    if unusable is not None:
        quarantine(item.id, [("(record)", unusable)], excerpt)
        return
    if item.raw.get("status") == "withdrawn":
        sorting.marked_withdrawn.append(item.id)
        return
    source_hash = hashlib.sha256(salt + raw_bytes).hexdigest()
    if state is not None and state.source_hash == source_hash and state.status is CourseStatus.ACTIVE:
        sorting.unchanged += 1
        return
    raw = item.raw
    if "awarding_body" in validator.required and raw.get("awarding_body") in (None, {}) and provider_name:
        # The default below applies before a policy requiring an awarding body is checked: the provider is one.
        raw = {**raw, "awarding_body": {"name": provider_name}}
    try:
        record = validator.load(raw, provider_id)  # the member: an exclusion's provider by default
    except ValidationError as exc:
        problems = [(e.field, e.reason) for e in validator.errors(exc)]
        quarantine(item.id, problems or [("(record)", "invalid")], raw_bytes.decode("utf-8", "replace"), item.raw)
        sorting.unmapped.note(item.id, item.raw, problems)
        return
    if record["id"] != item.id:
        record["id"] = item.id
    if record.get("awarding_body") is None:
        # Unless a feed says otherwise, a provider awards its own micro-credentials.
        record["awarding_body"] = {"id": None, "name": provider_name}
    score, missing = completeness(record)  # of the record as stored, default included
    content = catalogue.Content(item.id, source_hash, record, catalogue.content_hash(record), score, missing)
    if state is None:
        sorting.new.append(content)
    elif state.content_hash == content.content_hash and state.status is CourseStatus.ACTIVE:
        sorting.rehashed.append((state.pk, source_hash))
        sorting.unchanged += 1
    else:
        sorting.changed.append((state, content))


def warnings_of(sortings: list[Sorting]) -> list[dict]:
    """A dry run's warnings: the expected fields its listable records do not publish (every record of its
    document is validated), over all the document's members."""
    contents = [c for s in sortings for c in (*s.new, *(content for _, content in s.changed))]
    expected = sortings[0].expected if sortings else ()
    return listing.warnings(((c.course_id, c.missing) for c in contents), expected)
