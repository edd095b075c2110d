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
  value separate, so a phrase never spans two values, exactly as in the per-field fields). One fuzzy
  automaton on it replaces seven, and filters, facets, counts and the non-relevance sorts need no score.
* Relevance scores each word on the per-field fields with their boosts; a one-typo match adds a constant
  (from ``all_text``, so typo'd matches are not ranked by field). A phrase scores on ``all_text`` plus a
  title bonus. Hits and the total come from one search.
* Facets come from one aggregation request, counting terms of three single-valued columns: the provider,
  the document's set of CAH groups, and ``facet_combo``, which holds the document's level, schedule,
  credit bucket, set of modes and set of languages in one value. Counting one column costs about as much
  as walking the matches once, so one column for five facets costs a fifth; the few distinct
  combinations (hundreds) are split into the five facets' counts afterwards, exactly, because each
  document has exactly one combination. With no facet filter active the columns are counted at the top
  level (the match count is the sum of the combinations' counts); otherwise a ``filter`` bucket holding
  every active facet filter counts the facets whose own filter is unset (its size is the total), and one
  ``filter`` bucket per active facet filter counts that facet without its own filter.

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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
import tantivy

from ..catalogue.vocab import Vocabularies
from .backend import Document, SearchBackend, hit_from_document
from .documents import LEARNER_LED, day_number
from .facet_cache import FacetCache
from .facets import CREDIT_BUCKETS, cah1_filters, facet_values, provider_facet_key
from .query import FACETS, Filters, ParsedText, SearchQuery, SearchResult, Sort, is_fuzzy
from .text import ANALYZER_NAME, english_analyzer, stem
from .typos import TypoVariants

Typos = Callable[[str], "tuple[str, ...] | None"]

log = logging.getLogger(__name__)

# Bump when the schema below changes: an index of another version is recreated empty (then reindex).
SCHEMA_VERSION = "4"
VERSION_FILE = "cf-schema-version"
LOCK_FILE = ".cf-writer.lock"

# Free text is indexed twice: the title and the learning outcomes on their own (they rank above the
# rest), and every text field in the catch-all ``all_text``, which matches every word and phrase and
# scores the words of the other fields (summary, aims, skills, subject and provider names).
CATCH_ALL = "all_text"
TEXT_FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 3.0),
    ("learning_outcomes", 2.0),
    (CATCH_ALL, 1.0),
)
KEYWORD_FIELDS = (
    "provider_id", "subject_codes", "framework_level", "modes", "schedule_type", "languages", "psrb_bodies",
    "pathways",
)
# Facet -> the single-valued column counting it. Sets of values are joined by SET_SEP; the combination
# column joins its parts (COMBO_PARTS, in order) by COMBO_SEP.
FACET_COLUMNS = {
    "provider": "provider_facet",
    "subject": "subject_cah1_set",
    "subject_cah2": "subject_cah2_set",
    "eqf_level": "facet_combo",
    "schedule": "facet_combo",
    "credit": "facet_combo",
    "mode": "facet_combo",
    "language": "facet_combo",
}
COMBO_PARTS = ("eqf_level", "schedule", "credit", "mode", "language")
COMBO_SETS = frozenset({"mode", "language"})
COMBO_SEP = "\x1d"
SET_SEP = "\x1e"
# Set columns: the document field each is made of.
SET_SOURCES = {
    "subject_cah1_set": "subject_cah1",
    "subject_cah2_set": "subject_cah2",
}
FILTER_FIELDS = {
    "provider": "provider_id",
    "subject": "subject_codes",
    "framework_level": "framework_level",
    "mode": "modes",
    "schedule": "schedule_type",
    "language": "languages",
    "pathway": "pathways",
}
# Facet -> the filter field its own filter sets (as a query string in a filter aggregation).
FACET_FILTER_FIELDS = {
    "provider": "provider_id",
    "subject": "subject_codes",
    "mode": "modes",
    "schedule": "schedule_type",
    "language": "languages",
}
FUZZY_WEIGHT = 0.5  # a typo'd match scores below the exact word
PHRASE_WEIGHT = 1.0
PHRASE_TITLE_BOOST = 2.0
DISMAX_TIE = 0.3
TERMS_SIZE = 60000


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, fast=True, tokenizer_name="raw")
    sb.add_bytes_field("source", stored=True)
    # Phrases match on the catch-all; the title keeps positions too, for its phrase bonus.
    sb.add_text_field("title", tokenizer_name=ANALYZER_NAME, index_option="position")
    sb.add_text_field("learning_outcomes", tokenizer_name=ANALYZER_NAME, index_option="freq")
    sb.add_text_field(CATCH_ALL, tokenizer_name=ANALYZER_NAME, index_option="position")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, fast=name == "schedule_type", tokenizer_name="raw")
    for name in ("provider_facet", *SET_SOURCES, "facet_combo"):
        sb.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    # Sort keys: the primary value then the id, so tantivy's one-field sort is already tie-broken.
    sb.add_text_field("title_key", fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("credit_key", fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("eqf_level", indexed=True, fast=True)
    sb.add_integer_field("starts", indexed=True, fast=True)
    sb.add_float_field("credit_cats", indexed=True, fast=True)
    sb.add_float_field("cost_gbp", indexed=True)
    sb.add_boolean_field("has_psrb", indexed=True)
    return sb.build()


def credit_key(document: Document) -> str:
    credit = document.get("credit_cats")
    # Fixed-width digits sort as numbers; "~" sorts after every digit, so no credit comes last.
    prefix = "~" if credit is None else f"{credit:013.3f}"
    return f"{prefix}\x00{document['id']}"


def facet_combo(document: Document) -> str:
    """The document's level, schedule, credit bucket, modes and languages as one value (COMBO_PARTS)."""
    eqf = document.get("eqf_level")
    parts = (
        "" if eqf is None else str(int(eqf)),
        document.get("schedule_type") or "",
        credit_bucket(document.get("credit_cats")),
        SET_SEP.join(sorted(document.get("modes") or ())),
        SET_SEP.join(sorted(document.get("languages") or ())),
    )
    return COMBO_SEP.join(parts)


def credit_bucket(credit: float | None) -> str:
    """The CREDIT_BUCKETS value a credit falls in ("" for none)."""
    if credit is None:
        return ""
    for value, _label, low, high in CREDIT_BUCKETS:
        if (low is None or credit >= low) and (high is None or credit < high):
            return value
    return ""


def tantivy_fields(document: Document) -> dict[str, Any]:
    """The values tantivy indexes for one search document."""
    get = document.get
    outcomes = get("learning_outcomes") or []
    skills = get("skills") or []
    subject_names = get("subject_names") or []
    summary = get("summary") or ""
    aims = get("aims") or ""
    provider_name = get("provider_name") or ""
    fields: dict[str, Any] = {
        "id": document["id"],
        "source": orjson.dumps(document),
        "title": document["title"],
        "learning_outcomes": outcomes,
        CATCH_ALL: [
            text for text in (document["title"], *outcomes, summary, aims, *skills, *subject_names, provider_name)
            if text
        ],
        "provider_facet": provider_facet_key(document["provider_id"], provider_name),
        "title_key": f"{document['title_sort']}\x00{document['id']}",
        "credit_key": credit_key(document),
        "has_psrb": bool(get("psrb_bodies")),
        "facet_combo": facet_combo(document),
    }
    starts = get("starts")
    if starts:
        fields["starts"] = [int(s.replace("-", "")) for s in starts]
    for name in KEYWORD_FIELDS:
        value = get(name)
        if value is not None and value != []:
            fields[name] = value
    for column, source in SET_SOURCES.items():
        values = get(source)
        if values:
            fields[column] = SET_SEP.join(sorted(values))
    if get("eqf_level") is not None:
        fields["eqf_level"] = int(document["eqf_level"])
    if get("credit_cats") is not None:
        fields["credit_cats"] = float(document["credit_cats"])
    if get("cost_gbp") is not None:
        fields["cost_gbp"] = float(document["cost_gbp"])
    return fields


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
        self._current: tantivy.Searcher | None = None
        # Facet counts and match counts of recent searches, by words and filters (see facet_cache).
        self._facets: FacetCache[tuple[dict[str, dict[str, int]], int]] = FacetCache(facet_cache)
        self._typos: TypoVariants | None = None  # made with each searcher

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

    def _searcher(self) -> tantivy.Searcher:
        """The searcher of the latest commit: one ``stat`` of meta.json per search (about a microsecond)
        tells whether another process has committed since."""
        index = self.index
        signature = self._commit_signature()
        if signature != self._seen_commit:
            index.reload()
            self._loaded(signature)
        if self._current is None:
            searcher = index.searcher()
            self._typos = TypoVariants(lambda term: searcher.doc_freq(CATCH_ALL, term) > 0)
            self._current = searcher
        return self._current

    def _loaded(self, signature: tuple[int, int] | None) -> None:
        """A new commit is loaded: forget the searcher and whatever was computed from it."""
        self._seen_commit = signature
        self._current = None
        self._facets.clear()

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
        planner = self.planner
        parsed = query.parsed
        typos = self._typos
        assert typos is not None
        text = planner.match_query(parsed, typos)
        filters = planner.filter_query(query.filters, query.today)
        main = planner.combine(text, filters)
        sort = query.effective_sort
        # With facets the aggregation counts the matches: the page's search need not count them again.
        count = not query.facets
        if sort is Sort.RELEVANCE:
            ranked = planner.combine(planner.scored_query(parsed, typos), filters)
            total, scored = _relevance_page(searcher, ranked, query.offset, query.per_page, count)
        elif sort is Sort.SOONEST:
            total, scored = _soonest_page(searcher, planner, main, query)
        else:
            field = "title_key" if sort is Sort.TITLE else "credit_key"
            total, scored = _field_page(searcher, main, query, field, count)
        facets: dict = {}
        if query.facets:
            counts, matched = self._facet_counts(searcher, text, query)
            facets = facet_values(counts, self.vocab, query.filters)
            total = matched if total is None else total
        if total is None:
            total = searcher.search(main, 1, count=True).count
        hits = [
            hit_from_document(orjson.loads(searcher.doc(address).get_first("source")), score, query)
            for score, address in scored
        ]
        return SearchResult(total=total, hits=hits, facets=facets)

    def _facet_counts(self, searcher, text, query: SearchQuery) -> tuple[dict[str, dict[str, int]], int]:
        """Exact counts of every facet in one aggregation request, and how many courses match."""
        key = (query.parsed, query.filters, query.today)
        known = self._facets.get(key)
        if known is not None:
            return known
        request = FacetRequest(self.planner, query.filters)
        answer = searcher.aggregate(self.planner.combine(text, request.base_filters(query.today)), request.aggs)
        counted = request.counts(answer)
        self._facets.put(key, counted)
        return counted

    def _clear_directory(self) -> None:
        for entry in self.path.iterdir():
            if entry.name == LOCK_FILE:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()


# -- facets ----------------------------------------------------------------------------------------

class FacetRequest:
    """One aggregation request answering every facet of one query.

    The top-level query holds the words and the filters no facet controls. With no facet filter active,
    the facet columns are counted at the top level. Otherwise bucket ``all`` narrows the query by every
    active facet filter and counts the facets whose own filter is unset (its size is the number of
    matching courses), and bucket ``without:<facet>`` narrows it by the other active facet filters and
    counts that facet (a facet ignores its own filter).
    """

    def __init__(self, planner: QueryPlanner, filters: Filters) -> None:
        self.planner = planner
        self.filters = filters
        wanted = list(FACETS) + (["subject_cah2"] if cah1_filters(filters) else [])
        self.active = [facet for facet in FACETS if filters.active(facet)]
        clauses = {facet: _facet_filter_string(filters, facet) for facet in self.active}
        self.groups: dict[str | None, list[str]] = {}
        if not self.active:
            self.groups[None] = wanted
            self.aggs = _terms(wanted)
            return
        self.groups["all"] = [f for f in wanted if _own(f) not in self.active]
        self.aggs = {"all": _filter_bucket(clauses.values(), self.groups["all"])}
        for facet in self.active:
            own = [f for f in wanted if _own(f) == facet]
            name = f"without:{facet}"
            self.groups[name] = own
            self.aggs[name] = _filter_bucket((c for f, c in clauses.items() if f != facet), own)

    def base_filters(self, today) -> list[tantivy.Query]:
        """The query's filters that no facet controls (the rest are in the filter buckets)."""
        unfaceted = Filters(
            framework_level=self.filters.framework_level,
            psrb=self.filters.psrb,
            starts_after=self.filters.starts_after,
            starts_before=self.filters.starts_before,
            cost_max=self.filters.cost_max,
            pathway=self.filters.pathway,
        )
        return self.planner.filter_query(unfaceted, today)

    def counts(self, answer: dict[str, Any]) -> tuple[dict[str, dict[str, int]], int]:
        """Counts by facet and value, and how many courses match every filter."""
        counts: dict[str, dict[str, int]] = {}
        for name, facets in self.groups.items():
            counts.update(_split(facets, answer if name is None else answer[name]))
        if None in self.groups:
            # Every course has exactly one combination, so their counts add up to the matches.
            matched = sum(b["doc_count"] for b in answer["facet_combo"].get("buckets", []))
        else:
            matched = answer["all"]["doc_count"]
        return counts, int(matched)


def _own(facet: str) -> str:
    """The facet whose filter a facet ignores (subject level 2 ignores the subject filter)."""
    return "subject" if facet == "subject_cah2" else facet


def _terms(facets: list[str]) -> dict[str, Any]:
    """Terms aggregations of the columns counting ``facets``, each column once, named by the column.
    ``facet_combo`` is always counted: its counts add up to the documents counted."""
    columns = {FACET_COLUMNS[facet] for facet in facets} | {"facet_combo"}
    return {column: {"terms": {"field": column, "size": TERMS_SIZE, "segment_size": TERMS_SIZE}} for column in columns}


def _filter_bucket(clauses: Iterable[str], facets: list[str]) -> dict[str, Any]:
    conjunction = " AND ".join(f"({c})" for c in clauses) or "*"
    return {"filter": conjunction, "aggs": _terms(facets)}


def _facet_filter_string(filters: Filters, facet: str) -> str:
    """A facet's own filter in tantivy's query language (a filter aggregation takes a query string)."""
    if facet == "credit":
        low, high = filters.credit_min, filters.credit_max
        if low is not None and high is not None:
            return f"credit_cats:[{_number(low)} TO {_number(high)}]"
        return f"credit_cats:>={_number(low)}" if low is not None else f"credit_cats:<={_number(high)}"
    if facet == "eqf_level":
        return " OR ".join(f"eqf_level:{int(value)}" for value in filters.eqf_level)
    field = FACET_FILTER_FIELDS[facet]
    return " OR ".join(f'{field}:"{_quoted(value)}"' for value in getattr(filters, facet))


def _number(value: float | None) -> str:
    return format(float(value or 0), "f")


def _quoted(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"')


def _split(facets: list[str], answer: dict[str, Any]) -> dict[str, dict[str, int]]:
    """The counts of ``facets`` from one level of an aggregation answer (terms buckets by column)."""
    counts: dict[str, dict[str, int]] = {facet: {} for facet in facets}
    combo_parts = [(COMBO_PARTS.index(f), f) for f in facets if FACET_COLUMNS[f] == "facet_combo"]
    for facet in facets:
        column = FACET_COLUMNS[facet]
        if column != "facet_combo":
            buckets = ((b["key"], b["doc_count"]) for b in answer[column].get("buckets", []))
            _add(counts[facet], buckets, (lambda key: key.split(SET_SEP)) if column in SET_SOURCES else None)
    if combo_parts:
        # Add up by part first (hundreds of combinations, a handful of distinct parts), then split sets.
        by_part: list[dict[str, int]] = [{} for _ in combo_parts]
        for bucket in answer["facet_combo"].get("buckets", []):
            parts = bucket["key"].split(COMBO_SEP)
            count = bucket["doc_count"]
            for totals, (index, _facet) in zip(by_part, combo_parts, strict=True):
                part = parts[index]
                totals[part] = totals.get(part, 0) + count
        for totals, (_index, facet) in zip(by_part, combo_parts, strict=True):
            _add(counts[facet], totals.items(), (lambda key: key.split(SET_SEP)) if facet in COMBO_SETS else None)
    return counts


def _add(into: dict[str, int], counted: Iterable[tuple[str, int]], split: Callable[[str], list[str]] | None) -> None:
    """Add (key, count) pairs into value counts; ``split`` turns a key holding a set into its values."""
    for key, count in counted:
        for value in split(key) if split else (key,):
            if value:
                into[value] = into.get(value, 0) + int(count)


# -- pages -----------------------------------------------------------------------------------------

Page = list[tuple[float | None, Any]]


def _relevance_page(searcher, query, offset: int, per_page: int, count: bool) -> tuple[int | None, Page]:
    """Top hits by score, and the total when ``count``, in one search. Equal scores keep tantivy's document
    order, fixed for one index snapshot, so pages of one snapshot never overlap (see the module docstring)."""
    result = searcher.search(query, per_page, count=count, offset=offset)
    return result.count, [(float(score), address) for score, address in result.hits]


def _field_page(searcher, query, search: SearchQuery, field: str, count: bool) -> tuple[int | None, Page]:
    result = searcher.search(
        query, search.per_page, count=count, order_by_field=field, offset=search.offset, order=tantivy.Order.Asc
    )
    return result.count, [(None, address) for _key, address in result.hits]


def _soonest_page(searcher, planner: QueryPlanner, main, query: SearchQuery) -> tuple[int | None, Page]:
    """Courses starting today (learner-led ones included) by id, then groups of equal next start date in
    date order (ids ascending within a group), then courses with no coming start. The first group is
    usually large enough for the page, so one search answers."""
    today = day_number(query.today)
    start, end = query.offset, query.offset + query.per_page
    now = planner.either(planner.learner_led(), planner.starts_range(today, today))
    seen, page = _take_group(searcher, planner.combine(main, now), start, end, 0)
    if seen >= end:
        return None, page
    later = planner.combine(main, planner.starts_range(today + 1, None), exclude=[now])
    dates = searcher.aggregate(
        later, {"d": {"terms": {"field": "starts", "order": {"_key": "asc"}, "size": TERMS_SIZE}}}
    )["d"]["buckets"]
    for bucket in dates:
        if seen >= end:
            return None, page
        day = int(bucket["key"])
        if day <= today:
            continue
        group = planner.combine(
            main, planner.starts_range(day, day),
            exclude=[planner.learner_led(), planner.starts_range(today, day - 1)],
        )
        seen, found = _take_group(searcher, group, start, end, seen)
        page.extend(found)
    if seen < end:
        never = planner.combine(main, exclude=[planner.learner_led(), planner.starts_range(today, None)])
        seen, found = _take_group(searcher, never, start, end, seen)
        page.extend(found)
    return None, page


def _take_group(searcher, group, start: int, end: int, seen: int) -> tuple[int, Page]:
    """The part of one group (ids ascending) that falls on the page, given ``seen`` courses before it;
    returns the courses seen after it too."""
    skip = max(0, start - seen)
    take = end - max(start, seen)
    result = searcher.search(group, take, count=True, order_by_field="id", offset=skip, order=tantivy.Order.Asc)
    return seen + result.count, [(None, address) for _key, address in result.hits]


# -- queries ---------------------------------------------------------------------------------------

class QueryPlanner:
    """Our query model as tantivy queries. Filters score nothing: only the words rank."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def match_query(self, parsed: ParsedText, typos: Typos) -> tantivy.Query | None:
        """Which courses the words match, unscored: every clause on the catch-all field. ``typos`` gives
        the indexed variants of a word one edit away (None: let tantivy's fuzzy query find them)."""
        clauses = []
        for word in parsed.words:
            stemmed = stem(word)
            if stemmed:
                clauses.append(self._word_match(stemmed, typos(stemmed) if is_fuzzy(word) else ()))
        for phrase in parsed.phrases:
            stems = _phrase_stems(phrase)
            if len(stems) == 1:
                clauses.append(tantivy.Query.term_query(self.schema, CATCH_ALL, stems[0]))
            elif stems:
                clauses.append(tantivy.Query.phrase_query(self.schema, CATCH_ALL, stems))
        return _all_of(clauses)

    def scored_query(self, parsed: ParsedText, typos: Typos) -> tantivy.Query | None:
        """The same courses as ``match_query``, scored: per-field boosts, typos and phrases below exact."""
        clauses = []
        for word in parsed.words:
            stemmed = stem(word)
            if stemmed:
                clauses.append(self._word(stemmed, typos(stemmed) if is_fuzzy(word) else ()))
        for phrase in parsed.phrases:
            stems = _phrase_stems(phrase)
            if len(stems) == 1:
                clauses.append(self._word(stems[0], ()))
            elif stems:
                clauses.append(self._phrase(stems))
        return _all_of(clauses)

    def _word_match(self, stemmed: str, variants: tuple[str, ...] | None) -> tantivy.Query:
        """The word or one of its typo variants in the catch-all field, unscored."""
        if variants is None:
            return tantivy.Query.fuzzy_term_query(self.schema, CATCH_ALL, stemmed, distance=1)
        return self.either(*(tantivy.Query.term_query(self.schema, CATCH_ALL, t) for t in (stemmed, *variants)))

    def _word(self, stemmed: str, variants: tuple[str, ...] | None) -> tantivy.Query:
        """The word scored per field; with typo variants in the index, any of them (the word too) adds a
        constant, so a typo'd match ranks below a real one."""
        exact = tantivy.Query.disjunction_max_query(
            [
                tantivy.Query.boost_query(
                    tantivy.Query.term_query(self.schema, field, stemmed, index_option="freq"), boost
                )
                for field, boost in TEXT_FIELDS
            ],
            tie_breaker=DISMAX_TIE,
        )
        if variants == ():
            # No variant in the index: the constant would be the same for every match, so it is left out.
            return exact
        typo = tantivy.Query.const_score_query(self._word_match(stemmed, variants), FUZZY_WEIGHT)
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, exact), (tantivy.Occur.Should, typo)])

    def _phrase(self, stems: list[str]) -> tantivy.Query:
        """A constant for the phrase anywhere, more in the title. (Scoring the catch-all phrase would
        count every occurrence in every matching course: several times the cost of finding one.)"""
        anywhere = tantivy.Query.const_score_query(
            tantivy.Query.phrase_query(self.schema, CATCH_ALL, stems), PHRASE_WEIGHT
        )
        in_title = tantivy.Query.boost_query(
            tantivy.Query.phrase_query(self.schema, "title", stems), PHRASE_TITLE_BOOST
        )
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, anywhere), (tantivy.Occur.Should, in_title)])

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


def _phrase_stems(phrase: tuple[str, ...]) -> list[str]:
    return [s for s in (stem(w) for w in phrase) if s]


def _all_of(clauses: list[tantivy.Query]) -> tantivy.Query | None:
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, c) for c in clauses])
