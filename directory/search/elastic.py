"""The scale-out search engine: Elasticsearch 8.x or 9.x through the official client.

Searches and writes go to an alias (``settings.elasticsearch_index``) in front of versioned physical
indices (``<alias>-v<milliseconds>``). A rebuild (``begin_rebuild``) creates a new index behind a second
alias, ``<alias>-next``, fills it with refresh off, refreshes it, then moves the alias with one
``update_aliases`` call (off the old indices and ``-next``, onto the new one: atomic), and only then
deletes the old indices, so searches never see a half-built index. While ``-next`` exists every write goes
to the index behind it first, then to the live one (dual write): a write made at any point of the rebuild
reaches the new index, and the journal replay (``indexer.reindex``) repairs what the bulk load, which
writes documents read before the change, put back over it.

Facets: the free text is the ``query``; every filter sits in ``post_filter`` (it narrows the hits, not the
aggregations), and each facet is a ``filter`` aggregation holding every filter except its own, so a
facet ignores its own filter and a learner can widen a choice. Indices have one shard, so terms counts
are exact. Every sort ends with the ``id`` keyword, so pages are stable.

Writes use ``refresh="wait_for"``: a course is searchable when the call returns, as with tantivy.

A server that cannot be reached, or answers that it cannot search now (429, 502, 503, 504), raises
``SearchUnavailable`` from a search or ``ensure_index`` (the web layer answers 503); a request the server
refuses stays the client's ``ApiError``: a mistake of ours, not an outage.

Query building is pure (``search_body``, ``index_definition``, ``alias_actions``); only the class talks
to the server. The 9.x client announces ``compatible-with=9``, which 8.x servers refuse, so the backend
asks the server its version first and pins the header to the server's major version.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers
from elasticsearch import __versionstr__ as client_version

from ..catalogue.vocab import Vocabularies
from ..errors import SearchUnavailable
from .backend import Document, Rebuild, SearchBackend, batched, hit_from_document
from .documents import LEARNER_LED, day_number
from .facet_table import FACET, FACETS, FILTERING, Facet, provider_facet_key
from .facets import facet_values
from .query import Filters, ParsedText, SearchQuery, SearchResult, Sort, is_fuzzy

ANALYZER = "cf_english"
TEXT_FIELDS = (
    "title^3", "learning_outcomes^2", "summary", "aims", "skills", "subject_names", "provider_name",
)
DISMAX_TIE = 0.3
TERMS_SIZE = 5000
BULK_CHUNK = 1000
# Answers that mean the server is there but cannot search now (overloaded, shards not ready, a proxy's).
UNAVAILABLE_STATUSES = frozenset({429, 502, 503, 504})
# Filters no facet controls that match one keyword field (``facet_table`` names the facets' fields).
TERMS_FILTERS = {
    "framework_level": "framework_level",
    "pathway": "pathways",
}
# Next start on or after params.today (YYYYMMDD); learner-led starts today; none coming sorts last.
SOONEST_SCRIPT = (
    "if (doc['schedule_type'].size() > 0 && doc['schedule_type'].value == 'learner-led') "
    "{ return params.today; } "
    "long best = Long.MAX_VALUE; "
    "for (def d : doc['start_days']) { if (d >= params.today && d < best) { best = d; } } "
    "return best;"
)

_keyword = {"type": "keyword"}
_text = {"type": "text", "analyzer": ANALYZER}


def index_definition() -> dict[str, Any]:
    """Settings and explicit mappings of one physical index."""
    return {
        "settings": {
            "number_of_shards": 1,
            "analysis": {
                "tokenizer": {"cf_words": {"type": "pattern", "pattern": "[^\\p{L}\\p{N}]+"}},
                "filter": {
                    "cf_long": {"type": "length", "max": 40},
                    "cf_stem": {"type": "stemmer", "language": "porter2"},
                },
                "analyzer": {
                    ANALYZER: {
                        "type": "custom",
                        "tokenizer": "cf_words",
                        "filter": ["cf_long", "lowercase", "asciifolding", "cf_stem"],
                    }
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": _keyword,
                "provider_id": _keyword,
                "provider_facet": _keyword,
                "provider_name": _text,
                "course_id": _keyword,
                "title": _text,
                "title_sort": _keyword,
                "url": {"type": "keyword", "index": False, "doc_values": False},
                "summary": _text,
                "aims": _text,
                "learning_outcomes": _text,
                "skills": _text,
                "subject_names": _text,
                "subject_codes": _keyword,
                "subject_cah1": _keyword,
                "subject_cah2": _keyword,
                "credit_cats": {"type": "double"},
                "eqf_level": {"type": "integer"},
                "framework_level": _keyword,
                "modes": _keyword,
                "schedule_type": _keyword,
                "starts": {"type": "date", "format": "strict_date"},
                "start_days": {"type": "long"},
                "languages": _keyword,
                "psrb_bodies": _keyword,
                "has_psrb": {"type": "boolean"},
                "complete": {"type": "boolean"},
                "cost_gbp": {"type": "double"},
                "pathways": _keyword,
                "pathway_roles": _keyword,
                "overlap_count": {"type": "integer", "index": False},
                "card": {"type": "object", "enabled": False},
            },
        },
    }


def es_source(document: Document) -> dict[str, Any]:
    """The indexed source: the search document plus the fields only Elasticsearch needs."""
    return {
        **document,
        "provider_facet": provider_facet_key(document["provider_id"], document["provider_name"]),
        "start_days": [int(s.replace("-", "")) for s in document.get("starts") or []],
        "has_psrb": bool(document.get("psrb_bodies")),
    }


def text_query(parsed: ParsedText) -> dict[str, Any]:
    """Every loose word and every phrase must match some text field; long words forgive one typo."""
    must: list[dict[str, Any]] = []
    for word in parsed.words:
        clause: dict[str, Any] = {
            "query": word, "fields": list(TEXT_FIELDS), "type": "best_fields", "tie_breaker": DISMAX_TIE,
        }
        if is_fuzzy(word):
            clause.update({"fuzziness": 1, "prefix_length": 0, "fuzzy_transpositions": True})
        must.append({"multi_match": clause})
    for phrase in parsed.phrases:
        if len(phrase) == 1:
            must.append({"multi_match": {
                "query": phrase[0], "fields": list(TEXT_FIELDS), "type": "best_fields",
                "tie_breaker": DISMAX_TIE,
            }})
        else:
            must.append({"multi_match": {
                "query": " ".join(phrase), "fields": list(TEXT_FIELDS), "type": "phrase",
                "tie_breaker": DISMAX_TIE,
            }})
    if not must:
        return {"match_all": {}}
    return {"bool": {"must": must}}


def filter_clauses(filters: Filters) -> dict[str, dict[str, Any]]:
    """Each active filter as one clause, keyed by the facet (or filter) it belongs to."""
    clauses: dict[str, dict[str, Any]] = {
        facet.name: _facet_filter(filters, facet) for facet in FILTERING if filters.active(facet.name)
    }
    for name, field in TERMS_FILTERS.items():
        values = getattr(filters, name)
        if values:
            clauses[name] = {"terms": {field: list(values)}}
    if filters.psrb:
        options: list[dict[str, Any]] = []
        if "any" in filters.psrb:
            options.append({"term": {"has_psrb": True}})
        bodies = [b for b in filters.psrb if b != "any"]
        if bodies:
            options.append({"terms": {"psrb_bodies": bodies}})
        clauses["psrb"] = {"bool": {"should": options, "minimum_should_match": 1}}
    if filters.cost_max is not None:
        clauses["cost"] = {"range": {"cost_gbp": {"lte": filters.cost_max}}}
    if filters.complete:
        clauses["complete"] = {"term": {"complete": True}}
    if filters.starts_after is not None or filters.starts_before is not None:
        after = day_number(filters.starts_after) if filters.starts_after else None
        before = day_number(filters.starts_before) if filters.starts_before else None
        clauses["starts"] = {"bool": {"should": [
            {"term": {"schedule_type": LEARNER_LED}},
            {"range": {"start_days": _bounds(after, before)}},
        ], "minimum_should_match": 1}}
    return clauses


def _facet_filter(filters: Filters, facet: Facet) -> dict[str, Any]:
    """A facet's own filter: a range of a number facet, or any of the values of the others."""
    if facet.buckets:
        low, high = (getattr(filters, name) for name in facet.filter_fields)
        return {"range": {facet.matches: _bounds(low, high)}}
    return {"terms": {facet.matches: [facet.indexed(value) for value in getattr(filters, facet.param)]}}


