"""Which words of two matched passages are marked: pure functions, no database."""

from __future__ import annotations

from directory.overlaps.models import OverlapStatus
from directory.overlaps.review import Level, level_of, passage, segments
from directory.overlaps.text import term

FIRST = "Eliminate intra-group transactions and unrealized profits in line with IFRS 10"
SECOND = "Apply IFRS 10 to intra-group transactions and unrealised profit"


def marked(runs) -> list[str]:
    return [words for words, shared in runs if shared]


def test_words_with_the_same_content_term_are_marked_on_both_sides():
    found = passage({"outcome": FIRST, "other_outcome": SECOND, "similarity": 0.8})
    assert marked(found.first) == ["intra", "group", "transactions", "unrealized", "profits", "IFRS"]
    assert marked(found.second) == ["IFRS", "intra", "group", "transactions", "unrealised", "profit"]
    assert found.part == "learning outcomes" and found.similarity == 0.8


def test_function_words_the_outcome_register_and_numbers_are_never_marked():
    found = passage({"outcome": FIRST, "other_outcome": SECOND, "similarity": 0.8})
    assert not {"and", "in", "Apply", "10", "to"} & set(marked(found.first) + marked(found.second))
    assert term("apply") == "" and term("10") == ""


def test_the_runs_put_together_are_the_passage_unchanged():
    for text in (FIRST, SECOND, "  Café–culture: organisation, organization!  ", ""):
        runs = segments(text, {term("organisation"), term("cafe")})
        assert "".join(words for words, _ in runs) == text
    assert marked(segments("Café organization", {term("cafe"), term("organisation")})) == ["Café", "organization"]


def test_when_a_reason_lists_its_shared_words_only_those_are_marked():
    found = passage({"outcome": FIRST, "other_outcome": SECOND, "similarity": 0.8, "part": "aims",
                     "shared": ["IFRS", "transactions"]})
    assert marked(found.first) == ["transactions", "IFRS"] and marked(found.second) == ["IFRS", "transactions"]
    assert found.part == "aims"


def test_a_reason_that_names_no_specific_word_marks_none():
    """The title "Leading Change in Health and Social Care" shares only house-style words with its pair."""
    found = passage({"outcome": FIRST, "other_outcome": SECOND, "similarity": 0.4, "part": "title", "shared": []})
    assert marked(found.first) == [] and marked(found.second) == []


def test_each_part_is_named_in_words():
    for part, words in (("outcomes", "learning outcomes"), ("aims", "aims"), ("description", "description"),
                        ("title", "title"), (None, "learning outcomes")):
        assert passage({"outcome": "a", "other_outcome": "b", "part": part}).part == words


def test_nothing_in_common_marks_nothing():
    found = passage({"outcome": "Wound dressings", "other_outcome": "Consumer surveys", "similarity": 0.1})
    assert marked(found.first) == [] == marked(found.second)


def test_each_status_has_its_level_in_words():
    assert [level_of(s) for s in OverlapStatus] == [Level.SUSPECTED, Level.CONFIRMED, Level.DISMISSED]
