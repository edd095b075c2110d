"""Facet counts kept per index snapshot: bounded, least recently used first out, gone with a commit."""

from __future__ import annotations

from pathlib import Path

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
    assert provider_counts(reader) == provider_counts(reader)  # the second answer is the kept one

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
