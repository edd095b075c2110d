"""Facet values and their labels, shared by every backend.

A backend counts; this module turns the counts into what a learner reads, by the facet table
(``facet_table``): each facet's labeller, its buckets and what it narrows. For example ``subject`` counts
CAH level-1 groups ("computing"); when the subject filter names a CAH level-1 group, ``subject_cah2``
also counts that group's level-2 groups so the learner can narrow down. ``credit`` counts four CATS
buckets, always listed in order (zeros included).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..catalogue.vocab import Vocabularies
from .facet_table import CREDIT, FACET, Facet
from .query import FacetValue, Filters


def facet_values(
    counts: Mapping[str, Mapping[str, int]], vocab: Vocabularies, filters: Filters
) -> dict[str, list[FacetValue]]:
    """Labelled, ordered facet values from raw counts keyed by facet, then by indexed value."""
    return {name: _values(FACET[name], values, vocab, filters) for name, values in counts.items()}


def _values(facet: Facet, counts: Mapping[str, int], vocab: Vocabularies, filters: Filters) -> list[FacetValue]:
    if facet.buckets:
        return [FacetValue(b.value, b.label, int(counts.get(b.value, 0))) for b in facet.buckets]
    items = [
        FacetValue(facet.value(str(key)), facet.label(str(key), vocab), int(count))
        for key, count in counts.items() if count > 0
    ]
    if facet.opened_by is not None:
        parents = facet.opened_by(filters)
        items = [item for item in items if facet.parent(item.value) in parents]
    return sorted(items, key=lambda item: (-item.count, item.value))


def credit_range(bucket: str) -> tuple[float | None, float | None]:
    """The (credit_min, credit_max) filter of a credit bucket (the search page's ``credit``), both inclusive."""
    return CREDIT.bucket(bucket).filter_range
