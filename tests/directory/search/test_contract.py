"""One contract for every search backend: the same catalogue, queries, hits and exact facet counts."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from directory.catalogue.completeness import score
from directory.catalogue.vocab import vocabularies
from directory.search.documents import course_document
from directory.search.query import Filters, SearchQuery, Sort
from tests.directory.search.catalogue_fixture import COURSES, PROVIDERS, TODAY, content, documents, ids

VOCAB = vocabularies(Path(__file__).resolve().parents[3] / "config" / "vocab")
DOCS = documents()
ALL_IDS = sorted(d["id"] for d in DOCS)


def make_backend(kind: str, tmp_path: Path):
    if kind == "tantivy":
        from directory.search.tantivy_backend import TantivyBackend

        return TantivyBackend(tmp_path / "index", VOCAB, heap_size=50_000_000, writer_threads=1)
    url = os.environ.get("CF_TEST_ELASTICSEARCH_URL")
    if not url:
        pytest.skip(
            "CF_TEST_ELASTICSEARCH_URL not set: Elasticsearch contract tests need a server; "
            "see deploy/elasticsearch/README.md"
        )
    from directory.search.elastic import ElasticsearchBackend

    return ElasticsearchBackend(url, f"cf-test-{uuid.uuid4().hex[:12]}", VOCAB)


def drop(backend) -> None:
    if hasattr(backend, "alias"):
        backend.client.indices.delete(index=f"{backend.alias}-v*", ignore_unavailable=True)
    backend.close()


@pytest.fixture(scope="module", params=["tantivy", "elasticsearch"])
def catalogue(request, tmp_path_factory):
    """A backend holding the fixture catalogue, shared by the read-only tests."""
    backend = make_backend(request.param, tmp_path_factory.mktemp(request.param))
    backend.ensure_index()
    backend.rebuild(DOCS)
    yield backend
    drop(backend)


@pytest.fixture(params=["tantivy", "elasticsearch"])
def empty(request, tmp_path):
    """A backend of its own, for tests that write."""
    backend = make_backend(request.param, tmp_path)
    backend.ensure_index()
    yield backend
    drop(backend)


def search(backend, text="", sort=None, page=1, per_page=50, facets=True, **filters):
    return backend.search(
        SearchQuery(text, Filters(**filters), sort=sort, page=page, per_page=per_page, today=TODAY, facets=facets)
    )


def counts(result, facet):
    return {v.value: v.count for v in result.facets[facet]}


# -- free text --------------------------------------------------------------------------------------

def test_stemming_finds_other_forms_of_a_word(catalogue):
    assert ids(search(catalogue, "evaluating")) == ["bexley/data-eval"]


def test_title_matches_rank_above_summary_matches(catalogue):
    found = ids(search(catalogue, "machine learning"))
    assert set(found[:3]) == {"aldport/ml-intro", "aldport/ml-adv", "carrow/maths-ml"}
    assert set(found[3:]) == {"bexley/ai-ethics", "aldport/software"}


def test_one_typo_in_long_words_still_matches(catalogue):
    assert set(ids(search(catalogue, "machne lerning"))) == {
        "aldport/ml-intro", "aldport/ml-adv", "carrow/maths-ml", "bexley/ai-ethics", "aldport/software",
    }


def test_a_misspelt_word_in_a_course_is_found_but_ranks_below_the_real_word(empty):
    empty.upsert([
        course_document("Aldport", "aldport", "typo", content("typo", "Statistcs for nurses")),
        course_document("Aldport", "aldport", "right", content("right", "Statistics for nurses")),
        course_document("Aldport", "aldport", "other", content("other", "Pottery for nurses")),
    ])
    assert ids(search(empty, "statistics")) == ["aldport/right", "aldport/typo"]
    assert ids(search(empty, "statistcs")) == ["aldport/typo", "aldport/right"]
    assert counts(search(empty, "statistics"), "provider") == {"aldport": 2}


def test_a_typo_in_a_word_outside_the_english_alphabet_still_matches(empty):
    empty.upsert([course_document("Aldport", "aldport", "greek", content("greek", "Ελληνική γλώσσα"))])
    assert ids(search(empty, "Ελληνικη")) == ["aldport/greek"]
    assert ids(search(empty, "Ελληνικκή")) == ["aldport/greek"]


def test_a_hit_carries_the_credit_level_and_subjects_its_record_states(catalogue):
    hit = search(catalogue, "green chemistry").hits[0]
    assert hit.card["credit"]["cats"] == hit.credit_cats
    assert hit.card["level"]["eqf"] == hit.eqf_level
    assert [s["code"] for s in hit.card["subjects"]] == ["100417"]


def test_short_words_are_not_fuzzed(catalogue):
    assert ids(search(catalogue, "lax")) == []
    assert set(ids(search(catalogue, "laws"))) == {"bexley/ai-ethics", "aldport/law-basics", "carrow/history-wales"}


def test_quoted_phrase_needs_the_words_together(catalogue):
    assert set(ids(search(catalogue, '"machine learning"'))) == {
        "aldport/ml-intro", "aldport/ml-adv", "carrow/maths-ml", "bexley/ai-ethics",
    }


def test_every_word_must_match(catalogue):
    assert ids(search(catalogue, "machine chemistry")) == []


def test_subject_and_provider_names_are_searchable(catalogue):
    assert "carrow/nursing" in ids(search(catalogue, "nursing"))
    assert len(ids(search(catalogue, "aldport"))) == 5


def test_highlights_mark_matched_words_and_escape_the_rest(catalogue):
    hit = search(catalogue, "machine learning").hits[0]
    assert "<mark>Machine</mark>" in hit.highlights["title"][0]
    ethics = next(h for h in search(catalogue, "society").hits)
    assert ethics.highlights["summary"] == ("How machine learning systems affect <mark>society</mark> and the law.",)


# -- browsing, filters and facets -------------------------------------------------------------------

def test_empty_query_browses_the_whole_catalogue_by_title(catalogue):
    result = search(catalogue)
    assert result.total == len(DOCS) == catalogue.count()
    titles = [h.title.casefold() for h in result.hits]
    assert titles == sorted(titles)
    assert counts(result, "provider") == dict(Counter(d["provider_id"] for d in DOCS))
    assert counts(result, "language") == {"en": 25, "cy": 1}
    assert counts(result, "schedule") == {"cohort": 22, "learner-led": 3}
    assert counts(result, "eqf_level") == {"5": 3, "6": 18, "7": 4}
    assert counts(result, "credit") == {"0-10": 2, "11-20": 20, "21-40": 2, "41+": 1}
    assert counts(result, "subject") == {
        "CAH17": 14, "CAH11": 6, "CAH02": 1, "CAH07": 1, "CAH09": 1, "CAH16": 1, "CAH20": 1,
    }
    assert counts(result, "mode")["on-campus"] == 15


def test_facet_labels_are_readable(catalogue):
    result = search(catalogue)
    assert {v.value: v.label for v in result.facets["provider"]}["carrow"] == "Carrow College"
    assert {v.value: v.label for v in result.facets["subject"]}["CAH11"] == "computing"
    assert {v.value: v.label for v in result.facets["eqf_level"]}["7"] == "master's level"


def test_two_providers_are_alternatives(catalogue):
    result = search(catalogue, provider=("aldport", "carrow"))
    assert result.total == 5 + 9
    assert {h.provider_id for h in result.hits} == {"aldport", "carrow"}


def test_a_facet_ignores_its_own_filter_but_not_the_others(catalogue):
    result = search(catalogue, "machine learning", provider=("aldport",))
    assert set(ids(result)) == {"aldport/ml-intro", "aldport/ml-adv", "aldport/software"}
    assert counts(result, "provider") == {"aldport": 3, "bexley": 1, "carrow": 1}
    assert counts(result, "eqf_level") == {"6": 1, "7": 2}
    assert counts(result, "mode") == {"online-asynchronous": 2, "online-synchronous": 2}


def test_cah_group_filter_includes_every_code_in_it(catalogue):
    for group in ("CAH11", "CAH11-01", "CAH11-01-05"):
        found = set(ids(search(catalogue, subject=(group,))))
        expected = {d["id"] for d in DOCS if group in d["subject_codes"]}
        assert found == expected and found
    assert set(ids(search(catalogue, subject=("100992",)))) == {"aldport/ml-intro", "aldport/ml-adv"}


def test_cah_level_one_filter_opens_its_second_level_groups(catalogue):
    result = search(catalogue, subject=("CAH11",))
    assert counts(result, "subject_cah2") == {"CAH11-01": 6}
    assert counts(result, "subject")["CAH17"] == 14  # the subject facet ignores the subject filter


def test_level_filters(catalogue):
    assert set(ids(search(catalogue, eqf_level=(7,)))) == {
        "aldport/ml-adv", "bexley/ai-ethics", "bexley/accounting", "aldport/software",
    }
    assert ids(search(catalogue, framework_level=("SCQF-10",))) == ["carrow/history-wales"]


def test_credit_range_uses_cats_with_ects_converted(catalogue):
    assert set(ids(search(catalogue, credit_min=10, credit_max=10))) == {"bexley/ai-ethics", "aldport/law-basics"}
    result = search(catalogue, credit_min=25)
    assert set(ids(result)) == {"aldport/ml-adv", "aldport/software", "carrow/nursing"}
    assert counts(result, "credit") == {"0-10": 2, "11-20": 20, "21-40": 2, "41+": 1}


def test_mode_language_and_schedule_filters(catalogue):
    assert ids(search(catalogue, mode=("work-based",))) == ["carrow/nursing"]
    assert ids(search(catalogue, language=("cy",))) == ["carrow/history-wales"]
    assert set(ids(search(catalogue, schedule=("learner-led",)))) == {
        "bexley/ai-ethics", "aldport/law-basics", "aldport/python",
    }


def test_psrb_filter_any_or_by_body(catalogue):
    assert set(ids(search(catalogue, psrb=("any",)))) == {
        "aldport/ml-intro", "carrow/nursing", "bexley/chem", "aldport/software",
    }
    assert set(ids(search(catalogue, psrb=("NMC", "RSC")))) == {"carrow/nursing", "bexley/chem"}


def test_starts_between_matches_any_presentation_and_learner_led_courses(catalogue):
    found = set(ids(search(catalogue, starts_after=date(2026, 9, 1), starts_before=date(2026, 9, 30))))
    assert found == {"aldport/ml-intro", "bexley/ai-ethics", "aldport/law-basics", "aldport/python"}
    found = set(ids(search(catalogue, starts_after=date(2026, 7, 12))))
    assert found == {
        "aldport/ml-intro", "carrow/workshop-12", "bexley/workshop-13",
        "bexley/ai-ethics", "aldport/law-basics", "aldport/python",
    }


def test_cost_max_is_in_pounds_and_leaves_out_unpriced_courses(catalogue):
    found = set(ids(search(catalogue, cost_max=300)))
    assert found == {
        "bexley/ai-ethics", "aldport/python", "carrow/history-wales", "carrow/maths-ml",
        "bexley/workshop-01", "carrow/workshop-02", "bexley/workshop-03",
    }
    assert set(ids(search(catalogue, cost_max=0))) == {"bexley/ai-ethics", "aldport/python"}


# -- sorting and pages ------------------------------------------------------------------------------

def test_soonest_start_counts_learner_led_as_today_and_puts_past_courses_last(catalogue):
    found = ids(search(catalogue, sort=Sort.SOONEST))
    assert found[:7] == [
        "aldport/law-basics", "aldport/python", "bexley/accounting", "bexley/ai-ethics",
        "aldport/ml-intro", "aldport/software", "carrow/maths-ml",
    ]
    assert found[-1] == "carrow/nursing"
    assert search(catalogue, sort=Sort.SOONEST).hits[4].next_start == date(2026, 2, 2)


def test_credit_sort_smallest_first_ties_by_id(catalogue):
    found = ids(search(catalogue, sort=Sort.CREDIT))
    assert found[:3] == ["aldport/law-basics", "bexley/ai-ethics", "aldport/ml-intro"]
    assert found[-1] == "carrow/nursing"


@pytest.mark.parametrize("sort", [None, Sort.TITLE, Sort.CREDIT, Sort.SOONEST])
def test_pages_never_overlap_and_cover_every_hit(catalogue, sort):
    pages = [ids(search(catalogue, sort=sort, page=p, per_page=4, facets=False)) for p in range(1, 8)]
    flat = [i for page in pages for i in page]
    assert len(flat) == len(set(flat)) == len(DOCS)
    assert flat == ids(search(catalogue, sort=sort, per_page=50, facets=False))


def test_relevance_pages_are_stable(catalogue):
    whole = ids(search(catalogue, "workshop", per_page=50, facets=False))
    pages = [ids(search(catalogue, "workshop", page=p, per_page=5, facets=False)) for p in (1, 2, 3)]
    assert [i for page in pages for i in page] == whole and len(whole) == 13


# -- writing ----------------------------------------------------------------------------------------

def test_upsert_replaces_a_course_without_duplicating_it(empty):
    empty.upsert(DOCS[:3])
    changed = replace_title(DOCS[0], "Introduction to Statistical Learning")
    empty.upsert([changed])
    assert empty.count() == 3
    assert ids(search(empty, "statistical")) == [DOCS[0]["id"]]
    titles = [h.title for h in search(empty).hits]
    assert "Introduction to Statistical Learning" in titles and "Introduction to Machine Learning" not in titles


def test_delete_removes_a_course(empty):
    empty.upsert(DOCS)
    empty.delete([DOCS[0]["id"], "nobody/nothing"])
    assert empty.count() == len(DOCS) - 1
    assert DOCS[0]["id"] not in ids(search(empty, per_page=50))


def test_rebuild_swaps_the_whole_contents(empty):
    empty.upsert(DOCS)
    assert empty.rebuild(DOCS[:2]) == 2
    assert sorted(ids(search(empty))) == sorted(d["id"] for d in DOCS[:2])
    assert empty.count() == 2


def test_withdrawn_courses_cannot_become_documents():
    with pytest.raises(ValueError):
        course_document("U", "aldport", "gone", content("gone", "Gone", status="withdrawn"))


def replace_title(document, title):
    source = dict(document)
    source["title"] = title
    source["title_sort"] = title.casefold()
    return source


def test_fixture_has_every_provider():
    assert {d["provider_id"] for d in DOCS} == set(PROVIDERS)
    assert replace(Filters(), provider=("x",)).without("provider") == Filters()


def test_facet_counts_are_exact_for_values_with_quotes_and_colons(empty):
    odd = [
        course_document("Odd One", 'odd"one', "c1", content("c1", "Pottery for beginners")),
        course_document("Odd Two", "odd\\two:x", "c2", content("c2", "Pottery glazes", mode=("on-campus",))),
        course_document("Odd Two", "odd\\two:x", "c3", content("c3", "Pottery kilns", mode=("on-campus",))),
    ]
    empty.upsert(odd)
    result = search(empty, "pottery", provider=("odd\\two:x",), mode=("on-campus",))
    assert set(ids(result)) == {"odd\\two:x/c2", "odd\\two:x/c3"}
    assert counts(result, "provider") == {"odd\\two:x": 2}
    assert counts(result, "mode") == {"on-campus": 2}
    result = search(empty, "pottery", provider=('odd"one',))
    assert counts(result, "provider") == {'odd"one': 1, "odd\\two:x": 2}
    assert counts(result, "mode") == {"online-asynchronous": 1}


def test_a_phrase_never_spans_two_values_or_two_fields(empty):
    empty.upsert([
        course_document("U", "aldport", "weld", content(
            "weld", "Welding machine", summary="Learning by doing.", outcomes=("Use a machine", "Learning to weld"),
        )),
    ])
    assert ids(search(empty, '"machine learning"')) == []
    assert ids(search(empty, '"learning to weld"')) == ["aldport/weld"]


# -- pathways ---------------------------------------------------------------------------------------

def _in_pathways():
    """Two pathways: one lists courses of two providers, one is claimed only by a course's own record."""
    listed = {("aldport", "ml-intro"): [("pg-ds", "core")], ("bexley", "ai-ethics"): [("pg-ds", "option")],
              ("aldport", "ml-adv"): [("pg-ds", "option"), ("cert-ml", "core")]}
    docs = []
    for provider, record in (("aldport", content("ml-intro", "Introduction to Machine Learning")),
                             ("aldport", content("ml-adv", "Advanced Machine Learning", level=("FHEQ", 7))),
                             ("bexley", content("ai-ethics", "Ethics of Artificial Intelligence")),
                             ("carrow", {**content("nursing", "Adult Nursing Practice"),
                                         "pathways": [{"id": "cert-care", "role": "core"}]}),
                             ("bexley", content("accounting", "Accounting for Managers"))):
        docs.append(course_document(PROVIDERS[provider], provider, record["id"], record,
                                    listed.get((provider, record["id"]), ())))
    return docs


