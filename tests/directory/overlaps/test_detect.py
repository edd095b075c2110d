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


def weighed(*courses):
    """The courses weighed in the catalogue they make together."""
    profiles = [detect.profile(c) for c in courses]
    rarity = detect.rarity_of(profiles)
    return [detect.weigh(p, rarity) for p in profiles]


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
    assert best.similarity >= 0.5 and best.part == "outcomes"
    assert [r.part for r in finding.comparison.reasons] == ["outcomes"] * 3 + ["description", "title"]
    assert finding.comparison.matched == ("outcomes", "description", "title")
    assert "IFRS" in best.shared  # the specific words the two passages share, as written


def test_reasons_pair_each_outcome_with_its_counterpart():
    comparison = detect.compare(*weighed(GROUP_ACCOUNTS, REWRITTEN))
    pairs = {(r.outcome[:12], r.other_outcome[:12]) for r in comparison.reasons if r.part == "outcomes"}
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
    assert detect.judge(*weighed(GROUP_ACCOUNTS, far)) is None


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


# --- what counts as evidence -----------------------------------------------------------------------

HOUSE = "Demonstrate knowledge of the principal theories of {0}; apply the methods of {0} to unseen problems"


def department(provider, topics, subjects=frozenset({"CAH09", "CAH09-01", "CAH09-01-01"})):
    """A mathematics department that writes every module's outcomes in its house style."""
    return [course(f"{provider}-{n}", [HOUSE.format(topic), f"Communicate mathematical arguments on {topic} in "
                                       "writing, with rigorous proofs in the style of the department"],
                   title=topic.capitalize(), subjects=subjects, provider=provider)
            for n, topic in enumerate(topics)]


TOPICS = ["complex analysis", "number theory and mathematical logic", "linear algebra", "group theory",
          "probability", "numerical methods", "differential equations", "topology", "graph theory",
          "statistics", "mechanics", "fluid dynamics"]


def test_a_providers_house_style_is_not_evidence():
    """Real catalogues: different modules of one department share the university's standard wording."""
    assert detect.detect(department("U1", TOPICS)) == []


def test_the_same_module_twice_in_a_house_style_is_still_found():
    modules = department("U1", TOPICS)
    replacement = course("U1-new", [*modules[0].outcomes, "Evaluate contour integrals with the residue theorem "
                                    "and apply conformal mappings"], title="Complex analysis (from 2026)",
                         subjects=modules[0].subjects, provider="U1")
    modules[0] = course(modules[0].key, [*modules[0].outcomes, "Evaluate contour integrals using the residue "
                                         "theorem; apply conformal maps"], title=modules[0].title,
                        subjects=modules[0].subjects, provider="U1")
    findings = detect.detect([*modules, replacement])
    assert [(f.a, f.b) for f in findings] == [("U1-0", "U1-new")]
    shared = {w.lower() for r in findings[0].comparison.reasons for w in r.shared}
    assert {"contour", "residue", "conformal"} <= shared
    assert not shared & {"proofs", "rigorous", "department"}  # the house style is not named as evidence


def test_one_word_outcomes_and_a_shared_subject_name_are_never_enough():
    a = course("a", ["Accounting"], title="Accounting", summary="")
    b = course("b", ["Accounting"], title="Accounting", summary="", provider="P2")
    others = [course(f"x{n}", [f"Topic {n} number {n * 7}"], title=f"Other {n}") for n in range(20)]
    assert detect.detect([a, b, *others]) == []


def test_courses_without_outcomes_are_compared_on_what_they_have():
    a = course("a", [], summary=GROUP_ACCOUNTS.summary + " Goodwill, associates, joint ventures, IFRS 10 and "
               "the equity method, intra-group transactions and unrealised profit.")
    b = course("b", [], summary=REWRITTEN.summary + " Covers goodwill and non-controlling interests, the equity "
               "method for associates and joint ventures, and unrealised intra-group profit under IFRS 10.",
               provider="P2")
    [finding] = detect.detect([a, b, SAME_JARGON_OTHER_SUBJECT])
    assert finding.comparison.outcomes is None and finding.comparison.matched[0] == "description"


def test_outcomes_in_another_language_are_compared_on_what_they_have_and_never_crash():
    welsh = course("cy", ["Paratoi datganiadau ariannol cyfunol ar gyfer rhiant-gwmni a'i is-gwmnïau",
                          "Cyfrif am ewyllys da a buddiannau nad ydynt yn rheoli"], title="Cyfrifon grŵp",
                   provider="P3")
    greek = course("el", ["Κατάρτιση ενοποιημένων οικονομικών καταστάσεων"], title="Λογιστική ομίλων", provider="P4")
    empty = course("empty", [], title="", summary="")
    assert detect.detect([GROUP_ACCOUNTS, welsh, greek, empty]) == []


def test_template_sentences_of_a_provider_are_not_evidence():
    """'Honors version of Mathematics 4A. Mathematical inquiry course ...' written for three courses."""
    template = "Honors version of Mathematics {0}. Mathematical inquiry course is developed through problem solving and discovery."
    honours = [course(f"h{n}", [], title=f"Inquiry based {topic}", summary=template.format(code), provider="U")
               for n, (code, topic) in enumerate([("4A", "linear algebra"), ("4B", "differential equations"),
                                                   ("6A", "vector calculus")])]
    others = department("U", TOPICS)
    assert detect.detect([*honours, *others]) == []
    # The same two sentences in only two courses could be one course listed twice: they still count.
    assert detect.detect([*honours[:2], *others]) != []


def test_parts_of_one_sequence_sharing_a_description_are_a_progression():
    text = "Basic concepts and practices of computer science: algorithmic problem solving, abstraction, " \
           "object-oriented design and programming, software organisation, analysis of algorithms."
    parts = [course(n, [], title=f"Computer Science {n}", summary=text, subjects=frozenset()) for n in ("I", "II", "III")]
    assert detect.detect(parts) == []
    same_part = [course("a", [], title="Computer Science I", summary=text),
                 course("b", [], title="Computer science 1", summary=text, provider="P2")]
    assert len(detect.detect(same_part)) == 1
    coded = [CourseDescription(key, "U", "Real Analysis", "Measure theory and integration; point set topology; "
                               "Lp spaces; the Riesz representation theorem.", eqf=7, code=key)
             for key in ("MATH 201A", "MATH 201B")]
    assert detect.parts_of_a_sequence(*coded) and detect.detect(coded) == []


def test_a_course_whose_topic_varies_is_never_flagged_on_its_placeholder_text():
    text = "An intensive experience, limited in scope and time, in which a group of students focus on skills " \
           "development rather than content mastery."
    workshops = [course(n, [], title="Workshop: [Topic]", summary=text, eqf=7, provider=f"P{n}") for n in range(2)]
    assert detect.variable_topic(workshops[0])
    assert detect.detect(workshops) == []
