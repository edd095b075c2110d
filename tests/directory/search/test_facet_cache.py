"""Facet counts kept per index snapshot: bounded, least recently used first out, gone with a commit."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from directory.catalogue.vocab import vocabularies
from directory.search.documents import course_document
from directory.search.facet_cache import FacetCache
from directory.search.query import Filters, SearchQuery
from directory.search.tantivy_backend import TantivyBackend
from tests.directory.search.catalogue_fixture import TODAY, content, documents

VOCAB = vocabularies(Path(__file__).resolve().parents[3] / "config" / "vocab")


def test_the_least_recently_used_entry_goes_first():
    cache: FacetCache[str] = FacetCache(2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"
    cache.put("c", "C")
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == ("A", "C")


def test_size_zero_keeps_nothing():
    cache: FacetCache[str] = FacetCache(0)
    cache.put("a", "A")
    assert cache.get("a") is None and len(cache) == 0


def provider_counts(backend, text=""):
    result = backend.search(SearchQuery(text, Filters(), today=TODAY))
    return {v.value: v.count for v in result.facets["provider"]}, result.total


def test_counts_follow_a_commit_by_this_backend_or_another_process(tmp_path):
    writer = TantivyBackend(tmp_path / "index", VOCAB, heap_size=50_000_000, writer_threads=1)
    writer.ensure_index()
    docs = documents()
    writer.rebuild(docs)
    reader = TantivyBackend(tmp_path / "index", VOCAB)
    reader.ensure_index()
    before, total = provider_counts(reader, "pottery")
    assert (before, total) == ({}, 0)

    pottery = course_document("University of Aldport", "aldport", "pottery", content("pottery", "Pottery"))
    writer.upsert([pottery])
    assert provider_counts(writer, "pottery") == ({"aldport": 1}, 1)
    assert provider_counts(reader, "pottery") == ({"aldport": 1}, 1)
    everything, total = provider_counts(reader)
    assert total == len(docs) + 1 and sum(everything.values()) == total


def test_a_page_turn_reuses_the_counts_and_still_gets_its_own_hits(tmp_path):
    backend = TantivyBackend(tmp_path / "index", VOCAB, heap_size=50_000_000, writer_threads=1)
    backend.ensure_index()
    backend.rebuild(documents())
    first = backend.search(SearchQuery("", per_page=5, page=1, today=TODAY))
    second = backend.search(SearchQuery("", per_page=5, page=2, today=TODAY))
    assert first.facets == second.facets and first.total == second.total
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


@pytest.mark.parametrize("kept", [1024, 2])  # 2: entries go while others stay, so any mix is missing
def test_counts_pieced_together_from_kept_filter_sets_equal_counts_made_afresh(tmp_path, kept):
    writer = TantivyBackend(tmp_path / "index", VOCAB, heap_size=50_000_000, writer_threads=1)
    writer.ensure_index()
    writer.rebuild(documents())
    keeping = TantivyBackend(tmp_path / "index", VOCAB, facet_cache=kept)
    fresh = TantivyBackend(tmp_path / "index", VOCAB, facet_cache=0)
    rng = random.Random(5)
    choices = {
        "provider": [("aldport",), ("carrow",), ("aldport", "bexley")],
        "mode": [("on-campus",), ("online-asynchronous",)],
        "eqf_level": [(6,), (6, 7)],
        "subject": [("CAH11",), ("CAH17",)],
        "schedule": [("cohort",)],
        "language": [("en",)],
    }
    for _ in range(300):
        filters = {name: rng.choice(values) for name, values in choices.items() if rng.random() < 0.35}
        if rng.random() < 0.3:
            filters["credit_min"], filters["credit_max"] = 11.0, 20.0
        query = SearchQuery(rng.choice(["", "machine learning", "law", "data"]), Filters(**filters), today=TODAY)
        kept, made = keeping.search(query), fresh.search(query)
        assert (kept.total, kept.facets) == (made.total, made.facets), query


def test_a_facet_counted_under_a_filter_set_that_was_let_go_is_counted_again(tmp_path):
    writer = TantivyBackend(tmp_path / "index", VOCAB, heap_size=50_000_000, writer_threads=1)
    writer.ensure_index()
    writer.rebuild(documents())
    keeping = TantivyBackend(tmp_path / "index", VOCAB, facet_cache=3)
    fresh = TantivyBackend(tmp_path / "index", VOCAB, facet_cache=0)
    aldport = Filters(provider=("aldport",))
    # Keeps (aldport) and (); then (aldport, on-campus), (on-campus) and (aldport) again, letting () go.
    for filters in (aldport, Filters(provider=("aldport",), mode=("on-campus",)), aldport):
        query = SearchQuery("", filters, today=TODAY)
        kept, made = keeping.search(query), fresh.search(query)
        assert (kept.total, kept.facets) == (made.total, made.facets)
    assert {v.value: v.count for v in kept.facets["provider"]} == {"aldport": 5, "bexley": 11, "carrow": 9}


def test_counts_a_search_made_on_the_snapshot_before_a_commit_are_not_kept_for_the_next(tmp_path):
    writer = TantivyBackend(tmp_path / "index", VOCAB, heap_size=50_000_000, writer_threads=1)
    writer.ensure_index()
    writer.rebuild(documents())
    reader = TantivyBackend(tmp_path / "index", VOCAB)
    reader.ensure_index()
    before = reader._snapshot()  # a search (in another thread of the worker) begins here...
    writer.upsert([course_document("University of Aldport", "aldport", "pottery", content("pottery", "Pottery"))])
    counts, total = provider_counts(reader)  # ...a newer search sees the commit...
    reader._facet_counts(before, None, SearchQuery("", Filters(), today=TODAY))  # ...the first one finishes
    assert provider_counts(reader) == (counts, total) and total == len(documents()) + 1
