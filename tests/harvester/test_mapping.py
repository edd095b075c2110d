"""Mapping profiles (harvester.mapping): read from TOML with every refusal naming its key and line, stored as
a canonical table with a stable digest, written back as editable TOML, and applied to adapter records
without inventing anything the profile does not say."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from directory.catalogue.schema import CourseValidator
from directory.catalogue.vocab import vocabularies
from directory.errors import ProfileError
from harvester import mapping
from harvester.mapping import EMPTY, parse_profile_text, profile_from_table
from harvester.registry import read_feeds_file
from harvester.unmapped import UnmappedValues

ROOT = Path(__file__).resolve().parents[2]

PROFILE = """\
[credit_schemes."Example University"]   # keyed by the scheme label the feed uses
system = "CATS"
factor = 1.0

[credit_schemes."Example University".levels]
"1" = { framework = "FHEQ", value = 4 }
"2" = { framework = "FHEQ", value = 5 }
"3" = { framework = "FHEQ", value = 6 }
"M" = { framework = "FHEQ", value = 7 }

[levels]
"Higher" = { framework = "SCQF", value = 6 }

[defaults]
mode = ["online-asynchronous"]
language = "en"

[subjects]
"History" = "100302"
"X999" = { scheme = "JACS3", code = "V100" }

[listing]
required = ["learning_outcomes", "cost"]

