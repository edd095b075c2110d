"""The embedded search engine: tantivy indices under ``settings.index_dir``.

Each build of the index is a folder of its own, ``<index_dir>/<schema version>-<build id>/``; the file
``<index_dir>/CURRENT`` names the live one (an index kept at the root itself, as before versioned
folders, is live while there is no ``CURRENT``). A rebuild (``begin_rebuild``) fills a new folder while
the live index keeps serving searches and taking writes, then swaps by replacing ``CURRENT``
(``os.replace``, atomic) and deletes the old folder. An index of an older schema is never recreated
empty: it keeps serving, with this schema's queries when it has every field they use and the simple
search of ``_degraded_search`` when not, until its replacement is built (``outdated`` tells the
scheduler's and the demo's start to build it; ``reindex`` does too).

One writer at a time: every write (harvest upserts, deletes, a rebuild's swap) holds an exclusive
``fcntl`` lock on ``<index_dir>/.cf-writer.lock`` for the length of one commit and finds the live folder
under it, so a second process waits rather than failing on tantivy's own writer lock, and no write lands
in a folder that is being swapped out. One rebuild at a time holds ``.cf-rebuild.lock`` (the store's
claim, ``journal``, orders rebuilds across engines). Readers (web workers) never lock: before each search
they compare ``CURRENT`` and the live index's ``meta.json`` with the ones they last loaded (two ``stat``
calls) and reopen or reload when a swap or a commit has landed, so either is visible without a restart.

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
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
import tantivy

from ..catalogue.vocab import Vocabularies
from ..errors import RebuildRunning
from .backend import Document, Rebuild, SearchBackend, hit_from_document
from .facet_cache import FacetCache
from .facets import facet_values
from .query import SearchQuery, SearchResult, Sort
from .tantivy_queries import Counted, FacetRequest, QueryPlanner, field_page, relevance_page, soonest_page
from .tantivy_schema import (
    CATCH_ALL,
    FIELD_NAMES,
    LOCK_FILE,
    POINTER_FILE,
    REBUILD_LOCK_FILE,
    SCHEMA_VERSION,
    VERSION_FILE,
    build_schema,
    tantivy_fields,
)
from .text import ANALYZER_NAME, english_analyzer
from .typos import TypoVariants

log = logging.getLogger(__name__)

BUILD_NAME = re.compile(r"^[0-9A-Za-z.]+-\d{8}T\d{6}Z-[0-9a-f]{8}$")
OWN_FILES = frozenset({LOCK_FILE, REBUILD_LOCK_FILE, POINTER_FILE})
Signature = tuple[int, int, int] | None


@dataclass(frozen=True)
class Live:
    """One build of the index, open: its folder (``""``: the root itself), schema version and query planner.
    ``complete`` when its schema has every field this code's queries use."""

    name: str
    path: Path
    index: tantivy.Index
    version: str | None
    fields: frozenset[str]
    planner: QueryPlanner

    @property
    def complete(self) -> bool:
        return FIELD_NAMES <= self.fields


@dataclass(frozen=True)
class Snapshot:
    """One commit's searcher and what is kept for it: typo variants and facet counts (see the docstring)."""

    live: Live
    searcher: tantivy.Searcher
    typos: TypoVariants
    facets: FacetCache[Counted]

    @classmethod
    def of(cls, live: Live, facet_cache: int) -> Snapshot:
        searcher = live.index.searcher()
        return cls(live, searcher, TypoVariants(lambda term: searcher.doc_freq(CATCH_ALL, term) > 0),
                   FacetCache(facet_cache))