def test_pathway_filter_finds_the_courses_a_pathway_names_across_providers(empty):
    empty.upsert(_in_pathways())
    result = search(empty, pathway=("pg-ds",))
    assert sorted(ids(result)) == ["aldport/ml-adv", "aldport/ml-intro", "bexley/ai-ethics"]
    assert counts(result, "provider") == {"aldport": 2, "bexley": 1}


def test_pathway_filter_values_are_alternatives_and_combine_with_other_filters(empty):
    empty.upsert(_in_pathways())
    assert sorted(ids(search(empty, pathway=("cert-ml", "cert-care")))) == ["aldport/ml-adv", "carrow/nursing"]
    assert ids(search(empty, "advanced", pathway=("pg-ds",))) == ["aldport/ml-adv"]
    assert ids(search(empty, pathway=("pg-ds",), provider=("bexley",))) == ["bexley/ai-ethics"]
    assert ids(search(empty, pathway=("nothing-here",))) == []


def test_a_course_claiming_a_pathway_is_found_by_it(empty):
    empty.upsert(_in_pathways())
    assert ids(search(empty, pathway=("cert-care",))) == ["carrow/nursing"]


def test_pathway_roles_travel_with_the_document():
    docs = {d["id"]: d for d in _in_pathways()}
    assert docs["aldport/ml-adv"]["pathway_roles"] == ["cert-ml:core", "pg-ds:option"]
    assert docs["carrow/nursing"]["pathways"] == ["cert-care"]
    assert docs["bexley/accounting"]["pathways"] == []