def _bounds(low: Any, high: Any) -> dict[str, Any]:
    bounds = {}
    if low is not None:
        bounds["gte"] = low
    if high is not None:
        bounds["lte"] = high
    return bounds


def facet_aggregations(filters: Filters) -> dict[str, Any]:
    """One filter aggregation per facet: every filter except the facet's own."""
    clauses = filter_clauses(filters)
    aggs: dict[str, Any] = {}
    for facet in FACETS:
        if not facet.counted_under(filters):
            continue
        others = [clause for name, clause in clauses.items() if name != facet.own]
        aggs[facet.name] = {"filter": {"bool": {"filter": others}}, "aggs": {"values": _counting(facet)}}
    return aggs


def _counting(facet: Facet) -> dict[str, Any]:
    """The aggregation counting a facet's values: its buckets' ranges, or the terms of its field."""
    if facet.buckets:
        return {"range": {"field": facet.counts, "ranges": [
            {"key": b.value, **({"from": b.low} if b.low is not None else {}), **({"to": b.high} if b.high is not None else {})}
            for b in facet.buckets
        ]}}
    return {"terms": {"field": facet.counts, "size": TERMS_SIZE}}


def sort_clause(query: SearchQuery) -> list[Any]:
    sort = query.effective_sort
    if sort is Sort.RELEVANCE:
        first: Any = {"_score": {"order": "desc"}}
    elif sort is Sort.TITLE:
        first = {"title_sort": {"order": "asc"}}
    elif sort is Sort.CREDIT:
        first = {"credit_cats": {"order": "asc", "missing": "_last"}}
    else:
        first = {"_script": {
            "type": "number",
            "order": "asc",
            "script": {"lang": "painless", "source": SOONEST_SCRIPT, "params": {"today": day_number(query.today)}},
        }}
    return [first, {"id": {"order": "asc"}}]


