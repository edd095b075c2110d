"""Our query model as tantivy queries: the words, the filters, the facet aggregation and the pages.

Everything here builds queries or reads answers for one searcher; ``TantivyBackend.search`` puts them
together (its docstring tells how a search runs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import tantivy

from .documents import LEARNER_LED, day_number
from .facet_table import FACETS, FILTERING, Facet
from .query import Filters, ParsedText, SearchQuery, is_fuzzy
from .tantivy_schema import (
    CATCH_ALL,
    COMBO,
    COMBO_PARTS,
    COMBO_SEP,
    DISMAX_TIE,
    FACET_COLUMNS,
    FUZZY_WEIGHT,
    KEYWORD_FILTERS,
    PHRASE_TITLE_BOOST,
    PHRASE_WEIGHT,
    SET_SEP,
    SET_SOURCES,
    TERMS_SIZE,
    TEXT_FIELDS,
)
from .text import stem

Typos = Callable[[str], "tuple[str, ...] | None"]


# -- facets ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Counted:
    """Facet counts under one set of filters: by facet then value, and how many courses the filters leave."""

    facets: Mapping[str, Mapping[str, int]]
    matched: int


class FacetRequest:
    """What the facets of one query need counted, and how to count what is not known yet.

    A facet ignores its own filter, so a query with active facet filters needs counts under several sets of
    filters: under all of them for the facets whose own filter is unset, and under all but facet X's for
    X. Counts under a set of filters are a pure function of the words, the filters and the index
    snapshot, so the backend keeps them (``Counted``) and a later query needing the same set reuses them:
    ticking a facet on a page already counted costs one narrow count, not a walk over every match.

    The sets still missing are counted in one request: one set by putting its filters in the query (the
    narrowest walk), several by a ``filter`` bucket each under a query holding the words and the filters no
    facet controls.
    """

    def __init__(self, planner: QueryPlanner, filters: Filters) -> None:
        self.planner = planner
        self.filters = filters
        wanted = [facet for facet in FACETS if facet.counted_under(filters)]
        active = [facet.name for facet in FILTERING if filters.active(facet.name)]
        # Filter set -> the facets counted under it.
        self.needs: dict[Filters, list[str]] = {filters: [f.name for f in wanted if f.own not in active]}
        for name in active:
            self.needs[filters.without(name)] = [f.name for f in wanted if f.own == name]

    def count(self, searcher, text, known: Mapping[Filters, Counted], today) -> dict[Filters, Counted]:
        """Counts for every filter set ``known`` does not answer, in one aggregation request."""
        missing = {
            subset: facets for subset, facets in self.needs.items()
            if subset not in known or not set(facets) <= set(known[subset].facets)
        }
        if not missing:
            return {}
        if len(missing) == 1:
            [(subset, facets)] = missing.items()
            answer = searcher.aggregate(self.planner.combine(text, self.planner.filter_query(subset, today)),
                                        _terms(facets))
            return {subset: _counted(facets, answer)}
        names = {f"set{n}": subset for n, subset in enumerate(missing)}
        aggs = {name: _filter_bucket(subset, missing[subset]) for name, subset in names.items()}
        answer = searcher.aggregate(self.planner.combine(text, self.planner.filter_query(_unfaceted(self.filters), today)),
                                    aggs)
        return {subset: _counted(missing[subset], answer[name], answer[name]["doc_count"])
                for name, subset in names.items()}

    def assemble(self, known: Mapping[Filters, Counted]) -> tuple[dict[str, Mapping[str, int]], int]:
        """The query's facet counts (each facet under its own filter set) and its number of matches."""
        counts = {facet: known[subset].facets[facet] for subset, facets in self.needs.items() for facet in facets}
        return counts, known[self.filters].matched


def _unfaceted(filters: Filters) -> Filters:
    """The filters no facet controls."""
    for facet in FILTERING:
        filters = filters.without(facet.name)
    return filters


