"""The embedded search engine: a tantivy index in ``settings.index_dir``.

One writer at a time: every write (harvest upserts, deletes, a rebuild) holds an exclusive ``fcntl`` lock
on ``<index_dir>/.cf-writer.lock`` for the length of one commit, so a second process waits rather than
failing on tantivy's own writer lock. Readers (web workers) never lock: before each search they compare
the index's ``meta.json`` with the one they last loaded (one ``stat``) and reload the searcher when a
commit has landed, so a new commit is visible without a restart.

A rebuild deletes every document and adds the new ones in the same commit: a reader sees the old index
until the commit, then the new one, never a half-built index.

How a search runs (two passes over the index for most queries):

* Matching uses ``all_text``, one catch-all field holding every value of the seven text fields (each
  value separate, so a phrase never spans two values, exactly as in the per-field fields). One term (or
  its typo variants) on it replaces seven, and filters, facets, counts and the non-relevance sorts need
  no score.
* Typos: the indexed words one edit from a query word are looked up in the term dictionary once per word
  and commit (``typos.TypoVariants``) and matched as plain terms; a word with none (most words) is one
  term, far cheaper than a fuzzy automaton that marks every document of the word before scoring one.
* Relevance scores each word on the per-field fields with their boosts; when the word has typo variants
  in the index, the word or any variant adds a constant (from ``all_text``, so typo'd matches are not
  ranked by field, and rank below real ones). A phrase scores on ``all_text`` plus a
  title bonus. Hits and the total come from one search.
* Facets come from one aggregation request, counting terms of three single-valued columns: the provider,
  the document's set of CAH groups, and ``facet_combo``, which holds the document's level, schedule,
  credit bucket, set of modes and set of languages in one value. Counting one column costs about as much
  as walking the matches once, so one column for five facets costs a fifth; the few distinct
  combinations (hundreds) are split into the five facets' counts afterwards, exactly, because each
  document has exactly one combination. A facet ignores its own filter, so counts are made under one set
  of filters per active facet filter besides the query's own (``tantivy_queries.FacetRequest``).

Each commit's searcher comes with what is kept for it (``Snapshot``): the typo variants looked up and the
facet counts of recent searches by words and filter set (``facet_cache``), so turning a page or changing
the order costs one search for the page, and ticking a facet counts only the filter set not seen yet.

Orders: title and credit sort on one fast field holding the sort value then the id, so ties are broken by
id inside tantivy; soonest start takes learner-led courses and those starting today first (one search,
usually the whole page), then walks groups of equal next-start date, ids ascending in each. Relevance
ties (equal scores) keep tantivy's document order, which is fixed for one index snapshot: pages of one
snapshot never overlap.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson
import tantivy

from ..catalogue.vocab import Vocabularies
from .backend import Document, SearchBackend, hit_from_document
from .facet_cache import FacetCache
from .facets import facet_values
from .query import SearchQuery, SearchResult, Sort
from .tantivy_queries import Counted, FacetRequest, QueryPlanner, field_page, relevance_page, soonest_page
from .tantivy_schema import CATCH_ALL, LOCK_FILE, SCHEMA_VERSION, VERSION_FILE, build_schema, tantivy_fields
from .text import ANALYZER_NAME, english_analyzer
from .typos import TypoVariants

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """One commit's searcher and what is kept for it: typo variants and facet counts (see the docstring)."""

    searcher: tantivy.Searcher
    typos: TypoVariants
    facets: FacetCache[Counted]

    @classmethod
    def of(cls, searcher: tantivy.Searcher, facet_cache: int) -> Snapshot:
        return cls(searcher, TypoVariants(lambda term: searcher.doc_freq(CATCH_ALL, term) > 0), FacetCache(facet_cache))


