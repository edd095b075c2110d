"""The embedded search engine: a tantivy index in ``settings.index_dir``.

One writer at a time: every write (harvest upserts, deletes, a rebuild) holds an exclusive ``fcntl`` lock
on ``<index_dir>/.cf-writer.lock`` for the length of one commit, so a second process waits rather than
failing on tantivy's own writer lock. Readers (web workers) never lock: before each search they compare
the index's ``meta.json`` with the one they last loaded (one ``stat``) and reload the searcher when a
commit has landed, so a new commit is visible without a restart.

A rebuild deletes every document and adds the new ones in the same commit: a reader sees the old index
until the commit, then the new one, never a half-built index.

Orders: title and credit sort on one fast field holding the sort value then the id, so ties are broken by
id inside tantivy; soonest start walks groups of equal next-start date, ids ascending in each. Relevance
ties (equal scores) keep tantivy's document order, which is fixed for one index snapshot: pages of one
snapshot never overlap. (Breaking them by id would mean loading every tied document's id, and ties are
common with short titles.)
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
import tantivy

from ..catalogue.vocab import Vocabularies
from .backend import Document, SearchBackend, hit_from_document
from .documents import LEARNER_LED, day_number
from .facets import CREDIT_BUCKETS, cah1_filters, facet_values, provider_facet_key
from .query import FACETS, Filters, ParsedText, SearchQuery, SearchResult, Sort, is_fuzzy
from .text import ANALYZER_NAME, english_analyzer, stem

log = logging.getLogger(__name__)

# Bump when the schema below changes: an index of another version is recreated empty (then reindex).
SCHEMA_VERSION = "1"
VERSION_FILE = "cf-schema-version"
LOCK_FILE = ".cf-writer.lock"

# Free-text fields and their boosts: title over learning outcomes over summary and the rest.
TEXT_FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 3.0),
    ("learning_outcomes", 2.0),
    ("summary", 1.0),
    ("aims", 1.0),
    ("skills", 1.0),
    ("subject_names", 1.0),
    ("provider_name", 1.0),
)
KEYWORD_FIELDS = (
    "provider_id", "provider_facet", "subject_codes", "subject_cah1", "subject_cah2", "framework_level",
    "modes", "schedule_type", "languages", "psrb_bodies",
)
# Facet -> the keyword (or number) field it counts.
FACET_FIELDS = {
    "provider": "provider_facet",
    "subject": "subject_cah1",
    "subject_cah2": "subject_cah2",
    "eqf_level": "eqf_level",
    "mode": "modes",
    "schedule": "schedule_type",
    "language": "languages",
}
FILTER_FIELDS = {
    "provider": "provider_id",
    "subject": "subject_codes",
    "framework_level": "framework_level",
    "mode": "modes",
    "schedule": "schedule_type",
    "language": "languages",
}
FUZZY_WEIGHT = 0.5  # a typo'd match scores below the exact word
DISMAX_TIE = 0.3
TERMS_SIZE = 5000


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, fast=True, tokenizer_name="raw")
    sb.add_bytes_field("source", stored=True)
    for name, _boost in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name=ANALYZER_NAME, index_option="position")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, fast=True, tokenizer_name="raw")
    # Sort keys: the primary value then the id, so tantivy's one-field sort is already tie-broken.
    sb.add_text_field("title_key", fast=True, tokenizer_name="raw")
    sb.add_text_field("credit_key", fast=True, tokenizer_name="raw")
    sb.add_integer_field("eqf_level", indexed=True, fast=True)
    sb.add_integer_field("starts", indexed=True, fast=True)
    sb.add_float_field("credit_cats", indexed=True, fast=True)
    sb.add_float_field("cost_gbp", indexed=True, fast=True)
    sb.add_boolean_field("has_psrb", indexed=True)
    return sb.build()


def credit_key(document: Document) -> str:
    credit = document.get("credit_cats")
    # Fixed-width digits sort as numbers; "~" sorts after every digit, so no credit comes last.
    prefix = "~" if credit is None else f"{credit:013.3f}"
    return f"{prefix}\x00{document['id']}"


def tantivy_fields(document: Document) -> dict[str, Any]:
    """The values tantivy indexes for one search document."""
    fields: dict[str, Any] = {
        "id": document["id"],
        "source": orjson.dumps(document),
        "title": document["title"],
        "learning_outcomes": document.get("learning_outcomes") or [],
        "summary": document.get("summary") or "",
        "aims": document.get("aims") or "",
        "skills": document.get("skills") or [],
        "subject_names": document.get("subject_names") or [],
        "provider_name": document.get("provider_name") or "",
        "provider_facet": provider_facet_key(document["provider_id"], document["provider_name"]),
        "title_key": f"{document['title_sort']}\x00{document['id']}",
        "credit_key": credit_key(document),
        "starts": [day_number_iso(s) for s in document.get("starts") or []],
        "has_psrb": bool(document.get("psrb_bodies")),
    }
    for name in KEYWORD_FIELDS:
        if name == "provider_facet":
            continue
        value = document.get(name)
        if value is not None and value != []:
            fields[name] = value
    for name, kind in (("eqf_level", int), ("credit_cats", float), ("cost_gbp", float)):
        if document.get(name) is not None:
            fields[name] = kind(document[name])
    return fields


def day_number_iso(text: str) -> int:
    return int(text.replace("-", ""))


class TantivyBackend(SearchBackend):
    def __init__(
        self,
        path: Path,
        vocab: Vocabularies,
        heap_size: int = 256_000_000,
        writer_threads: int = 0,
    ) -> None:
        self.path = Path(path)
        self.vocab = vocab
        self.heap_size = heap_size
        self.writer_threads = writer_threads
        self.schema = build_schema()
        self._index: tantivy.Index | None = None
        self._seen_commit: tuple[int, int] | None = None

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
        self._seen_commit = self._commit_signature()

    def close(self) -> None:
        self._index = None

    @property
    def index(self) -> tantivy.Index:
        if self._index is None:
            self.ensure_index()
        assert self._index is not None
        return self._index

    # -- writing -----------------------------------------------------------------------------------

    def upsert(self, docs: Iterable[Document]) -> int:
        written = 0
        with self._writer() as writer:
            for document in docs:
                writer.delete_documents_by_term("id", document["id"])
                writer.add_document(tantivy.Document.from_dict(tantivy_fields(document), self.schema))
                written += 1
        return written

    def delete(self, ids: Iterable[str]) -> None:
        with self._writer() as writer:
            for course_id in ids:
                writer.delete_documents_by_term("id", course_id)

    def rebuild(self, docs: Iterable[Document]) -> int:
        written = 0
        with self._writer() as writer:
            writer.delete_all_documents()
            for document in docs:
                writer.add_document(tantivy.Document.from_dict(tantivy_fields(document), self.schema))
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
            writer.wait_merging_threads()
        index.reload()
        self._seen_commit = self._commit_signature()

    # -- reading -----------------------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        index = self.index
        signature = self._commit_signature()
        if signature != self._seen_commit:
            index.reload()
            self._seen_commit = signature
        return index.searcher()

    def _commit_signature(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path / "meta.json")
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def count(self) -> int:
        return self._searcher().num_docs

    def search(self, query: SearchQuery) -> SearchResult:
        searcher = self._searcher()
        planner = QueryPlanner(self.schema)
        text = planner.text_query(query.parsed)
        main = planner.combine(text, planner.filter_query(query.filters, query.today))
        total = searcher.search(main, 1, count=True).count
        scored = self._page(searcher, planner, main, text, query)
        hits = [
            hit_from_document(orjson.loads(searcher.doc(address).get_first("source")), score, query)
            for score, address in scored
        ]
        facets = self._facets(searcher, planner, text, query) if query.facets else {}
        return SearchResult(total=total, hits=hits, facets=facets)

    def _page(self, searcher, planner, main, text, query: SearchQuery) -> list[tuple[float | None, Any]]:
        sort = query.effective_sort
        if sort is Sort.RELEVANCE:
            return _relevance_page(searcher, main, query.offset, query.per_page)
        if sort is Sort.SOONEST:
            return _soonest_page(searcher, planner, main, query)
        field = "title_key" if sort is Sort.TITLE else "credit_key"
        result = searcher.search(
            main, query.per_page, count=False, order_by_field=field, offset=query.offset,
            order=tantivy.Order.Asc,
        )
        return [(None, address) for _key, address in result.hits]

    def _facets(self, searcher, planner, text, query: SearchQuery):
        """Exact counts; facets whose filter is unset share one aggregation over the whole query."""
        filters = query.filters
        wanted = list(FACETS) + (["subject_cah2"] if cah1_filters(filters) else [])
        groups: dict[Filters, list[str]] = {}
        for facet in wanted:
            own = "subject" if facet == "subject_cah2" else facet
            key = filters.without(own) if filters.active(own) else filters
            groups.setdefault(key, []).append(facet)
        counts: dict[str, dict[str, int]] = {}
        for group_filters, facets in groups.items():
            q = planner.combine(text, planner.filter_query(group_filters, query.today))
            aggs = {facet: _aggregation(facet) for facet in facets}
            answer = searcher.aggregate(q, aggs)
            for facet in facets:
                counts[facet] = _bucket_counts(facet, answer[facet])
        return facet_values(counts, self.vocab, filters)

    def _clear_directory(self) -> None:
        for entry in self.path.iterdir():
            if entry.name == LOCK_FILE:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def _aggregation(facet: str) -> dict[str, Any]:
    if facet == "credit":
        return {"range": {"field": "credit_cats", "ranges": [_range(low, high) for _, _, low, high in CREDIT_BUCKETS]}}
    return {"terms": {"field": FACET_FIELDS[facet], "size": TERMS_SIZE, "segment_size": TERMS_SIZE}}


def _range(low: float | None, high: float | None) -> dict[str, float]:
    bounds = {}
    if low is not None:
        bounds["from"] = low
    if high is not None:
        bounds["to"] = high
    return bounds


def _bucket_counts(facet: str, answer: dict[str, Any]) -> dict[str, int]:
    buckets = answer.get("buckets", [])
    if facet == "credit":
        return {CREDIT_BUCKETS[i][0]: int(b["doc_count"]) for i, b in enumerate(buckets)}
    return {str(int(b["key"]) if facet == "eqf_level" else b["key"]): int(b["doc_count"]) for b in buckets}


def _relevance_page(searcher, query, offset: int, per_page: int) -> list[tuple[float | None, Any]]:
    """Top hits by score. Equal scores keep tantivy's document order, fixed for one index snapshot, so
    pages of one snapshot never overlap (see the module docstring)."""
    hits = searcher.search(query, per_page, count=False, offset=offset).hits
    return [(float(score), address) for score, address in hits]


def _soonest_page(searcher, planner: QueryPlanner, main, query: SearchQuery):
    """Walk groups of equal next start date in date order (ids ascending within a group)."""
    today = day_number(query.today)
    future = planner.combine(main, planner.starts_range(today, None))
    dates = searcher.aggregate(
        future, {"d": {"terms": {"field": "starts", "order": {"_key": "asc"}, "size": 65000}}}
    )["d"]["buckets"]
    groups = [planner.combine(main, planner.either(planner.learner_led(), planner.starts_range(today, today)))]
    for bucket in dates:
        day = int(bucket["key"])
        if day <= today:
            continue
        groups.append(
            planner.combine(
                main, planner.starts_range(day, day), exclude=[planner.starts_range(today, day - 1)]
            )
        )
    groups.append(
        planner.combine(main, exclude=[planner.learner_led(), planner.starts_range(today, None)])
    )
    start, end = query.offset, query.offset + query.per_page
    seen = 0
    page: list[tuple[float | None, Any]] = []
    for group in groups:
        if seen >= end:
            break
        size = searcher.search(group, 1, count=True).count
        if size and seen + size > start:
            skip = max(0, start - seen)
            take = min(size - skip, end - seen - skip)
            result = searcher.search(
                group, take, count=False, order_by_field="id", offset=skip, order=tantivy.Order.Asc
            )
            page.extend((None, address) for _key, address in result.hits)
        seen += size
    return page


class QueryPlanner:
    """Our query model as tantivy queries. Filters score nothing: only the words rank."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def text_query(self, parsed: ParsedText) -> tantivy.Query | None:
        clauses = []
        for word in parsed.words:
            stemmed = stem(word)
            if stemmed:
                clauses.append(self._word(stemmed, fuzzy=is_fuzzy(word)))
        for phrase in parsed.phrases:
            stems = [s for s in (stem(w) for w in phrase) if s]
            if len(stems) == 1:
                clauses.append(self._word(stems[0], fuzzy=False))
            elif stems:
                clauses.append(self._phrase(stems))
        if not clauses:
            return None
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, c) for c in clauses])

    def _word(self, stemmed: str, fuzzy: bool) -> tantivy.Query:
        per_field = []
        for field, boost in TEXT_FIELDS:
            exact = tantivy.Query.term_query(self.schema, field, stemmed)
            if fuzzy:
                typo = tantivy.Query.const_score_query(
                    tantivy.Query.fuzzy_term_query(self.schema, field, stemmed, distance=1), FUZZY_WEIGHT
                )
                exact = tantivy.Query.boolean_query([(tantivy.Occur.Should, exact), (tantivy.Occur.Should, typo)])
            per_field.append(tantivy.Query.boost_query(exact, boost))
        return tantivy.Query.disjunction_max_query(per_field, tie_breaker=DISMAX_TIE)

    def _phrase(self, stems: list[str]) -> tantivy.Query:
        per_field = [
            tantivy.Query.boost_query(tantivy.Query.phrase_query(self.schema, field, stems), boost)
            for field, boost in TEXT_FIELDS
        ]
        return tantivy.Query.disjunction_max_query(per_field, tie_breaker=DISMAX_TIE)

    def filter_query(self, filters: Filters, today) -> list[tantivy.Query]:
        clauses: list[tantivy.Query] = []
        for name, field in FILTER_FIELDS.items():
            values = getattr(filters, name)
            if values:
                clauses.append(tantivy.Query.term_set_query(self.schema, field, list(values)))
        if filters.eqf_level:
            clauses.append(tantivy.Query.term_set_query(self.schema, "eqf_level", [int(v) for v in filters.eqf_level]))
        if filters.psrb:
            options = []
            if "any" in filters.psrb:
                options.append(tantivy.Query.term_query(self.schema, "has_psrb", True))
            bodies = [b for b in filters.psrb if b != "any"]
            if bodies:
                options.append(tantivy.Query.term_set_query(self.schema, "psrb_bodies", bodies))
            clauses.append(self.either(*options))
        if filters.credit_min is not None or filters.credit_max is not None:
            clauses.append(self._float_range("credit_cats", filters.credit_min, filters.credit_max))
        if filters.cost_max is not None:
            clauses.append(self._float_range("cost_gbp", None, filters.cost_max))
        if filters.starts_after is not None or filters.starts_before is not None:
            after = day_number(filters.starts_after) if filters.starts_after else None
            before = day_number(filters.starts_before) if filters.starts_before else None
            clauses.append(self.either(self.learner_led(), self.starts_range(after, before)))
        return clauses

    def combine(self, main, extra=None, exclude=()) -> tantivy.Query:
        """``main`` (scored) AND every ``extra`` filter AND NOT every ``exclude`` (neither scored)."""
        if isinstance(extra, list):
            filters = extra
        else:
            filters = [extra] if extra is not None else []
        if main is None and not filters and not exclude:
            return tantivy.Query.all_query()
        clauses = []
        clauses.append((tantivy.Occur.Must, main if main is not None else tantivy.Query.all_query()))
        clauses += [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
        clauses += [(tantivy.Occur.MustNot, q) for q in exclude]
        return tantivy.Query.boolean_query(clauses)

    def either(self, *options: tantivy.Query) -> tantivy.Query:
        if len(options) == 1:
            return options[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in options])

    def learner_led(self) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, "schedule_type", LEARNER_LED)

    def starts_range(self, low: int | None, high: int | None) -> tantivy.Query:
        return tantivy.Query.range_query(
            self.schema, "starts", tantivy.FieldType.Integer, lower_bound=low, upper_bound=high
        )

    def _float_range(self, field: str, low: float | None, high: float | None) -> tantivy.Query:
        return tantivy.Query.range_query(
            self.schema, field, tantivy.FieldType.Float,
            lower_bound=None if low is None else float(low),
            upper_bound=None if high is None else float(high),
        )