def search_body(query: SearchQuery) -> dict[str, Any]:
    """The whole search request (keyword arguments of ``Elasticsearch.search``)."""
    clauses = filter_clauses(query.filters)
    body: dict[str, Any] = {
        "query": text_query(query.parsed),
        "sort": sort_clause(query),
        "from_": query.offset,
        "size": query.per_page,
        "track_total_hits": True,
    }
    if clauses:
        body["post_filter"] = {"bool": {"filter": list(clauses.values())}}
    if query.facets:
        body["aggs"] = facet_aggregations(query.filters)
    return body


def facet_counts(aggregations: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Raw counts (facet -> value -> count) from the response's aggregations."""
    return {
        name: {FACET[name].key(b["key"]): int(b["doc_count"]) for b in answer["values"]["buckets"]}
        for name, answer in aggregations.items()
    }


@contextmanager
def outage_is_unavailable() -> Iterator[None]:
    """Raise the server being down, unreachable or too busy as ``SearchUnavailable``; a request the
    server refuses (a 400, a missing index) stays what it is: our mistake, not an outage."""
    try:
        yield
    except TransportError as exc:  # no connection, a timeout
        raise SearchUnavailable(f"Elasticsearch cannot be reached: {exc}") from exc
    except ApiError as exc:
        if exc.meta.status not in UNAVAILABLE_STATUSES:
            raise
        raise SearchUnavailable(f"Elasticsearch answered {exc.meta.status}: {exc}") from exc


def alias_actions(alias: str, old_indices: Iterable[str], new_index: str) -> list[dict[str, Any]]:
    """One atomic alias move: off every old index, onto the new one, which leaves the building alias."""
    actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old_indices]
    actions.append({"add": {"index": new_index, "alias": alias}})
    actions.append({"remove": {"index": new_index, "alias": building_alias(alias)}})
    return actions