@dataclass(frozen=True)
class _Seen:
    """What a backend last loaded: the pointer's and the live commit's signatures, and the snapshot."""

    pointer: Signature
    live: Live
    commit: Signature
    snapshot: Snapshot | None = None


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
        self.facet_cache = facet_cache
        self._seen: _Seen | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    def ensure_index(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        with self._writer_lock():
            self._reopen(locked=True)

    def outdated(self) -> str | None:
        live = self._snapshot().live
        if live.version != SCHEMA_VERSION:
            return f"the search index was built for index schema {live.version or 'unknown'}, not {SCHEMA_VERSION}"
        return None

    def close(self) -> None:
        self._seen = None

    @property
    def live(self) -> Live:
        """The live build as last loaded (opened on first use)."""
        return self._snapshot().live

    # -- writing -----------------------------------------------------------------------------------

    def upsert(self, docs: Iterable[Document]) -> int:
        written = 0
        with self._writer() as (writer, schema):
            for document in docs:
                writer.delete_documents_by_term("id", document["id"])
                writer.add_document(tantivy.Document.from_dict(tantivy_fields(document), schema))
                written += 1
        return written

    def delete(self, ids: Iterable[str]) -> None:
        with self._writer() as (writer, _schema):
            for course_id in ids:
                writer.delete_documents_by_term("id", course_id)

    def begin_rebuild(self) -> TantivyRebuild:
        self.ensure_index()
        return TantivyRebuild(self)

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
    def _writer(self) -> Iterator[tuple[tantivy.IndexWriter, tantivy.Schema]]:
        with self._writer_lock():
            # The live build is looked up under the lock: a swap (which holds it) cannot move it meanwhile.
            live = self._reopen(locked=True)
            writer = live.index.writer(self.heap_size, self.writer_threads)
            try:
                yield writer, live.index.schema
            except BaseException:
                writer.rollback()
                writer.wait_merging_threads()
                raise
            writer.commit()
            # Waiting for merges leaves fewer segments, and fewer segments search faster.
            writer.wait_merging_threads()
        live.index.reload()
        self._seen = _Seen(self._seen.pointer, live, self._commit_signature(live)) if self._seen else None

    # -- the folders -------------------------------------------------------------------------------

    def _live_name(self) -> str | None:
        """The live build's folder name (``""``: an index at the root), or None when there is no index."""
        try:
            name = (self.path / POINTER_FILE).read_text().strip()
        except FileNotFoundError:
            name = None
        if name and (self.path / name / "meta.json").exists():
            return name
        if (self.path / "meta.json").exists():
            return ""
        return None

    def _create_build(self, name: str) -> tantivy.Index:
        path = self.path / name
        path.mkdir()
        index = tantivy.Index(build_schema(), path=str(path), reuse=False)
        index.register_tokenizer(ANALYZER_NAME, english_analyzer())
        return index

    def _point_to(self, name: str) -> None:
        """Make ``name`` the live build: write the pointer beside, then replace it in one step."""
        temporary = self.path / f".{POINTER_FILE}.{uuid.uuid4().hex}"
        with open(temporary, "w") as handle:
            handle.write(name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path / POINTER_FILE)

    def _remove_build(self, name: str) -> None:
        """Delete a build that is no longer live (a reader still searching it keeps its open files)."""
        if name:
            shutil.rmtree(self.path / name, ignore_errors=True)
            return
        for entry in self.path.iterdir():  # an index kept at the root: its files, not the builds beside it
            if entry.is_file() and entry.name not in OWN_FILES and not entry.name.startswith(f".{POINTER_FILE}."):
                entry.unlink(missing_ok=True)

    def _remove_leftovers(self, keep: set[str]) -> None:
        """Builds of rebuilds that did not finish (a process killed mid-rebuild)."""
        for entry in self.path.iterdir():
            if entry.is_dir() and BUILD_NAME.match(entry.name) and entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)

    def _open(self, name: str) -> Live:
        path = self.path / name if name else self.path
        index = tantivy.Index.open(str(path))
        index.register_tokenizer(ANALYZER_NAME, english_analyzer())
        if name:
            version: str | None = name.split("-", 1)[0]
        else:
            version_file = path / VERSION_FILE
            version = version_file.read_text().strip() if version_file.exists() else None
        meta = orjson.loads((path / "meta.json").read_bytes())
        fields = frozenset(field["name"] for field in meta.get("schema", []))
        live = Live(name, path, index, version, fields, QueryPlanner(index.schema))
        if not live.complete:
            log.warning("search index %s (schema %s) lacks fields %s: searched the simple way until it is rebuilt",
                        path, version, ", ".join(sorted(FIELD_NAMES - fields)))
        return live

    def _reopen(self, locked: bool = False) -> Live:
        """Load the live build as the pointer names it now (the same one when it has not moved);
        ``locked`` when the caller holds the writer lock."""
        pointer = self._pointer_signature()
        name = self._live_name()
        if name is None:  # the folder was emptied under us: start again with an empty index
            if not locked:
                self.ensure_index()
                assert self._seen is not None
                return self._seen.live
            name = _new_build_name()
            self._create_build(name)
            self._point_to(name)
            pointer = self._pointer_signature()
        seen = self._seen
        if seen is not None and seen.live.name == name:
            live = seen.live
        else:
            try:
                live = self._open(name)
            except (ValueError, OSError):
                # Swapped out and deleted between reading the pointer and opening it: the new one is live.
                pointer, name = self._pointer_signature(), self._live_name()
                if name is None:
                    raise
                live = self._open(name)
        if seen is None or live is not seen.live:
            self._seen = _Seen(pointer, live, self._commit_signature(live))
        elif seen.pointer != pointer:
            self._seen = _Seen(pointer, live, seen.commit, seen.snapshot)
        return live

    def _pointer_signature(self) -> Signature:
        return _signature(self.path / POINTER_FILE)

    def _commit_signature(self, live: Live) -> Signature:
        return _signature(live.path / "meta.json")

    # -- reading -----------------------------------------------------------------------------------

    def _snapshot(self) -> Snapshot:
        """The searcher of the live build's latest commit and what is kept for it: one ``stat`` of the
        pointer and one of meta.json per search (about a microsecond each) tell whether another process
        has swapped or committed since."""
        seen = self._seen
        if seen is None or self._pointer_signature() != seen.pointer:
            self._reopen()
            seen = self._seen
        assert seen is not None
        commit = self._commit_signature(seen.live)
        if commit is None:
            # The build was swapped out and deleted between the two looks: load the new one.
            self._reopen()
            seen = self._seen
            assert seen is not None
            commit = self._commit_signature(seen.live)
        if commit != seen.commit or seen.snapshot is None:
            if commit != seen.commit:
                seen.live.index.reload()
            # A search still running on the previous snapshot keeps what it counts with that snapshot.
            seen = self._seen = _Seen(seen.pointer, seen.live, commit, Snapshot.of(seen.live, self.facet_cache))
        assert seen.snapshot is not None
        return seen.snapshot

    def count(self) -> int:
        return self._snapshot().searcher.num_docs

    def search(self, query: SearchQuery) -> SearchResult:
        snapshot = self._snapshot()
        if not snapshot.live.complete:
            return self._degraded_search(snapshot, query)
        searcher, typos = snapshot.searcher, snapshot.typos
        planner = snapshot.live.planner
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
        return SearchResult(total=total, hits=self._hits(searcher, scored, query), facets=facets)

    def _degraded_search(self, snapshot: Snapshot, query: SearchQuery) -> SearchResult:
        """An index of an older schema lacking fields this code's queries use, for the minutes until its
        replacement is live: the words on the text fields it has (no typos), the filters its fields can
        apply, by relevance (document order without words), no facets. Broader than the full search,
        never empty for want of a field."""
        live, searcher = snapshot.live, snapshot.searcher
        planner = live.planner
        text = planner.plain_words(query.parsed, live.fields)
        main = planner.combine(text, planner.filter_query(query.filters, query.today, live.fields))
        result = searcher.search(main, query.per_page, count=True, offset=query.offset)
        scored = [(float(score), address) for score, address in result.hits]
        return SearchResult(total=result.count, hits=self._hits(searcher, scored, query), facets={})

    def _hits(self, searcher, scored, query: SearchQuery) -> list:
        return [
            hit_from_document(orjson.loads(searcher.doc(address).get_first("source")), score, query)
            for score, address in scored
        ]

    def _facet_counts(self, snapshot: Snapshot, text, query: SearchQuery) -> tuple[dict[str, Mapping[str, int]], int]:
        """Exact counts of every facet, and how many courses match: what is not kept from an earlier
        search of this snapshot is counted in one aggregation request, and kept (merged with what was kept)."""
        request = FacetRequest(snapshot.live.planner, query.filters)
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


