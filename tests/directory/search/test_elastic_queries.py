"""The Elasticsearch request bodies, checked without a server (the contract suite checks the answers)."""

from __future__ import annotations

from datetime import date

from directory.search.elastic import (
    alias_actions,
    building_alias,
    es_source,
    facet_aggregations,
    facet_counts,
    filter_clauses,
    index_definition,
    physical_index_name,
    search_body,
    text_query,
    write_targets,
)
from directory.search.query import Filters, SearchQuery, Sort, parse_text
from tests.directory.search.catalogue_fixture import documents

TODAY = date(2026, 1, 10)


def test_long_words_are_fuzzy_short_ones_exact_and_phrases_are_phrases():
    must = text_query(parse_text('machne lab "deep learning"'))["bool"]["must"]
    assert must[0]["multi_match"]["query"] == "machne" and must[0]["multi_match"]["fuzziness"] == 1
    assert must[1]["multi_match"]["query"] == "lab" and "fuzziness" not in must[1]["multi_match"]
    assert must[2]["multi_match"] == {
        "query": "deep learning", "type": "phrase", "tie_breaker": 0.3,
        "fields": ["title^3", "learning_outcomes^2", "summary", "aims", "skills", "subject_names", "provider_name"],
    }


def test_no_words_browse_everything():
    assert text_query(parse_text("the")) == {"match_all": {}}


def test_filters_go_to_post_filter_and_each_facet_drops_only_its_own():
    filters = Filters(provider=("a", "b"), mode=("on-campus",), credit_min=10, cost_max=500)
    body = search_body(SearchQuery("data", filters, today=TODAY))
    assert body["query"]["bool"]["must"][0]["multi_match"]["query"] == "data"
    assert body["post_filter"] == {"bool": {"filter": [
        {"terms": {"provider_id": ["a", "b"]}},
        {"terms": {"modes": ["on-campus"]}},
        {"range": {"credit_cats": {"gte": 10}}},
        {"range": {"cost_gbp": {"lte": 500}}},
    ]}}
    aggs = body["aggs"]
    provider_filter = aggs["provider"]["filter"]["bool"]["filter"]
    assert {"terms": {"provider_id": ["a", "b"]}} not in provider_filter
    assert {"terms": {"modes": ["on-campus"]}} in provider_filter
    assert {"range": {"credit_cats": {"gte": 10}}} not in aggs["credit"]["filter"]["bool"]["filter"]
    assert len(aggs["language"]["filter"]["bool"]["filter"]) == 4
    assert aggs["provider"]["aggs"]["values"] == {"terms": {"field": "provider_facet", "size": 5000}}
    assert aggs["credit"]["aggs"]["values"]["range"]["ranges"][1] == {"key": "11-20", "from": 11.0, "to": 21.0}
    assert set(aggs) == {"provider", "subject", "eqf_level", "mode", "schedule", "credit", "language"}


def test_a_cah_level_one_filter_adds_second_level_counts_ignoring_the_subject_filter():
    aggs = facet_aggregations(Filters(subject=("CAH11",), language=("en",)))
    assert aggs["subject_cah2"]["filter"] == {"bool": {"filter": [{"terms": {"languages": ["en"]}}]}}


def test_starts_between_lets_learner_led_courses_through():
    clause = filter_clauses(Filters(starts_after=date(2026, 2, 1), starts_before=date(2026, 3, 1)))["starts"]
    assert clause == {"bool": {"should": [
        {"term": {"schedule_type": "learner-led"}},
        {"range": {"start_days": {"gte": 20260201, "lte": 20260301}}},
    ], "minimum_should_match": 1}}


def test_psrb_any_or_bodies():
    clause = filter_clauses(Filters(psrb=("any", "BCS")))["psrb"]
    assert clause["bool"]["should"] == [{"term": {"has_psrb": True}}, {"terms": {"psrb_bodies": ["BCS"]}}]


def test_every_sort_breaks_ties_on_id_and_pages_use_from_and_size():
    for sort in Sort:
        body = search_body(SearchQuery("data", sort=sort, page=3, per_page=10, today=TODAY, facets=False))
        assert body["sort"][-1] == {"id": {"order": "asc"}}
        assert (body["from_"], body["size"], body["track_total_hits"]) == (20, 10, True)
        assert "aggs" not in body
    assert search_body(SearchQuery("", today=TODAY))["sort"][0] == {"title_sort": {"order": "asc"}}
    soonest = search_body(SearchQuery("", sort=Sort.SOONEST, today=TODAY))["sort"][0]["_script"]
    assert soonest["script"]["params"] == {"today": 20260110} and soonest["order"] == "asc"


def test_mapping_is_explicit_and_covers_every_indexed_field():
    definition = index_definition()
    properties = definition["mappings"]["properties"]
    assert definition["mappings"]["dynamic"] == "strict"
    assert definition["settings"]["number_of_shards"] == 1
    for document in documents():
        assert set(es_source(document)) <= set(properties)
    assert properties["subject_codes"] == {"type": "keyword"}
    assert properties["title"]["analyzer"] == "cf_english"
    analyzer = definition["settings"]["analysis"]["analyzer"]["cf_english"]
    assert analyzer["filter"][-1] == "cf_stem"


def test_rebuild_moves_the_alias_in_one_request_and_ends_the_dual_write():
    assert alias_actions("courses", ["courses-v1"], "courses-v2") == [
        {"remove": {"index": "courses-v1", "alias": "courses"}},
        {"add": {"index": "courses-v2", "alias": "courses"}},
        {"remove": {"index": "courses-v2", "alias": "courses-next"}},
    ]
    assert physical_index_name("courses", now=1.5) == "courses-v1500"
    assert building_alias("courses") == "courses-next"


def test_writes_during_a_rebuild_reach_the_index_being_built_first_then_the_live_one():
    # Unrefreshed in the new index (its refresh is off until the swap refreshes it), waited for in the live.
    assert write_targets("courses", ["courses-v2"]) == [("courses-v2", False), ("courses", True)]
    assert write_targets("courses", []) == [("courses", True)]


def test_facet_counts_read_filter_aggregation_buckets():
    answer = {
        "eqf_level": {"doc_count": 3, "values": {"buckets": [{"key": 7, "doc_count": 2}, {"key": 6, "doc_count": 1}]}},
        "credit": {"doc_count": 3, "values": {"buckets": [{"key": "0-10", "doc_count": 1}]}},
    }
    assert facet_counts(answer) == {"eqf_level": {"7": 2, "6": 1}, "credit": {"0-10": 1}}


def test_the_pathway_filter_is_a_terms_clause_every_facet_applies():
    from directory.search.elastic import facet_aggregations, filter_clauses, index_definition
    from directory.search.query import Filters as PathwayFilters

    filters = PathwayFilters(pathway=("pg-ds", "cert-ml"))
    assert filter_clauses(filters)["pathway"] == {"terms": {"pathways": ["pg-ds", "cert-ml"]}}
    aggs = facet_aggregations(filters)
    assert all({"terms": {"pathways": ["pg-ds", "cert-ml"]}} in agg["filter"]["bool"]["filter"]
               for agg in aggs.values())
    properties = index_definition()["mappings"]["properties"]
    assert properties["pathways"] == {"type": "keyword"} and properties["pathway_roles"] == {"type": "keyword"}