def building_alias(alias: str) -> str:
    """The alias of the index a rebuild is filling: writers write it too while it exists."""
    return f"{alias}-next"


def write_targets(alias: str, building: Iterable[str]) -> list[tuple[str, bool]]:
    """Where one write goes, in order, and whether to wait for its refresh there: the indices being built
    first (unrefreshed: their refresh is off until the swap refreshes them), then the live alias. Written
    in this order, a write that reached the live index before a swap is in the new index too."""
    return [*((name, False) for name in sorted(building)), (alias, True)]


def index_actions(index: str, docs: Iterable[Document]) -> Iterable[dict[str, Any]]:
    return ({"_op_type": "index", "_index": index, "_id": d["id"], "_source": es_source(d)} for d in docs)


def delete_actions(index: str, ids: Iterable[str]) -> list[dict[str, Any]]:
    return [{"_op_type": "delete", "_index": index, "_id": i} for i in ids]


def physical_index_name(alias: str, now: float | None = None) -> str:
    return f"{alias}-v{int((now if now is not None else time.time()) * 1000)}"


class ElasticsearchBackend(SearchBackend):
    def __init__(
        self, url: str, alias: str, vocab: Vocabularies, client: Elasticsearch | None = None,
        refresh: str | bool = "wait_for",
    ) -> None:
        self.alias = alias
        self.vocab = vocab
        self.refresh = refresh
        self.client = client or Elasticsearch(url, request_timeout=30)
        self._compat_checked = False

    # -- lifecycle ---------------------------------------------------------------------------------

    def ensure_index(self) -> None:
        with outage_is_unavailable():
            self._ensure_index()

    def _ensure_index(self) -> None:
        es = self._es()
        if es.indices.exists_alias(name=self.alias):
            # Fields added since the index was made (mappings are strict): adding a field is allowed.
            es.indices.put_mapping(index=self.alias, properties=index_definition()["mappings"]["properties"])
            return
        definition = index_definition()
        es.indices.create(
            index=physical_index_name(self.alias), settings=definition["settings"],
            mappings=definition["mappings"], aliases={self.alias: {}},
        )

    def close(self) -> None:
        self.client.close()

    def _es(self) -> Elasticsearch:
        if not self._compat_checked:
            pin_compatibility(self.client)
            self._compat_checked = True
        return self.client

    # -- writing -----------------------------------------------------------------------------------

    def upsert(self, docs: Iterable[Document]) -> int:
        targets = write_targets(self.alias, self._indices_behind(building_alias(self.alias)))
        if len(targets) == 1:
            written, _errors = helpers.bulk(self._es(), index_actions(self.alias, docs), chunk_size=BULK_CHUNK,
                                            refresh=self.refresh)
            return written
        docs = list(docs)  # written to every target
        for index, wait in targets:
            written, _errors = helpers.bulk(self._es(), index_actions(index, docs), chunk_size=BULK_CHUNK,
                                            refresh=self.refresh if wait else False)
        return written

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for index, wait in write_targets(self.alias, self._indices_behind(building_alias(self.alias))):
            self._delete_from(index, ids, self.refresh if wait else False)

    def _delete_from(self, index: str, ids: list[str], refresh: str | bool) -> None:
        for chunk in batched(ids, BULK_CHUNK):
            _done, errors = helpers.bulk(self._es(), delete_actions(index, chunk), raise_on_error=False,
                                         refresh=refresh)
            failed = [e for e in errors if e.get("delete", {}).get("status") != 404]
            if failed:
                raise SearchUnavailable(f"Elasticsearch refused {len(failed)} deletes, first: {failed[0]}")

    def begin_rebuild(self) -> ElasticRebuild:
        return ElasticRebuild(self)

    def _indices_behind(self, alias: str) -> list[str]:
        try:
            return sorted(self._es().indices.get_alias(name=alias).body.keys())
        except NotFoundError:
            return []

    def _indices_behind_alias(self) -> list[str]:
        return self._indices_behind(self.alias)

    # -- reading -----------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._es().count(index=self.alias)["count"])

    def search(self, query: SearchQuery) -> SearchResult:
        with outage_is_unavailable():
            response = self._es().search(index=self.alias, **search_body(query))
        hits = [
            hit_from_document(
                hit["_source"], hit.get("_score") if query.effective_sort is Sort.RELEVANCE else None, query
            )
            for hit in response["hits"]["hits"]
        ]
        facets = (
            facet_values(facet_counts(response.get("aggregations", {})), self.vocab, query.filters)
            if query.facets else {}
        )
        return SearchResult(total=int(response["hits"]["total"]["value"]), hits=hits, facets=facets)