class TantivyRebuild(Rebuild):
    """A new build folder filled beside the live one; ``swap`` points ``CURRENT`` at it (see the docstring)."""

    def __init__(self, backend: TantivyBackend) -> None:
        self.backend = backend
        self._lock = open(backend.path / REBUILD_LOCK_FILE, "a+")  # noqa: SIM115 (held until swapped or abandoned)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise RebuildRunning(f"a rebuild of the search index in {backend.path} is already running") from None
        self.name = _new_build_name()
        self.swapped = False
        self._writer: tantivy.IndexWriter | None = None
        try:
            backend._remove_leftovers(keep={backend._live_name() or ""})
            self.index = backend._create_build(self.name)
        except BaseException:
            self._unlock()
            raise
        self.schema = self.index.schema

    def add(self, docs: Iterable[Document]) -> int:
        def write(writer: tantivy.IndexWriter) -> int:
            written = 0
            for document in docs:
                writer.add_document(tantivy.Document.from_dict(tantivy_fields(document), self.schema))
                written += 1
            return written

        return self._write(write)

    def upsert(self, docs: Iterable[Document]) -> int:
        def write(writer: tantivy.IndexWriter) -> int:
            written = 0
            for document in docs:
                writer.delete_documents_by_term("id", document["id"])
                writer.add_document(tantivy.Document.from_dict(tantivy_fields(document), self.schema))
                written += 1
            return written

        return self._write(write)

    def delete(self, ids: Iterable[str]) -> None:
        def write(writer: tantivy.IndexWriter) -> int:
            for course_id in ids:
                writer.delete_documents_by_term("id", course_id)
            return 0

        self._write(write)

    def _write(self, write: Callable[[tantivy.IndexWriter], int]) -> int:
        """One commit on the new build (its writer kept open between commits: the rebuild is its only writer)."""
        if self._writer is None:
            self._writer = self.index.writer(self.backend.heap_size, self.backend.writer_threads)
        try:
            written = write(self._writer)
        except BaseException:
            self._writer.rollback()
            raise
        self._writer.commit()
        return written

    def _merged(self) -> None:
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    def swap(self, last: Callable[[], None] | None = None) -> None:
        backend = self.backend
        self._merged()  # the long wait for merges happens before writers are held off
        with backend._writer_lock():
            if last is not None:
                last()
                self._merged()
            previous = backend._live_name()
            backend._point_to(self.name)
            self.swapped = True
        if previous is not None and previous != self.name:
            backend._remove_build(previous)
        backend._reopen()
        self._unlock()

    def abandon(self) -> None:
        if self.swapped:
            return
        if self._writer is not None:
            self._writer.rollback()
            self._merged()
        shutil.rmtree(self.backend.path / self.name, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()


def _new_build_name() -> str:
    return f"{SCHEMA_VERSION}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def _signature(path: Path) -> Signature:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
