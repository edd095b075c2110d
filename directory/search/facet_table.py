"""The facets: one row per facet, read by the query model, both engines and the search page.

Nothing outside this table branches on a facet's name: what differs between facets is data here (which
filter a facet sets, which document field it counts, how its values read), and the code reading the
table treats every row alike.

Where a new facet goes:

1. A ``Facet`` row in ``FACETS`` below: its ``name`` (the key of ``SearchResult.facets`` and of the
   API's ``facets`` object); the ``param`` its values are passed back as, a field of ``query.Filters``
   (``<param>_min`` and ``<param>_max`` for a range) and a query parameter of ``web.schemas.SearchArgs``,
   which validates it, passed into ``Filters`` by ``web.search_api.search_query``; the document field it
   ``counts`` and the one its filter ``matches``, and how the engines hold a value (``indexed``); its
   ``label`` (value -> words people read); for a number range its ``buckets``; for the search page its
   ``legend`` (and a ``hint``) and its place in ``PAGE_ORDER`` (checkboxes; radio buttons for a range).
2. The document field, made by ``documents.course_document`` (the lead owns it), mapped in
   ``elastic.index_definition`` and indexed by ``tantivy_schema``: a facet of a few values is counted in
   tantivy's combination column (add its field to ``COMBO_PARTS``), one of many values in a column of
   its own (``FACET_COLUMNS``); either way bump ``SCHEMA_VERSION``, so indices are rebuilt.
3. Its description in ``web.schemas.FacetsOut`` (the OpenAPI document).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..catalogue.vocab import EQF_LEVEL_SHORT, Vocabularies


class Filters(Protocol):
    """What a facet reads of ``query.Filters`` (which imports this table, so it is not imported here)."""

    subject: tuple[str, ...]

# Engines count the pair ``provider id + PROVIDER_SEP + provider name``, so a label needs no lookup.
PROVIDER_SEP = "\x1f"


def provider_facet_key(provider_id: str, provider_name: str) -> str:
    return f"{provider_id}{PROVIDER_SEP}{provider_name}"


@dataclass(frozen=True)
class Bucket:
    """One range of a number facet: from ``low`` inclusive to ``high`` exclusive (None: open)."""

    value: str
    label: str
    low: float | None
    high: float | None

    def holds(self, number: float) -> bool:
        return (self.low is None or number >= self.low) and (self.high is None or number < self.high)

    @property
    def filter_range(self) -> tuple[float | None, float | None]:
        """The (minimum, maximum) filter choosing this bucket, both inclusive: whole numbers (CATS from
        ECTS are whole numbers in practice, 2 CATS = 1 ECTS)."""
        return self.low, (self.high - 1 if self.high is not None else None)


@dataclass(frozen=True)
class Facet:
    """One facet. Decisions a caller may rely on:

    * A facet's counts ignore its own filter (``param``), so a learner can widen a choice.
    * A facet with ``buckets`` lists every bucket, in order, zeros included; its filter is a range of
      ``counts`` (the ``<param>_min``/``<param>_max`` fields of ``Filters``). Others list values with at
      least one course, most courses first, then by value.
    * A facet that ``narrows`` another shares that facet's filter, and is counted only when the filter
      names values it narrows (``opened_by``); it lists only the values under them (``parent``).
    """

    name: str
    param: str  # the filter its values go to: a field of query.Filters, a query parameter
    counts: str  # the document field counted (bucketed for a range facet)
    matches: str  # the document field its filter matches
    label: Callable[[str, Vocabularies], str]  # a counted key or a filter value -> words
    value: Callable[[str], str] = str  # a counted key -> the value passed back as the filter
    indexed: Callable[[Any], Any] = str  # a filter value or an engine's key as the field holds it
    buckets: tuple[Bucket, ...] = ()
    narrows: str | None = None
    opened_by: Callable[[Filters], frozenset[str]] | None = None
    parent: Callable[[str], str] = str
    legend: str | None = None  # the search page's group: checkboxes, or radio buttons for buckets
    hint: str | None = None  # a line under the group

    @property
    def own(self) -> str:
        """The facet whose filter this facet ignores (itself, or the facet it narrows)."""
        return self.narrows or self.name

    @property
    def filter_fields(self) -> tuple[str, ...]:
        """The fields of ``query.Filters`` the facet's own filter sets."""
        return (f"{self.param}_min", f"{self.param}_max") if self.buckets else (self.param,)

    def counted_under(self, filters: Filters) -> bool:
        return self.opened_by is None or bool(self.opened_by(filters))

    def bucket(self, value: str) -> Bucket:
        for bucket in self.buckets:
            if bucket.value == value:
                return bucket
        raise ValueError(f"unknown {self.name} bucket {value!r}")

    def bucket_of(self, number: float | None) -> str:
        """The value of the bucket a number falls in ("" for none)."""
        if number is None:
            return ""
        return next((bucket.value for bucket in self.buckets if bucket.holds(number)), "")

    def key(self, raw: Any) -> str:
        """An engine's counted key as text ("7" for the integer level 7)."""
        return str(raw) if self.buckets else str(self.indexed(raw))


