"""Highlights: matched words marked in the texts a result card shows, the rest escaped."""

from __future__ import annotations

from directory.search.query import parse_text
from directory.search.text import highlights


def test_each_field_gives_at_most_its_limit_of_fragments_in_order():
    document = {
        "title": "Data for nurses",
        "summary": None,
        "aims": "Use <data> & evidence",
        "learning_outcomes": ["Plan a study", "Collect data", "Clean data", "Share data"],
        "skills": ["data wrangling", "writing"],
    }
    marked = highlights(parse_text("data"), document)
    assert marked["title"] == ("<mark>Data</mark> for nurses",)
    assert marked["summary"] == ("Use &lt;<mark>data</mark>&gt; &amp; evidence",)
    assert marked["learning_outcomes"] == ("Collect <mark>data</mark>", "Clean <mark>data</mark>")
    assert marked["skills"] == ("<mark>data</mark> wrangling",)


def test_fields_without_a_matched_word_are_left_out_and_typos_are_marked():
    document = {"title": "Statistics", "summary": "Numbers", "learning_outcomes": ["Count"], "skills": []}
    assert highlights(parse_text("statistcs"), document) == {"title": ("<mark>Statistics</mark>",)}
    assert highlights(parse_text("pottery"), document) == {}
    assert highlights(parse_text(""), document) == {}


def test_a_long_text_is_cut_around_its_first_match():
    summary = " ".join(["filler"] * 60) + " the key word " + " ".join(["tail"] * 60)
    fragment = highlights(parse_text("key"), {"title": "T", "summary": summary})["summary"][0]
    assert fragment.startswith("…") and fragment.endswith("…") and "<mark>key</mark>" in fragment
    assert len(fragment) < 260