def _counted(facets: list[str], answer: dict[str, Any], matched: int | None = None) -> Counted:
    if matched is None:
        # Every course has exactly one combination, so their counts add up to the courses counted.
        matched = sum(b["doc_count"] for b in answer[COMBO].get("buckets", []))
    return Counted(_split(facets, answer), int(matched))


def _terms(facets: list[str]) -> dict[str, Any]:
    """Terms aggregations of the columns counting ``facets``, each column once, named by the column.
    ``facet_combo`` is always counted: its counts add up to the documents counted."""
    columns = {FACET_COLUMNS[facet] for facet in facets} | {COMBO}
    return {column: {"terms": {"field": column, "size": TERMS_SIZE, "segment_size": TERMS_SIZE}} for column in columns}


def _filter_bucket(filters: Filters, facets: list[str]) -> dict[str, Any]:
    """A bucket narrowed by the facet filters of ``filters`` (as a query string), counting ``facets``."""
    clauses = [_facet_filter_string(filters, facet) for facet in FILTERING if filters.active(facet.name)]
    conjunction = " AND ".join(f"({c})" for c in clauses) or "*"
    return {"filter": conjunction, "aggs": _terms(facets)}


def _facet_filter_string(filters: Filters, facet: Facet) -> str:
    """A facet's own filter in tantivy's query language (a filter aggregation takes a query string)."""
    field = facet.matches
    if facet.buckets:
        low, high = _bounds(filters, facet)
        if low is not None and high is not None:
            return f"{field}:[{_number(low)} TO {_number(high)}]"
        return f"{field}:>={_number(low)}" if low is not None else f"{field}:<={_number(high)}"
    return " OR ".join(_term_string(field, facet.indexed(value)) for value in getattr(filters, facet.param))


def _bounds(filters: Filters, facet: Facet) -> tuple[float | None, float | None]:
    """A range facet's filter: (minimum, maximum), both inclusive."""
    low, high = facet.filter_fields
    return getattr(filters, low), getattr(filters, high)


def _term_string(field: str, value: Any) -> str:
    return f"{field}:{value}" if isinstance(value, int) else f'{field}:"{_quoted(value)}"'


def _number(value: float | None) -> str:
    return format(float(value or 0), "f")