class ElasticRebuild(Rebuild):
    """A new physical index behind ``<alias>-next``; ``swap`` moves the alias onto it (see the docstring)."""

    def __init__(self, backend: ElasticsearchBackend) -> None:
        self.backend = backend
        es = backend._es()
        alias = backend.alias
        # An index still behind -next belongs to a rebuild that died (the store's claim lets one run).
        live = set(backend._indices_behind_alias())
        for name in backend._indices_behind(building_alias(alias)):
            if name not in live:
                es.indices.delete(index=name, ignore_unavailable=True)
        self.name = physical_index_name(alias)
        definition = index_definition()
        building = {**definition["settings"], "refresh_interval": "-1", "number_of_replicas": 0}
        es.indices.create(index=self.name, settings=building, mappings=definition["mappings"],
                          aliases={building_alias(alias): {}})
        self.swapped = False

    def add(self, docs: Iterable[Document]) -> int:
        return self.upsert(docs)

    def upsert(self, docs: Iterable[Document]) -> int:
        written, _errors = helpers.bulk(self.backend._es(), index_actions(self.name, docs), chunk_size=BULK_CHUNK)
        return written

    def delete(self, ids: Iterable[str]) -> None:
        self.backend._delete_from(self.name, list(ids), False)

    def swap(self, last: Callable[[], None] | None = None) -> None:
        es = self.backend._es()
        es.indices.put_settings(
            index=self.name, settings={"index": {"refresh_interval": None, "number_of_replicas": None}}
        )
        if last is not None:
            last()
        es.indices.refresh(index=self.name)
        old = self.backend._indices_behind_alias()
        es.indices.update_aliases(actions=alias_actions(self.backend.alias, old, self.name))
        self.swapped = True
        for name in old:
            es.indices.delete(index=name, ignore_unavailable=True)

    def abandon(self) -> None:
        if not self.swapped:
            self.backend._es().indices.delete(index=self.name, ignore_unavailable=True)


CLIENT_MAJOR = int(client_version.partition(".")[0])


def pin_compatibility(client: Elasticsearch) -> None:
    """Make a newer client speak to an older server: ask its version, pin ``compatible-with`` to it."""
    transport = client.transport
    response = transport.perform_request("GET", "/", headers={"accept": "application/json"})
    server_major = int(response.body["version"]["number"].partition(".")[0])
    if server_major >= CLIENT_MAJOR:
        return
    current, wanted = f"compatible-with={CLIENT_MAJOR}", f"compatible-with={server_major}"
    perform = transport.perform_request

    def perform_pinned(method: str, target: str, **kwargs: Any):
        headers = kwargs.get("headers")
        if isinstance(headers, Mapping):
            kwargs["headers"] = {
                k: v.replace(current, wanted) if isinstance(v, str) else v for k, v in headers.items()
            }
        return perform(method, target, **kwargs)

    transport.perform_request = perform_pinned  # type: ignore[method-assign]
