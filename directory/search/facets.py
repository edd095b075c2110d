"""Facet values and their labels, shared by every backend.

A backend counts; this module turns the counts into what a learner reads. Decisions:

* ``subject`` counts CAH level-1 groups ("computing"); when the subject filter names a CAH level-1 group,
  ``subject_cah2`` also counts that group's level-2 groups so the learner can narrow down. Both ignore
  the subject filter.
* ``credit`` counts four CATS buckets, always listed in order (zeros included): "0-10" (under 11),
  "11-20", "21-40", "41+". A bucket's filter is its whole-number range (``credit_range``); CATS from
  ECTS are whole numbers in practice (2 CATS = 1 ECTS).
* Other facets list values with at least one course, most courses first, then by value.
* ``provider`` values are provider ids labelled with the provider's name; engines count the pair
  ``id + PROVIDER_SEP + name`` so no lookup is needed.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..catalogue.vocab import EQF_LEVEL_SHORT, Vocabularies
from .query import FacetValue, Filters

PROVIDER_SEP = "\x1f"

# (value, label, from inclusive, to exclusive) in CATS points.
CREDIT_BUCKETS: tuple[tuple[str, str, float | None, float | None], ...] = (
    ("0-10", "up to 10 credits", None, 11.0),
    ("11-20", "11 to 20 credits", 11.0, 21.0),
    ("21-40", "21 to 40 credits", 21.0, 41.0),
    ("41+", "41 credits or more", 41.0, None),
)

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


def provider_facet_key(provider_id: str, provider_name: str) -> str:
    return f"{provider_id}{PROVIDER_SEP}{provider_name}"


def credit_range(bucket: str) -> tuple[float | None, float | None]:
    """The (credit_min, credit_max) filter of a credit bucket, both inclusive."""
    for value, _label, low, high in CREDIT_BUCKETS:
        if value == bucket:
            return low, (high - 1 if high is not None else None)
    raise ValueError(f"unknown credit bucket {bucket!r}")


def cah1_filters(filters: Filters) -> list[str]:
    """The CAH level-1 groups named by the subject filter (``CAH11``), which open ``subject_cah2``."""
    return [code for code in filters.subject if code.startswith("CAH") and "-" not in code]


def facet_values(
    counts: Mapping[str, Mapping[str, int]], vocab: Vocabularies, filters: Filters
) -> dict[str, list[FacetValue]]:
    """Labelled, ordered facet values from raw counts keyed by facet, then by indexed value."""
    result: dict[str, list[FacetValue]] = {}
    for facet, values in counts.items():
        if facet == "credit":
            result[facet] = [
                FacetValue(value, label, int(values.get(value, 0))) for value, label, _, _ in CREDIT_BUCKETS
            ]
            continue
        items = [
            _labelled(facet, str(value), int(count), vocab) for value, count in values.items() if count > 0
        ]
        if facet == "subject_cah2":
            parents = set(cah1_filters(filters))
            items = [item for item in items if item.value.split("-")[0] in parents]
        result[facet] = sorted(items, key=lambda item: (-item.count, item.value))
    return result


def _labelled(facet: str, value: str, count: int, vocab: Vocabularies) -> FacetValue:
    if facet == "provider":
        provider_id, _, name = value.partition(PROVIDER_SEP)
        return FacetValue(provider_id, name or provider_id, count)
    if facet in ("subject", "subject_cah2"):
        return FacetValue(value, vocab.cah_name(value) or value, count)
    if facet == "eqf_level":
        return FacetValue(value, EQF_LEVEL_SHORT.get(int(value), f"EQF level {value}"), count)
    if facet == "mode":
        return FacetValue(value, MODE_LABELS.get(value, value), count)
    if facet == "schedule":
        return FacetValue(value, SCHEDULE_LABELS.get(value, value), count)
    if facet == "language":
        return FacetValue(value, LANGUAGE_LABELS.get(value, value), count)
    return FacetValue(value, value, count)
