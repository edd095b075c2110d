"""The overlap engine, pure: descriptions in, scored pairs with their reasons out."""

from __future__ import annotations

import numpy as np

from directory.overlaps import detect
from directory.overlaps.detect import CourseDescription, Tuning
from directory.overlaps.text import term_set, terms

ACCOUNTING = frozenset({"CAH17", "CAH17-01", "CAH17-01-08"})
MARKETING = frozenset({"CAH17", "CAH17-01", "CAH17-01-03"})
NURSING = frozenset({"CAH02", "CAH02-04", "CAH02-04-01"})


def course(key, outcomes, title="Group accounts", summary="", subjects=ACCOUNTING, eqf=6, provider="P1"):
    return CourseDescription(key, provider, title, summary, tuple(outcomes), subjects, eqf, 15.0)


GROUP_ACCOUNTS = course("a", [
    "Prepare consolidated financial statements for a parent and its subsidiaries",
    "Account for goodwill and non-controlling interests on acquisition",
    "Explain the treatment of associates and joint ventures under the equity method",
    "Apply IFRS 10 to intra-group transactions and unrealised profit",
], summary="Consolidation of group accounts under IFRS for finance professionals.")

REWRITTEN = course("b", [
    "Eliminate intra-group transactions and unrealized profits in line with IFRS 10",
    "Produce the consolidated financial statements of a parent company and subsidiaries",
    "Use the equity method to account for associates and joint ventures",
    "Measure goodwill and non-controlling interest arising on an acquisition",
], title="Consolidated accounts for groups", summary="Group accounting and consolidation under IFRS.",
    provider="P2")

SAME_JARGON_OTHER_SUBJECT = course("c", [
    "Critically evaluate risk management frameworks in clinical governance",
    "Apply evidence-based practice to the safe administration of medicines",
    "Demonstrate stakeholder engagement when planning person-centred care",
], title="Risk and governance in nursing", subjects=NURSING)


def test_terms_set_aside_the_register_of_outcomes():
    assert terms("Critically evaluate and demonstrate a systematic understanding of") == ()
    assert terms("Analyse consolidated accounts") == ("consolid", "account")


def test_terms_fold_spelling_and_inflection():
    assert term_set("organizational behavior") == term_set("organisational behaviour")
    assert term_set("analyzing markets") == term_set("the analysis of a market")


def test_a_rewritten_course_overlaps_and_says_which_outcomes_match():
    [finding] = detect.detect([GROUP_ACCOUNTS, REWRITTEN])
    assert {finding.a, finding.b} == {"a", "b"}
    assert finding.score >= Tuning().threshold
    best = finding.comparison.reasons[0]
    assert best.similarity >= 0.5
    assert len(finding.comparison.reasons) == 3


def test_reasons_pair_each_outcome_with_its_counterpart():
    comparison = detect.compare(detect.profile(GROUP_ACCOUNTS), detect.profile(REWRITTEN))
    pairs = {(r.outcome[:12], r.other_outcome[:12]) for r in comparison.reasons}
    assert pairs <= {("Prepare cons", "Produce the "), ("Account for ", "Measure good"),
                     ("Explain the ", "Use the equi"), ("Apply IFRS 1", "Eliminate in")}


def test_shared_jargon_in_another_subject_is_not_an_overlap():
    assert detect.detect([GROUP_ACCOUNTS, SAME_JARGON_OTHER_SUBJECT]) == []


def test_a_course_never_overlaps_itself_but_its_copy_does():
    copy = course("copy", GROUP_ACCOUNTS.outcomes, provider="P1")
    findings = detect.detect([GROUP_ACCOUNTS, copy])
    assert [(f.a, f.b) for f in findings] == [("a", "copy")]
    assert findings[0].comparison.outcomes == 1.0


def test_the_same_level_in_another_framework_counts_in_full():
    scqf9 = course("b", REWRITTEN.outcomes, title=REWRITTEN.title, eqf=6)  # SCQF 9 is EQF 6
    assert detect.level_factor(GROUP_ACCOUNTS.eqf, scqf9.eqf) == 1.0


def test_adjacent_levels_count_less_and_distant_levels_never_overlap():
    assert detect.level_factor(6, 7) == Tuning().adjacent_level
    far = course("far", GROUP_ACCOUNTS.outcomes, eqf=8)
    assert detect.judge(detect.profile(GROUP_ACCOUNTS), detect.profile(far)) is None


def test_subject_closeness_follows_the_cah_hierarchy():
    assert detect.subject_closeness(ACCOUNTING, ACCOUNTING) == 1.0
    assert detect.subject_closeness(ACCOUNTING, MARKETING) == 0.7
    assert detect.subject_closeness(ACCOUNTING, NURSING) == 0.0
    assert detect.subject_closeness(frozenset(), NURSING) == 0.5


def test_signatures_are_stable_across_calls_and_empty_courses_match_nothing():
    empty = course("e", [], title="")
    profiles = [detect.profile(GROUP_ACCOUNTS), detect.profile(empty)]
    first, second = detect.signatures(profiles), detect.signatures(profiles)
    assert np.array_equal(first, second)
    keys = detect.band_keys(first)
    assert (keys[1] == 0).all() and (keys[0] != 0).all()
    assert len(set(keys[0].tolist())) == Tuning().bands  # band number in the key: bands never collide


def test_candidates_come_only_from_shared_buckets_under_the_cap():
    keys = np.array([[1 << 55 | 5, 2 << 55 | 9], [1 << 55 | 5, 2 << 55 | 8], [1 << 55 | 6, 2 << 55 | 9],
                     [1 << 55 | 7, 2 << 55 | 7]], dtype=np.int64)
    pairs = detect.candidate_pairs(keys, Tuning(bands=2))
    assert pairs.tolist() == [[0, 1], [0, 2]]
    capped = detect.candidate_pairs(np.array([[3], [3], [3]], dtype=np.int64), Tuning(bands=1, rows=2, bucket_cap=2))
    assert capped.tolist() == []


def test_detection_scales_by_buckets_not_by_all_pairs():
    """A thousand unrelated courses and one planted copy: the copy is found among few candidates."""
    rng = np.random.default_rng(1)
    vocabulary = [f"topic{n}" for n in range(5000)]
    courses = [course(n, [" ".join(rng.choice(vocabulary, 6)) for _ in range(4)], title=f"Course {n}")
               for n in range(1000)]
    courses.append(course("copy", courses[10].outcomes, title=courses[10].title))
    profiles = [detect.profile(c) for c in courses]
    sigs = detect.signatures(profiles)
    candidates = detect.candidate_pairs(detect.band_keys(sigs))
    assert len(candidates) < 1000  # against 500,500 pairs
    assert [(f.a, f.b) for f in detect.detect(courses)] == [(10, "copy")]
