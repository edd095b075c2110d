from datetime import date

import pytest

from directory.search.facets import credit_range
from directory.search.query import Filters, ParsedText, SearchQuery, Sort, is_fuzzy, parse_text
from tests.clock import TODAY


def test_loose_words_are_lower_cased_and_stop_words_dropped():
    assert parse_text("Introduction to Machine Learning") == ParsedText(("introduction", "machine", "learning"))


def test_quoted_text_is_a_phrase_that_keeps_every_word():
    assert parse_text('history "of the" art') == ParsedText(("history", "art"), (("of", "the"),))
    assert parse_text('"machine learning" ethics') == ParsedText(("ethics",), (("machine", "learning"),))


def test_an_unclosed_quote_runs_to_the_end():
    assert parse_text('data "machine learning') == ParsedText(("data",), (("machine", "learning"),))


def test_punctuation_splits_words_and_empty_quotes_are_ignored():
    assert parse_text('data.gov "" C++ x_y') == ParsedText(("data", "gov", "c", "x", "y"))


def test_repeated_words_and_phrases_count_once():
    assert parse_text('data data "a b" "a b"') == ParsedText(("data",), (("a", "b"),))


def test_nothing_to_search_is_falsy():
    assert not parse_text("  the of  ")
    assert not parse_text("")


def test_only_words_of_five_letters_or_more_forgive_typos():
    assert is_fuzzy("learn") and not is_fuzzy("data")


def test_relevance_is_the_default_sort_only_with_words():
    assert SearchQuery("data", today=TODAY).effective_sort is Sort.RELEVANCE
    assert SearchQuery("", today=TODAY).effective_sort is Sort.TITLE
    assert SearchQuery("", sort=Sort.RELEVANCE, today=TODAY).effective_sort is Sort.TITLE
    assert SearchQuery("data", sort=Sort.SOONEST, today=TODAY).effective_sort is Sort.SOONEST


def test_pages_are_checked():
    with pytest.raises(ValueError):
        SearchQuery(page=0, today=TODAY)
    with pytest.raises(ValueError):
        SearchQuery(per_page=1000, today=TODAY)
    assert SearchQuery(page=3, per_page=10, today=TODAY).offset == 20


def test_a_facet_ignores_only_its_own_filter():
    filters = Filters(provider=("a",), mode=("on-campus",), credit_min=10, starts_after=date(2026, 1, 1))
    assert filters.without("provider") == Filters(mode=("on-campus",), credit_min=10, starts_after=date(2026, 1, 1))
    assert filters.without("credit").credit_min is None and filters.without("credit").provider == ("a",)
    assert filters.active("mode") and not filters.active("language")


def test_credit_buckets_map_to_whole_number_filters():
    assert credit_range("11-20") == (11.0, 20.0)
    assert credit_range("0-10") == (None, 10.0)
    assert credit_range("41+") == (41.0, None)