# -- rebuilding while writers write -----------------------------------------------------------------

def test_every_write_made_during_a_rebuild_is_in_the_rebuilt_index(empty, instance):
    """The harvester's writes land between the rebuild's batches: courses it had read already and courses
    it had not, changed, withdrawn and new; each is found afterwards as the store has it, nothing stale."""
    from directory.catalogue.models import Course, CourseStatus
    from directory.indexing import index_courses, reindex
    from tests.directory.search.catalogue_fixture import retitle, store_catalogue, store_course, withdraw

    with instance.sessions.begin() as session:
        store_catalogue(session)
    with instance.readers() as session:
        reindex(session, empty)
    during = []

    def harvest(change) -> None:
        with instance.sessions.begin() as session:
            keys = change(session)
        with instance.readers() as session:
            index_courses(session, empty, keys)

    def first_changes(session) -> list[tuple[str, str]]:
        store_course(session, "carrow", content("pottery", "Pottery for Beginners"))
        return [
            retitle(session, "ml-intro", "Introduction to Statistical Learning"),
            withdraw(session, "chem"),
            retitle(session, "python", "Programming in Rust"),
            withdraw(session, "workshop-13"),
            ("carrow", "pottery"),
        ]

    def between_batches(done: int, total: int) -> None:
        if done == 10:  # courses 1-10 read (ml-intro, chem among them), 11-25 not yet
            harvest(first_changes)
            # The live index serves meanwhile: the old catalogue with the writes, never nothing.
            during.append((empty.count(), ids(search(empty, "statistical")), ids(search(empty, "chemistry"))))
        if done == 20:
            harvest(lambda s: [retitle(s, "ml-intro", "Statistical Learning in Practice"), withdraw(s, "software")])

    with instance.readers() as session:
        reindex(session, empty, progress=between_batches, batch=10)

    assert during == [(len(DOCS) - 2 + 1, ["aldport/ml-intro"], [])]
    with instance.readers() as session:
        active = {f"{p}/{c}" for p, c in session.query(Course.provider_id, Course.course_id)
                  .filter(Course.status == CourseStatus.ACTIVE)}
    assert sorted(ids(search(empty, per_page=100))) == sorted(active)
    assert empty.count() == len(active) == len(DOCS) - 3 + 1
    assert [h.title for h in search(empty, "statistical").hits] == ["Statistical Learning in Practice"]
    assert ids(search(empty, "rust")) == ["aldport/python"]
    assert ids(search(empty, "pottery")) == ["carrow/pottery"]
    assert ids(search(empty, "chemistry")) == [] and "bexley/workshop-13" not in active
    # The journal is gone with the rebuild's claim.
    from directory.search.models import SearchJournalEntry, SearchRebuild

    with instance.readers() as session:
        assert session.query(SearchRebuild).count() == 0 and session.query(SearchJournalEntry).count() == 0


# -- the full minimum information set ---------------------------------------------------------------

def test_complete_keeps_only_courses_that_publish_the_full_minimum_information_set(catalogue):
    expected = {d["id"] for d in DOCS if d["complete"]}
    assert expected == {f"{p}/{c['id']}" for p, c in COURSES if not score(c, "qaa").missing}
    assert expected == {"bexley/ai-ethics", "carrow/maths-ml"}  # the two the fixture gives aims and entry requirements
    assert set(ids(search(catalogue, complete=True))) == expected
    # With other filters and in the facet counts: the filter narrows both.
    found = search(catalogue, complete=True, provider=("carrow",))
    assert ids(found) == ["carrow/maths-ml"]
    assert sum(counts(search(catalogue, complete=True), "eqf_level").values()) == 2
    assert len(ids(search(catalogue))) == len(ALL_IDS)  # off by default
