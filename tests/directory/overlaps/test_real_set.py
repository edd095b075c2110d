"""Integrity of the real-text overlap evaluation set (tests/data/overlaps/real, built by its build.py).

Only the data's shape is checked here: that every pair names courses that exist, that ids are unique,
that both halves hold positives and negatives, and that every catalogue names its source and licence.
It does not measure the detector."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[2] / "data" / "overlaps" / "real"
CATALOGUES = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted((REAL / "catalogues").glob("*.json"))}
PAIRS = json.loads((REAL / "pairs.json").read_text(encoding="utf-8"))
CATEGORIES = {"declared_exclusion", "cross_listed", "replacement", "shared_syllabus", "common_course_number", "level_pair", "honours_version", "same_content",
              "same_department", "same_subject_progression", "other_provider_same_subject", "random"}
COURSES = {f"{slug}:{course['key']}": course for slug, catalogue in CATALOGUES.items() for course in catalogue["courses"]}


def test_there_are_several_catalogues_each_named_by_its_file():
    assert len(CATALOGUES) >= 3
    for slug, catalogue in CATALOGUES.items():
        assert catalogue["provider"]["id"] == slug
        assert catalogue["provider"]["name"].strip()
        assert len(catalogue["courses"]) >= 20


@pytest.mark.parametrize("slug", sorted(CATALOGUES))
def test_every_catalogue_names_its_source_and_licence(slug):
    source = CATALOGUES[slug]["source"]
    for field in ("repository", "path", "commit", "url", "licence", "retrieved"):
        assert isinstance(source.get(field), str) and source[field].strip(), field
    assert len(source["commit"]) == 40


@pytest.mark.parametrize("slug", sorted(CATALOGUES))
def test_courses_have_unique_keys_and_the_expected_fields(slug):
    courses = CATALOGUES[slug]["courses"]
    keys = [course["key"] for course in courses]
    assert len(keys) == len(set(keys))
    for course in courses:
        assert course["title"].strip()
        assert isinstance(course["summary"], str) and isinstance(course["aims"], str)
        assert isinstance(course["learning_outcomes"], list)
        assert isinstance(course["subjects"], list)
        assert isinstance(course["excludes_stated"], str)
        level = course["level"]
        assert level is None or (set(level) == {"framework", "value", "eqf"} and 1 <= level["eqf"] <= 8)
        assert course["credit"] is None or isinstance(course["credit"]["cats"], int)


def test_every_pair_names_two_courses_that_exist():
    known = {f"{slug}:{course['key']}" for slug, catalogue in CATALOGUES.items() for course in catalogue["courses"]}
    for pair in PAIRS:
        assert pair["a"] in known, pair["id"]
        assert pair["b"] in known, pair["id"]
        assert pair["a"] != pair["b"], pair["id"]


def test_pair_ids_and_course_pairs_are_unique():
    ids = [pair["id"] for pair in PAIRS]
    assert len(ids) == len(set(ids))
    couples = [frozenset((pair["a"], pair["b"])) for pair in PAIRS]
    assert len(couples) == len(set(couples))


def test_pairs_are_well_formed():
    assert len(PAIRS) >= 300
    for pair in PAIRS:
        assert pair["split"] in ("tune", "holdout")
        assert isinstance(pair["overlap"], bool)
        assert pair["category"] in CATEGORIES
        assert pair["why"].strip()


def test_both_halves_hold_positives_and_negatives():
    counts = Counter((pair["split"], pair["overlap"]) for pair in PAIRS)
    for split in ("tune", "holdout"):
        assert counts[(split, True)] > 0 and counts[(split, False)] > 0
    positives = counts[("tune", True)] + counts[("holdout", True)]
    assert abs(counts[("tune", True)] - counts[("holdout", True)]) <= max(2, positives // 10)


def test_at_least_half_the_negatives_are_hard():
    negatives = [pair for pair in PAIRS if not pair["overlap"]]
    hard = [pair for pair in negatives if pair["category"] in ("same_department", "same_subject_progression")]
    assert 2 * len(hard) >= len(negatives)


def test_positive_categories_are_positive_and_negative_categories_negative():
    for pair in PAIRS:
        if pair["category"] in ("same_department", "same_subject_progression", "other_provider_same_subject", "random"):
            assert pair["overlap"] is False, pair["id"]
        else:
            assert pair["overlap"] is True, pair["id"]


def test_pair_ids_run_on_without_gaps():
    assert [pair["id"] for pair in PAIRS] == [f"r{i:04d}" for i in range(1, len(PAIRS) + 1)]


def test_no_negative_pair_names_the_other_course_in_its_exclusion_text():
    for pair in PAIRS:
        if pair["overlap"]:
            continue
        a, b = COURSES[pair["a"]], COURSES[pair["b"]]
        assert b["key"].replace(" ", "") not in a["excludes_stated"].replace(" ", ""), pair["id"]
        assert a["key"].replace(" ", "") not in b["excludes_stated"].replace(" ", ""), pair["id"]
