"""Typo variants: every string one edit away, checked against the index's term dictionary."""

from __future__ import annotations

import itertools

from directory.search.text import within_one_edit
from directory.search.typos import ALPHABET, TypoVariants, one_edit_variants


def brute_force(word: str, alphabet: str) -> set[str]:
    """Every string of length len(word) - 1 .. len(word) + 1 within one edit, by checking them all."""
    found = set()
    for length in (len(word) - 1, len(word), len(word) + 1):
        for letters in itertools.product(alphabet, repeat=length):
            candidate = "".join(letters)
            if candidate != word and within_one_edit(candidate, word):
                found.add(candidate)
    return found


def test_variants_are_exactly_the_strings_one_edit_away():
    # A small alphabet keeps the brute force small; the edits are the same whatever the alphabet.
    for word in ("abc", "aab", "ba", "a"):
        assert one_edit_variants_over(word, "abc") == brute_force(word, "abc")


def one_edit_variants_over(word: str, alphabet: str) -> set[str]:
    return {v for v in one_edit_variants(word) if set(v) <= set(alphabet)}


def test_variants_include_swaps_deletions_insertions_and_substitutions():
    variants = one_edit_variants("manag")
    assert {"mnaag", "mang", "managu", "menag"} <= variants
    assert "manag" not in variants
    assert all(within_one_edit(v, "manag") for v in variants)


def test_words_with_characters_outside_the_alphabet_cannot_be_listed():
    assert one_edit_variants("μαθηματικ") is None
    assert one_edit_variants("") is None
    assert set("abc") <= set(ALPHABET)


def test_only_indexed_variants_are_returned_and_each_word_is_looked_up_once():
    indexed = {"statist", "statistc", "manag"}
    asked: list[str] = []

    def lookup(term: str) -> bool:
        asked.append(term)
        return term in indexed

    typos = TypoVariants(lookup)
    assert typos("statist") == ("statistc",)
    looked_up = len(asked)
    assert typos("statist") == ("statistc",)
    assert len(asked) == looked_up
    assert typos("chemistri") == ()
    assert typos("μαθημα") is None