[qualifications]
url_pattern = "/qualifications/"
title_pattern = "^(BA|BSc|MA|MSc)\\\\b"
"""


@pytest.fixture(scope="module")
def vocab():
    return vocabularies(ROOT / "config" / "vocab")


@pytest.fixture(scope="module")
def profile(vocab):
    return parse_profile_text(PROFILE, source="profile.toml", vocab=vocab)


def refusal(text: str, vocab=None) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        parse_profile_text(text, source="profile.toml", vocab=vocab)
    return caught.value


# --- reading ---------------------------------------------------------------------------------------------


def test_the_issue_profile_is_read_into_its_parts(profile):
    scheme = profile.credit_schemes["example university"]
    assert (scheme.system, scheme.factor) == ("CATS", 1)
    assert scheme.levels["m"] == mapping.Placement("FHEQ", 7)
    assert profile.levels["higher"] == mapping.Placement("SCQF", 6)
    assert profile.default_mode == ("online-asynchronous",) and profile.default_languages == ("en",)
    assert profile.subjects["history"] == {"scheme": "HECoS", "code": "100302"}
    assert profile.subjects["x999"] == {"scheme": "JACS3", "code": "V100"}
    assert profile.listing_required == ("learning_outcomes", "cost")
    assert profile.qualification_url_pattern.search("https://x.ac.uk/qualifications/b01")
    assert profile.qualification_title_pattern.search("BA (Honours) History")
    assert not profile.qualification_title_pattern.search("Basket weaving")


def test_languages_may_be_a_list_and_mode_a_single_string():
    profile = parse_profile_text('[defaults]\nmode = "blended"\nlanguages = ["en", "CY"]\n', source="p")
    assert profile.default_mode == ("blended",) and profile.default_languages == ("en", "cy")


def test_the_toml_written_reads_back_as_the_same_profile(profile):
    again = parse_profile_text(profile.to_toml(), source="again")
    assert again == profile and again.digest == profile.digest and again.to_table() == profile.to_table()
    # Under [feed.mapping] of a feeds.toml entry it is the same profile too.
    entry = tomllib.loads('[[feed]]\nprovider_id = "1"\n' + profile.to_toml("feed.mapping."))
    assert profile_from_table(entry["feed"][0]["mapping"], source="feeds.toml") == profile


def test_the_digest_is_stable_and_changes_with_the_profile(profile):
    assert profile.digest == profile_from_table(profile.to_table(), source="stored").digest
    assert profile.digest == parse_profile_text(PROFILE.replace("factor = 1.0", "factor = 1"), source="p").digest
    assert profile.digest != parse_profile_text(PROFILE.replace('value = 7 }', 'value = 8 }'), source="p").digest
    assert EMPTY.digest == profile_from_table({}, source="none").digest != profile.digest
    assert EMPTY.is_empty and EMPTY.to_toml() == ""


@pytest.mark.parametrize(
    ("change", "key", "line", "words"),
    [
        (('"FHEQ", value = 7', '"FHEQQ", value = 7'), 'credit_schemes."Example University".levels.M.framework', 9,
         "unknown level framework 'FHEQQ'"),
        (('system = "CATS"', 'system = "POINTS"'), 'credit_schemes."Example University".system', 2,
         "unknown credit system 'POINTS'"),
        (('mode = ["online-asynchronous"]', 'mode = ["online"]'), "defaults.mode", 15, "unknown mode 'online'"),
        (('language = "en"', 'language = "English language"'), "defaults.language", 16, "not a BCP 47"),
        (("factor = 1.0", "factor = 0"), 'credit_schemes."Example University".factor', 3, "greater than 0"),
        (('"1" = { framework = "FHEQ", value = 4 }', '"1" = { framework = "FHEQ", value = 1 }'),
         'credit_schemes."Example University".levels."1".value', 6, "FHEQ level 1 is not a higher-education level"),
        (('"Higher" = { framework = "SCQF", value = 6 }', '"Higher" = { framework = "SCQF", value = 13 }'),
         "levels.Higher.value", 12, "SCQF level 13 does not exist"),
        (("[listing]", "[listings]"), "listings", 22, "unknown key"),
        (('url_pattern = "/qualifications/"', 'url_pattern = "(unclosed"'), "qualifications.url_pattern", 26,
         "not a regular expression"),
        (('"X999" = { scheme = "JACS3", code = "V100" }', '"X999" = { scheme = "JACS9", code = "V100" }'),
         "subjects.X999.scheme", 20, "unknown subject scheme 'JACS9'"),
        (("system = \"CATS\"", "system = CATS"), "system", 2, "not valid TOML"),
    ],
)
def test_a_refused_profile_names_the_key_and_its_line(change, key, line, words):
    error = refusal(PROFILE.replace(*change))
    assert (error.key, error.line) == (key, line)
    assert words in error.detail and f"line {line}" in error.detail and key in error.detail
    assert error.status == 400  # an Invalid: a problem document on the web, exit 1 on the command line


def test_an_unknown_hecos_code_is_refused_when_the_vocabularies_are_given(vocab):
    error = refusal('[subjects]\n"History" = "999999"\n', vocab)
    assert (error.key, error.line) == ("subjects.History", 2) and "'999999' is not a HECoS code" in error.detail
    # Without them the profile is read, and the validator refuses the code when a record carries it.
    assert parse_profile_text('[subjects]\n"History" = "999999"\n', source="p").subjects["history"]["code"] == "999999"


def test_labels_differing_only_in_case_are_one_label_twice():
    error = refusal('[levels]\n"Higher" = { framework = "SCQF", value = 6 }\n'
                    '"higher" = { framework = "SCQF", value = 7 }\n')
    assert error.line == 3 and "the same label twice" in error.detail


def test_a_profile_in_feeds_toml_names_the_line_of_its_own_feed(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[feed]]\nprovider_id = "10000001"\nname = "A"\nurl = "https://a.example/feed"\n'
        '[feed.mapping.levels]\n"Higher" = { framework = "SCQF", value = 6 }\n\n'
        '[[feed]]\nprovider_id = "10000002"\nname = "B"\nurl = "https://b.example/feed"\n'
        '[feed.mapping.credit_schemes."B Points"]\nsystem = "ECTS"\nfactor = -2\n', encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        read_feeds_file(path)
    assert caught.value.line == 14 and caught.value.key == 'credit_schemes."B Points".factor'
    assert "feed 2" in caught.value.detail


def test_a_feeds_file_entry_without_a_mapping_leaves_the_profile_unsaid(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text('[[feed]]\nprovider_id = "1"\nname = "A"\nurl = "https://a.example/f"\n'
                    '[[feed]]\nprovider_id = "2"\nname = "B"\nurl = "https://b.example/f"\n'
                    '[feed.mapping.defaults]\nmode = ["blended"]\n', encoding="utf-8")
    first, second = read_feeds_file(path)
    assert first.mapping is None and second.mapping.default_mode == ("blended",)


# --- applying --------------------------------------------------------------------------------------------


def test_a_university_scheme_becomes_cats_credit_and_its_levels_fheq(profile, vocab):
    raw = {"id": "A1", "title": "T", "url": "https://x.ac.uk/a1", "learning_outcomes": ["Do"],
           "credit": {"value": 15, "scheme": "Example University"},
           "level": {"framework": "FHEQ", "value": 4, "source": "M", "scheme": "Example University"},
           "subjects": [{"scheme": "HECoS", "code": "100366"}], "mode": ["on-campus"]}
    mapped = mapping.apply(profile, raw)
    assert mapped["credit"] == {"value": 15, "scheme": "CATS"}
    assert (mapped["level"]["framework"], mapped["level"]["value"]) == ("FHEQ", 7)  # overrides the default
    assert mapped["mode"] == ["on-campus"] and mapped["languages"] == ["en"]
    record = CourseValidator(vocab).load(mapped)
    assert record["credit"]["ects"] == 7.5 and record["level"]["eqf"] == 7
    assert raw["credit"]["scheme"] == "Example University"  # the adapter's record is left as it was


def test_the_factor_scales_points_and_keeps_whole_numbers_whole():
    profile = profile_from_table({"credit_schemes": {"Uni Points": {"system": "ECTS", "factor": 0.5}}}, source="p")
    assert mapping.apply(profile, {"credit": {"value": 20, "scheme": "uni  points"}})["credit"] == \
        {"value": 10, "scheme": "ECTS"}
    assert mapping.apply(profile, {"credit": {"value": 15, "scheme": "Uni Points"}})["credit"] == \
        {"value": 7.5, "scheme": "ECTS"}


def test_a_level_text_outside_a_credit_block_is_placed_by_the_levels_table(profile):
    raw = {"level": {"source": " higher ", "problem": "no framework"}}
    assert mapping.apply(profile, raw)["level"] == {"source": " higher ", "framework": "SCQF", "value": 6}
    untouched = {"level": {"source": "Level 3", "problem": "no framework"}}
    assert mapping.apply(profile, untouched)["level"] == untouched["level"]


def test_subjects_come_from_free_text_and_listed_codes(profile):
    mapped = mapping.apply(profile, {"subject_keywords": ["HISTORY", "Webcomics"],
                                     "subjects": [{"scheme": "JACS3", "code": "X999"}]})
    assert mapped["subjects"] == [{"scheme": "JACS3", "code": "V100"}, {"scheme": "HECoS", "code": "100302"}]


def test_defaults_only_fill_what_the_record_leaves_empty(profile):
    assert mapping.apply(profile, {"mode": [], "languages": []})["mode"] == ["online-asynchronous"]
    kept = mapping.apply(profile, {"mode": ["blended"], "languages": ["cy"]})
    assert kept["mode"] == ["blended"] and kept["languages"] == ["cy"]


def test_the_empty_profile_changes_nothing():
    raw = {"credit": {"value": 1, "scheme": "Example University"}}
    assert mapping.apply(EMPTY, raw) is raw


@given(st.dictionaries(st.sampled_from(["credit", "level", "subjects", "mode", "languages", "subject_keywords",
                                        "title"]),
                       st.one_of(st.none(), st.text(max_size=5), st.integers(), st.lists(st.text(max_size=5)),
                                 st.dictionaries(st.sampled_from(["value", "scheme", "source", "code"]),
                                                 st.one_of(st.text(max_size=5), st.integers())))))
def test_apply_never_fails_and_never_adds_fields_the_profile_does_not_give(raw):
    profile = parse_profile_text(PROFILE, source="p")
    mapped = mapping.apply(profile, raw)
    assert set(mapped) <= set(raw) | {"mode", "languages", "subjects"}
    for key in set(raw) - {"credit", "level", "subjects", "mode", "languages"}:
        assert mapped[key] == raw[key]


# --- unmapped values -------------------------------------------------------------------------------------


def test_unmapped_values_are_grouped_with_counts_examples_and_the_line_that_maps_them():
    found = UnmappedValues()
    for n in range(3):
        found.note(f"C{n}", {"credit": {"value": 15, "scheme": "Example University"},
                             "level": {"source": "Year 1", "problem": "x", "scheme": "Example University"}},
                   [("credit.scheme", "Must be one of"), ("level", "cannot be placed")])
    found.note("D1", {"subject_keywords": ["History"]}, [("subjects", "Missing data"), ("mode", "Missing data")])
    credit, level, mode, subject = found.as_list()
    assert credit == {"field": "credit.scheme", "value": "Example University", "count": 3, "examples": ["C0", "C1"],
                      "profile_line": '[feed.mapping.credit_schemes."Example University"]'}
    assert level["count"] == 3 and level["profile_line"].startswith(
        '[feed.mapping.credit_schemes."Example University".levels] "Year 1" = { framework = ')
    assert subject["profile_line"] == '[feed.mapping.subjects] "History" = "<HECoS code>"'
    assert mode == {"field": "mode", "value": None, "count": 1, "examples": ["D1"],
                    "profile_line": '[feed.mapping.defaults] mode = ["online-asynchronous"]'}