# -- labels ---------------------------------------------------------------------------------------

MODE_LABELS = {
    "online-synchronous": "online, live sessions",
    "online-asynchronous": "online, in your own time",
    "on-campus": "on campus",
    "work-based": "work-based",
    "blended": "blended (online and on campus)",
}
SCHEDULE_LABELS = {"cohort": "starts on set dates", "learner-led": "start any time"}
LANGUAGE_LABELS = {
    "en": "English",
    "cy": "Welsh",
    "gd": "Scottish Gaelic",
    "ga": "Irish",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "zh": "Chinese",
    "ar": "Arabic",
}
CREDIT_BUCKETS = (
    Bucket("0-10", "up to 10 credits", None, 11.0),
    Bucket("11-20", "11 to 20 credits", 11.0, 21.0),
    Bucket("21-40", "21 to 40 credits", 21.0, 41.0),
    Bucket("41+", "41 credits or more", 41.0, None),
)


def _provider_id(key: str) -> str:
    return key.partition(PROVIDER_SEP)[0]


def _provider_name(key: str, _vocab: Vocabularies) -> str:
    provider_id, _, name = key.partition(PROVIDER_SEP)
    return name or provider_id


def _subject_name(code: str, vocab: Vocabularies) -> str:
    """A CAH group's name, or a HECoS (or JACS 3) subject's, or the code."""
    subject = vocab.hecos.get(code) or vocab.jacs.get(code.upper())
    return vocab.cah_name(code) or (subject.name if subject else code)


def _words(table: dict[str, str]) -> Callable[[str, Vocabularies], str]:
    return lambda value, _vocab: table.get(value.lower(), value)


def _level_words(value: str, _vocab: Vocabularies) -> str:
    return EQF_LEVEL_SHORT.get(int(value), f"EQF level {value}")


def _credit_words(value: str, _vocab: Vocabularies) -> str:
    return CREDIT.bucket(value).label


def _cah1_groups(filters: Filters) -> frozenset[str]:
    """The CAH level-1 groups the subject filter names (``CAH11``)."""
    return frozenset(code for code in filters.subject if code.startswith("CAH") and "-" not in code)


def _cah1_of(code: str) -> str:
    return code.split("-")[0]


# -- the table ------------------------------------------------------------------------------------

# In the order engines count them and the API lists them.
FACETS: tuple[Facet, ...] = (
    Facet("provider", "provider", counts="provider_facet", matches="provider_id", label=_provider_name,
          value=_provider_id, legend="University"),
    Facet("subject", "subject", counts="subject_cah1", matches="subject_codes", label=_subject_name,
          legend="Subject"),
    Facet("eqf_level", "eqf_level", counts="eqf_level", matches="eqf_level", label=_level_words,
          indexed=int, legend="Level"),
    Facet("mode", "mode", counts="modes", matches="modes", label=_words(MODE_LABELS), legend="How you study"),
    Facet("schedule", "schedule", counts="schedule_type", matches="schedule_type",
          label=_words(SCHEDULE_LABELS), legend="When you start"),
    Facet("credit", "credit", counts="credit_cats", matches="credit_cats", label=_credit_words,
          indexed=float, buckets=CREDIT_BUCKETS, legend="Credit", hint="One UK credit is about 10 hours of study."),
    Facet("language", "language", counts="languages", matches="languages", label=_words(LANGUAGE_LABELS),
          legend="Language of teaching"),
    Facet("subject_cah2", "subject", counts="subject_cah2", matches="subject_codes", label=_subject_name,
          narrows="subject", opened_by=_cah1_groups, parent=_cah1_of, legend="Narrow the subject"),
)
# The search page's groups, in the order a learner narrows down: checkboxes, then the range facets'
# radio buttons.
PAGE_ORDER = ("subject", "subject_cah2", "eqf_level", "mode", "schedule", "provider", "language", "credit")
FACET = {facet.name: facet for facet in FACETS}
CREDIT = FACET["credit"]
# The facets that own a filter (a narrowing facet shares the filter of the facet it narrows).
FILTERING = tuple(facet for facet in FACETS if facet.narrows is None)