class TantivyBackend(SearchBackend):
    def __init__(
        self,
        path: Path,
        vocab: Vocabularies,
        heap_size: int = 256_000_000,
        writer_threads: int = 0,
        facet_cache: int = 1024,
    ) -> None:
        self.path = Path(path)
        self.vocab = vocab
        self.heap_size = heap_size
        self.writer_threads = writer_threads
        self.schema = build_schema()
        self.planner = QueryPlanner(self.schema)
        self._index: tantivy.Index | None = None
        self._seen_commit: tuple[int, int] | None = None
        self.facet_cache = facet_cache
        self._current: Snapshot | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    def ensure_index(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        version_file = self.path / VERSION_FILE
        with self._writer_lock():
            current = version_file.read_text().strip() if version_file.exists() else None
            if tantivy.Index.exists(str(self.path)) and current == SCHEMA_VERSION:
                index = tantivy.Index.open(str(self.path))
            else:
                if current is not None or tantivy.Index.exists(str(self.path)):
                    log.warning("search index %s has schema %s, not %s: recreating it empty (reindex)",
                                self.path, current, SCHEMA_VERSION)
                    self._clear_directory()
                index = tantivy.Index(self.schema, path=str(self.path), reuse=False)
                version_file.write_text(SCHEMA_VERSION)
        index.register_tokenizer(ANALYZER_NAME, english_analyzer())
        self._index = index
        self._loaded(self._commit_signature())

    def close(self) -> None:
        self._index = None
        self._current = None

    @property
    def index(self) -> tantivy.Index:
        if self._index is None:
            self.ensure_index()
        assert self._index is not None
        return self._index

    # -- writing -----------------------------------------------------------------------------------

    def upsert(self, docs: Iterable[Document]) -> int:
        written = 0
        schema = self.schema
        with self._writer() as writer:
            for document in docs:
                writer.delete_documents_by_term("id", document["id"])
                writer.add_document(tantivy.Document.from_dict(tantivy_fields(document), schema))
                written += 1
        return written

    def delete(self, ids: Iterable[str]) -> None:
        with self._writer() as writer:
            for course_id in ids:
                writer.delete_documents_by_term("id", course_id)

    def rebuild(self, docs: Iterable[Document]) -> int:
        written = 0
        schema = self.schema
        with self._writer() as writer:
            writer.delete_all_documents()
            for document in docs:
                writer.add_document(tantivy.Document.from_dict(tantivy_fields(document), schema))
                written += 1
        return written

    @contextlib.contextmanager
    def _writer_lock(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / LOCK_FILE, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _writer(self) -> Iterator[tantivy.IndexWriter]:
        index = self.index
        with self._writer_lock():
            writer = index.writer(self.heap_size, self.writer_threads)
            try:
                yield writer
            except BaseException:
                writer.rollback()
                writer.wait_merging_threads()
                raise
            writer.commit()
            # Waiting for merges leaves fewer segments, and fewer segments search faster.
            writer.wait_merging_threads()
        index.reload()
        self._loaded(self._commit_signature())

    # -- reading -----------------------------------------------------------------------------------

    def _snapshot(self) -> Snapshot:
        """The searcher of the latest commit and what is kept for it: one ``stat`` of meta.json per search
        (about a microsecond) tells whether another process has committed since."""
        index = self.index
        signature = self._commit_signature()
        if signature != self._seen_commit:
            index.reload()
            self._loaded(signature)
        current = self._current
        if current is None:
            current = self._current = Snapshot.of(index.searcher(), self.facet_cache)
        return current

    def _loaded(self, signature: tuple[int, int] | None) -> None:
        """A new commit is loaded: forget the searcher and whatever was computed from it (a search still
        running on the old snapshot keeps what it counts with that snapshot, never with the new one)."""
        self._seen_commit = signature
        self._current = None

    def _commit_signature(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path / "meta.json")
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def count(self) -> int:
        return self._snapshot().searcher.num_docs

    def search(self, query: SearchQuery) -> SearchResult:
        snapshot = self._snapshot()
        searcher, typos = snapshot.searcher, snapshot.typos
        planner = self.planner
        parsed = query.parsed
        text = planner.match_query(parsed, typos)
        filters = planner.filter_query(query.filters, query.today)
        main = planner.combine(text, filters)
        sort = query.effective_sort
        # With facets the aggregation counts the matches: the page's search need not count them again.
        count = not query.facets
        if sort is Sort.RELEVANCE:
            ranked = planner.combine(planner.scored_query(parsed, typos), filters)
            total, scored = relevance_page(searcher, ranked, query.offset, query.per_page, count)
        elif sort is Sort.SOONEST:
            total, scored = soonest_page(searcher, planner, main, query)
        else:
            field = "title_key" if sort is Sort.TITLE else "credit_key"
            total, scored = field_page(searcher, main, query, field, count)
        facets: dict = {}
        if query.facets:
            counts, matched = self._facet_counts(snapshot, text, query)
            facets = facet_values(counts, self.vocab, query.filters)
            total = matched if total is None else total
        if total is None:
            total = searcher.search(main, 1, count=True).count
        hits = [
            hit_from_document(orjson.loads(searcher.doc(address).get_first("source")), score, query)
            for score, address in scored
        ]
        return SearchResult(total=total, hits=hits, facets=facets)

    def _facet_counts(self, snapshot: Snapshot, text, query: SearchQuery) -> tuple[dict[str, Mapping[str, int]], int]:
        """Exact counts of every facet, and how many courses match: what is not kept from an earlier
        search of this snapshot is counted in one aggregation request, and kept (merged with what was kept)."""
        request = FacetRequest(self.planner, query.filters)
        kept = snapshot.facets
        known = {}
        for subset in request.needs:
            counted = kept.get((query.parsed, subset, query.today))
            if counted is not None:
                known[subset] = counted
        for subset, counted in request.count(snapshot.searcher, text, known, query.today).items():
            if subset in known:
                counted = Counted({**known[subset].facets, **counted.facets}, counted.matched)
            known[subset] = counted
            kept.put((query.parsed, subset, query.today), counted)
        return request.assemble(known)

    def _clear_directory(self) -> None:
        for entry in self.path.iterdir():
            if entry.name == LOCK_FILE:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