def _quoted(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"')


def _split(facets: list[str], answer: dict[str, Any]) -> dict[str, dict[str, int]]:
    """The counts of ``facets`` from one level of an aggregation answer (terms buckets by column)."""
    counts: dict[str, dict[str, int]] = {facet: {} for facet in facets}
    combo_parts = [(COMBO_PARTS.index(f), f) for f in facets if FACET_COLUMNS[f] == COMBO]
    for facet in facets:
        column = FACET_COLUMNS[facet]
        if column != COMBO:
            buckets = ((b["key"], b["doc_count"]) for b in answer[column].get("buckets", []))
            _add(counts[facet], buckets, (lambda key: key.split(SET_SEP)) if column in SET_SOURCES else None)
    if combo_parts:
        # Add up by part first (hundreds of combinations, a handful of distinct parts), then split sets.
        rows = [(_combo_parts(b["key"]), b["doc_count"]) for b in answer[COMBO].get("buckets", [])]
        for index, facet in combo_parts:
            totals: dict[str, int] = {}
            get = totals.get
            for parts, count in rows:
                part = parts[index]
                totals[part] = get(part, 0) + count
            # A part holds a set of values (modes, languages) or one value: splitting either is exact.
            _add(counts[facet], totals.items(), lambda key: key.split(SET_SEP))
    return counts


_COMBOS: dict[str, list[str]] = {}  # a combination's parts (an index has hundreds of combinations)


def _combo_parts(key: str) -> list[str]:
    parts = _COMBOS.get(key)
    if parts is None:
        if len(_COMBOS) > 100_000:
            _COMBOS.clear()
        parts = _COMBOS[key] = key.split(COMBO_SEP)
    return parts


def _add(into: dict[str, int], counted: Iterable[tuple[str, int]], split: Callable[[str], list[str]] | None) -> None:
    """Add (key, count) pairs into value counts; ``split`` turns a key holding a set into its values."""
    for key, count in counted:
        for value in split(key) if split else (key,):
            if value:
                into[value] = into.get(value, 0) + int(count)


# -- pages -----------------------------------------------------------------------------------------

Page = list[tuple[float | None, Any]]


def relevance_page(searcher, query, offset: int, per_page: int, count: bool) -> tuple[int | None, Page]:
    """Top hits by score, and the total when ``count``, in one search. Equal scores keep tantivy's document
    order, fixed for one index snapshot, so pages of one snapshot never overlap (see the module docstring)."""
    result = searcher.search(query, per_page, count=count, offset=offset)
    return result.count, [(float(score), address) for score, address in result.hits]


def field_page(searcher, query, search: SearchQuery, field: str, count: bool) -> tuple[int | None, Page]:
    result = searcher.search(
        query, search.per_page, count=count, order_by_field=field, offset=search.offset, order=tantivy.Order.Asc
    )
    return result.count, [(None, address) for _key, address in result.hits]


def soonest_page(searcher, planner: QueryPlanner, main, query: SearchQuery) -> tuple[int | None, Page]:
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

    def filter_query(self, filters: Filters, today, fields: frozenset[str] | None = None) -> list[tantivy.Query]:
        """The filters as clauses; with ``fields`` (an index of an older schema), only those its fields can
        apply (``TantivyBackend._degraded_search``)."""
        def has(*names: str) -> bool:
            return fields is None or all(name in fields for name in names)

        clauses: list[tantivy.Query] = []
        for facet in FILTERING:
            if filters.active(facet.name) and has(facet.matches):
                clauses.append(self._facet_filter(filters, facet))
        for name, field in KEYWORD_FILTERS.items():
            values = getattr(filters, name)
            if values and has(field):
                clauses.append(tantivy.Query.term_set_query(self.schema, field, list(values)))
        if filters.psrb and has("has_psrb", "psrb_bodies"):
            options = []
            if "any" in filters.psrb:
                options.append(tantivy.Query.term_query(self.schema, "has_psrb", True))
            bodies = [b for b in filters.psrb if b != "any"]
            if bodies:
                options.append(tantivy.Query.term_set_query(self.schema, "psrb_bodies", bodies))
            clauses.append(self.either(*options))
        if filters.complete and has("complete"):
            clauses.append(tantivy.Query.term_query(self.schema, "complete", True))
        if filters.cost_max is not None and has("cost_gbp"):
            clauses.append(self._float_range("cost_gbp", None, filters.cost_max))
        if (filters.starts_after is not None or filters.starts_before is not None) and has("schedule_type", "starts"):
            after = day_number(filters.starts_after) if filters.starts_after else None
            before = day_number(filters.starts_before) if filters.starts_before else None
            clauses.append(self.either(self.learner_led(), self.starts_range(after, before)))
        return clauses

    def _facet_filter(self, filters: Filters, facet: Facet) -> tantivy.Query:
        """A facet's own filter: a range of a number facet, or any of the values of the others."""
        if facet.buckets:
            return self._float_range(facet.matches, *_bounds(filters, facet))
        values = [facet.indexed(value) for value in getattr(filters, facet.param)]
        return tantivy.Query.term_set_query(self.schema, facet.matches, values)

    def plain_words(self, parsed: ParsedText, fields: frozenset[str]) -> tantivy.Query | None:
        """Every word (a phrase's words too) in one of the text fields an index of an older schema has,
        scored by their boosts; None (every course) when it has none of them."""
        present = [(field, boost) for field, boost in TEXT_FIELDS if field in fields]
        if not present:
            return None
        words = [*parsed.words, *(word for phrase in parsed.phrases for word in phrase)]
        clauses = [
            tantivy.Query.disjunction_max_query([
                tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, field, stemmed), boost)
                for field, boost in present
            ])
            for stemmed in dict.fromkeys(s for s in (stem(word) for word in words) if s)
        ]
        return _all_of(clauses)

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
