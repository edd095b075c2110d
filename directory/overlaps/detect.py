"""Overlap detection: which pairs of courses teach so much the same that credit for both would count the
same learning twice. Pure: course descriptions in, scored pairs with their reasons out; no session, no
clock, no I/O.

Two stages, so that the work grows with the number of courses rather than with its square:

1. **Candidates** by MinHash LSH. Each course's *shingles* are the content terms of everything it says
   (title, learning outcomes, aims, description; ``text.terms``: the register of outcomes such as
   "critically evaluate" set aside), so a course without outcomes is compared on what it has. A signature
   of ``bands * rows`` minimum hashes estimates the Jaccard similarity of two shingle sets; courses whose
   signatures agree on all ``rows`` values of at least one band fall into the same bucket and become
   candidates. Buckets larger than ``bucket_cap`` are vocabulary every course shares, not overlap, and are
   skipped. Candidates whose signatures agree on fewer than ``min_estimate`` of all their values are
   dropped before the (slower) scoring. This stage is deliberately generous: it only has to keep the pairs
   that might overlap.
2. **Scoring** weighs what two courses share by how specific it is (``rarity``): a word common in the
   catalogue, or in the provider's house style (its standard outcome wording, its department's subject),
   weighs little; shared subject-specific content weighs in full. Each part is compared on its own
   (weighted Dice of the parts' terms: learning outcomes, aims, description, title) and so is everything
   together; the score blends the two, is held down until the shared specific content amounts to
   ``evidence`` fully specific words (so one-word outcomes, boilerplate and a shared subject name are never
   enough), and is scaled by the level (EQF, so FHEQ 6 and SCQF 9 are the same level: the same level counts
   in full, adjacent levels ``adjacent_level`` of it, further apart never overlap) and, mildly, by the
   subject (no CAH group in common). The reasons say which parts matched, with the matching passages and
   their specific shared words.

The signature hash is seeded and stable (blake2b), so signatures and band keys computed in different
processes or runs agree and may be stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .rarity import SENTENCE, Rarity
from .text import sentences as text_sentences
from .text import term_set, terms, words

PARTS = ("outcomes", "aims", "description", "title")


@dataclass(frozen=True)
class CourseDescription:
    """What detection needs to know of one course (``key`` is the caller's: a primary key, a string)."""

    key: Hashable
    provider_id: str
    title: str
    summary: str = ""  # the description
    outcomes: tuple[str, ...] = ()
    subjects: frozenset[str] = frozenset()  # CAH codes at every level: "CAH11", "CAH11-01", "CAH11-01-01"
    eqf: int | None = None
    credit: float | None = None  # CATS
    aims: str = ""
    code: str = ""  # the provider's course id ("MATH 201A"): parts of a sequence show in it

    @classmethod
    def from_content(cls, key: Hashable, provider_id: str, content: Mapping[str, Any],
                     code: str = "") -> CourseDescription:
        """From a canonical course record (``catalogue.schema``) and the course's id at its provider."""
        level = content.get("level") or {}
        credit = content.get("credit") or {}
        subjects = frozenset(code for s in content.get("subjects") or ()
                             for code in (s.get("cah3"), s.get("cah2"), s.get("cah1")) if code)
        return cls(key, provider_id, content.get("title") or "", content.get("summary") or "",
                   tuple(o for o in content.get("learning_outcomes") or () if o), subjects, level.get("eqf"),
                   float(credit["cats"]) if credit.get("cats") is not None else None, content.get("aims") or "",
                   code)


@dataclass(frozen=True)
class Tuning:
    """Detection parameters.

    The scoring parameters were set on the ``tune`` halves of the labelled sets in ``tests/data/overlaps``
    (real course text in ``real/``, generated paraphrases beside it) and checked on their held-back halves
    (``test_quality.py`` and ``test_quality_real.py`` print both). The LSH parameters were set with
    ``benchmarks/overlaps.py``: 32 bands of 2 rows make a pair of shingle Jaccard 0.3 a candidate with
    probability 0.95 (0.28: 0.93, 0.4: 0.996), and ``min_estimate`` keeps such pairs for scoring (0.26 and
    0.22 find the same pairs in both labelled sets and the demo). ``bucket_cap`` 60 (from 150) kept every
    planted pair of 200,000 courses (recall 0.998 either way) with 41% fewer candidates.
    """

    bands: int = 32
    rows: int = 2
    bucket_cap: int = 60
    min_estimate: float = 0.26
    threshold: float = 0.38
    weight_outcomes: float = 0.50
    weight_description: float = 0.25
    weight_aims: float = 0.10
    weight_title: float = 0.15
    blend: float = 0.5  # share of the score from everything compared together (the rest: part by part)
    evidence: float = 3.0  # fully specific shared words needed for a full score
    copy: float = 0.8  # ... unless the two share this share of all their terms (Dice), however common
    copy_words: int = 5  # ... and each has at least this many
    unrelated_subjects: float = 0.85  # factor when both name subjects and share no CAH group
    sequence: float = 0.3  # factor for two parts of one sequence (``parts_of_a_sequence``)
    adjacent_level: float = 0.8
    reasons: int = 3
    shared_word: float = 0.25  # weight from which a shared word is named among the reasons

    @property
    def hashes(self) -> int:
        return self.bands * self.rows

    def part_weight(self, part: str) -> float:
        return getattr(self, f"weight_{part}")


DEFAULT = Tuning()


@dataclass(frozen=True)
class Profile:
    """A course's description reduced to term sets, computed once and compared many times."""

    description: CourseDescription
    outcomes: tuple[frozenset[str], ...]
    parts: Mapping[str, frozenset[str]]  # PARTS: "outcomes" is every outcome's terms together
    shingles: frozenset[str]  # every term of the course
    sentences: Mapping[str, frozenset[str]] = field(default_factory=dict)  # sentence key -> its terms

    @property
    def counted(self) -> frozenset[str]:
        """What the course adds to the word counts (``rarity.Rarity.add``): its terms and sentence keys."""
        return self.shingles | self.sentences.keys()

    @property
    def key(self) -> Hashable:
        return self.description.key


@dataclass(frozen=True)
class Weighed:
    """A profile with its terms weighed for its provider (``rarity.Rarity.weights``)."""

    profile: Profile
    weights: Mapping[str, float]
    totals: Mapping[str, float]  # per part, and "all"
    templated: frozenset[str] = frozenset()  # terms the course uses only in its provider's template sentences

    @property
    def key(self) -> Hashable:
        return self.profile.key

    @property
    def description(self) -> CourseDescription:
        return self.profile.description


@dataclass(frozen=True)
class OutcomePair:
    """A passage of the first course, the matching passage of the second, how alike they are, which part
    of the courses they come from, and the specific words they share (as the first course writes them)."""

    outcome: str
    other_outcome: str
    similarity: float
    part: str = "outcomes"
    shared: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """How alike two courses are, part by part (None: a part one of them does not have), and overall."""

    outcomes: float | None
    aims: float | None
    description: float | None
    title: float | None
    overall: float  # everything together
    evidence: float  # the shared specific content, in fully specific words
    subject: float
    level: float
    score: float
    reasons: tuple[OutcomePair, ...] = field(default=())

    @property
    def matched(self) -> tuple[str, ...]:
        """The parts that say the same (named in the reasons)."""
        return tuple(dict.fromkeys(r.part for r in self.reasons))


@dataclass(frozen=True)
class Finding:
    """A pair judged to overlap: keys as given (``a`` is the first of the pair handed in)."""

    a: Hashable
    b: Hashable
    comparison: Comparison

    @property
    def score(self) -> float:
        return self.comparison.score


# --- profiles ------------------------------------------------------------------------------------


def profile(description: CourseDescription) -> Profile:
    found: dict[str, frozenset[str]] = {}

    def passage(text: str) -> frozenset[str]:
        """The passage's terms (its sentences' together), noting its sentences as it goes."""
        split = text_sentences(text)
        for sentence in split:
            if len(sentence) >= 3:  # shorter ones are phrases every catalogue repeats by chance
                found[_sentence_key(sentence)] = frozenset(sentence)
        return frozenset(t for sentence in split for t in sentence)

    outcomes = tuple(passage(o) for o in description.outcomes)
    parts = {"outcomes": frozenset().union(*outcomes), "aims": passage(description.aims),
             "description": passage(description.summary), "title": term_set(description.title)}
    return Profile(description, outcomes, parts, frozenset().union(*parts.values()), found)


def _sentence_key(sentence: tuple[str, ...]) -> str:
    """A sentence's words without codes and numbers, so that "Honors version of Mathematics 4A" and "...
    of Mathematics 4B" are one template."""
    skeleton = " ".join(t for t in sentence if t.isalpha())  # terms are a-z0-9: a digit makes it a code
    return SENTENCE + hashlib.blake2b(skeleton.encode(), digest_size=8).hexdigest()


def rarity_of(profiles: Iterable[Profile]) -> Rarity:
    """The document frequencies of a whole catalogue, from its profiles."""
    return Rarity.of((p.description.provider_id, p.counted) for p in profiles)


def weigh(p: Profile, rarity: Rarity) -> Weighed:
    templates = rarity.templates(p.description.provider_id, p.sentences)
    template_only: set[str] = set()
    if templates:
        template_only = set().union(*(p.sentences[key] for key in templates))
        template_only -= set().union(*(terms for key, terms in p.sentences.items() if key not in templates))
    weights = rarity.weights(p.description.provider_id, p.shingles, template_only)
    totals = {part: sum(weights[t] for t in terms) for part, terms in p.parts.items()}
    totals["all"] = sum(weights.values())
    return Weighed(p, weights, totals, frozenset(template_only))


# --- stage 1: candidates ---------------------------------------------------------------------------

_MASK32 = np.uint64(0xFFFFFFFF)
_EMPTY = np.uint32(0xFFFFFFFF)


@lru_cache(maxsize=500_000)
def _shingle_hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "little")


@lru_cache(maxsize=8)
def _permutations(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Multiply-shift hash functions (a odd), fixed by a seed so signatures are comparable forever."""
    rng = np.random.default_rng(20261123)
    a = rng.integers(1, 2**63, size=count, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=count, dtype=np.uint64)
    return a, b


def signatures(profiles: Sequence[Profile], tuning: Tuning = DEFAULT, chunk: int = 4096) -> np.ndarray:
    """MinHash signatures, one row of ``tuning.hashes`` uint32 values per profile (all-max when a course
    has no shingles: it then matches nothing)."""
    a, b = _permutations(tuning.hashes)
    result = np.full((len(profiles), tuning.hashes), _EMPTY, dtype=np.uint32)
    for start in range(0, len(profiles), chunk):
        part = profiles[start : start + chunk]
        lengths = np.fromiter((len(p.shingles) for p in part), dtype=np.int64, count=len(part))
        if not lengths.sum():
            continue
        values = np.fromiter((_shingle_hash(s) for p in part for s in sorted(p.shingles)), dtype=np.uint64,
                             count=int(lengths.sum()))
        with np.errstate(over="ignore"):
            hashed = ((values[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)) & _MASK32
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        present = lengths > 0
        mins = np.minimum.reduceat(hashed, offsets[present], axis=0).astype(np.uint32)
        rows = np.arange(start, start + len(part))[present]
        result[rows] = mins
    return result


def band_keys(sigs: np.ndarray, tuning: Tuning = DEFAULT) -> np.ndarray:
    """One signed 63-bit key per band and course: the band number in the top bits, a hash of its rows
    below, so keys of different bands never collide and fit a BIGINT column."""
    n = sigs.shape[0]
    grouped = sigs.reshape(n, tuning.bands, tuning.rows).astype(np.uint64)
    mixed = np.zeros((n, tuning.bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(tuning.rows):
            mixed = (mixed ^ grouped[:, :, r]) * np.uint64(0x9E3779B97F4A7C15)
            mixed ^= mixed >> np.uint64(29)
    band = np.arange(tuning.bands, dtype=np.uint64)[None, :] << np.uint64(55)
    keys = band | (mixed >> np.uint64(9))
    empty = (sigs == _EMPTY).all(axis=1)
    keys[empty] = np.uint64(0)  # no shingles, no bucket (the service stores no band rows for them)
    return keys.astype(np.int64)


def candidate_pairs(keys: np.ndarray, tuning: Tuning = DEFAULT) -> np.ndarray:
    """Index pairs (i < j) of courses sharing a band key in a bucket of at most ``bucket_cap`` courses."""
    n = keys.shape[0]
    flat = keys.ravel()
    owners = np.repeat(np.arange(n, dtype=np.int64), keys.shape[1])
    keep = flat != 0
    flat, owners = flat[keep], owners[keep]
    order = np.argsort(flat, kind="stable")
    flat, owners = flat[order], owners[order]
    starts = np.flatnonzero(np.concatenate(([True], flat[1:] != flat[:-1])))
    sizes = np.diff(np.concatenate((starts, [flat.size])))
    chosen = (sizes >= 2) & (sizes <= tuning.bucket_cap)
    encoded: list[np.ndarray] = []
    for size in np.unique(sizes[chosen]):
        group_starts = starts[chosen & (sizes == size)]
        members = owners[group_starts[:, None] + np.arange(size)[None, :]]  # (buckets, size)
        i, j = np.triu_indices(size, k=1)
        left, right = members[:, i].ravel(), members[:, j].ravel()
        low, high = np.minimum(left, right), np.maximum(left, right)
        encoded.append(low * n + high)
    if not encoded:
        return np.empty((0, 2), dtype=np.int64)
    unique = np.unique(np.concatenate(encoded))
    return np.stack((unique // n, unique % n), axis=1)


def estimated_similarity(sigs: np.ndarray, pairs: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """The share of signature values two courses agree on: an estimate of their shingles' Jaccard."""
    result = np.empty(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        result[start : start + len(part)] = (sigs[part[:, 0]] == sigs[part[:, 1]]).mean(axis=1)
    return result


# --- stage 2: scoring ----------------------------------------------------------------------------


def weighted_dice(x: frozenset[str], y: frozenset[str], a: Weighed, b: Weighed,
                  total_x: float | None = None, total_y: float | None = None) -> float:
    """Dice of two term sets with each shared term counted at the smaller of its two weights."""
    if not x or not y:
        return 0.0
    total_x = sum(a.weights[t] for t in x) if total_x is None else total_x
    total_y = sum(b.weights[t] for t in y) if total_y is None else total_y
    if total_x + total_y <= 0:
        return 0.0
    shared = sum(min(a.weights[t], b.weights[t]) for t in x & y)
    return 2 * shared / (total_x + total_y)


def subject_closeness(a: frozenset[str], b: frozenset[str]) -> float:
    """1 for a shared CAH3 subject, 0.7 for a shared CAH2 group, 0.4 for CAH1, 0 for none; 0.5 unknown."""
    if not a or not b:
        return 0.5
    shared = a & b
    if not shared:
        return 0.0
    depth = max(code.count("-") for code in shared)
    return (0.4, 0.7, 1.0)[min(depth, 2)]


def level_factor(a: int | None, b: int | None, tuning: Tuning = DEFAULT) -> float:
    if a is None or b is None:
        return 1.0
    gap = abs(a - b)
    return 1.0 if gap == 0 else tuning.adjacent_level if gap == 1 else 0.0


# A part marker at the end of a title ("Computer Science II", "Calculus, Second Course", "Spanish 2",
# "Real Analysis (Part B)") or of a course code ("MATH 201A" after "MATH 201B").
_TITLE_PART = re.compile(r"[\s,:;(\-–]*(?:part\s+)?\b([ivx]{1,4}|\d{1,2}|[a-d]|one|two|three|four|"
                         r"first|second|third|fourth)(?:\s+course|\s+part)?\)?\s*$", re.IGNORECASE)
_CODE_PART = re.compile(r"^(.*\d)([A-Da-d])$")
_ORDINALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
             "a": 1, "b": 2, "c": 3, "d": 4, "one": 1, "two": 2, "three": 3, "four": 4, "first": 1,
             "second": 2, "third": 3, "fourth": 4}


def _part(title: str) -> tuple[tuple[str, ...], int | None]:
    """A title's terms without its part marker, and the part's number (None: no marker)."""
    match = _TITLE_PART.search(title)
    if not match:
        return terms(title), None
    marker = match.group(1).casefold()
    number = int(marker) if marker.isdigit() else _ORDINALS.get(marker)
    return terms(title[: match.start()]), number


def parts_of_a_sequence(a: CourseDescription, b: CourseDescription) -> bool:
    """Two different parts of one sequence: the same title but for the part ("Computer Science I" and
    "II"; "I" and "1" are the same part), or the same code but for a final part letter ("MATH 201A",
    "MATH 201B") with titles that share at least half their words. Real catalogues often give every part of a sequence one description; taking part
    II after part I is a progression, not a repeat, so shared text counts for less (``Tuning.sequence``)."""
    (stem_a, part_a), (stem_b, part_b) = _part(a.title.strip()), _part(b.title.strip())
    if stem_a and stem_a == stem_b and part_a is not None and part_b is not None:
        return part_a != part_b
    code_a, code_b = _CODE_PART.match(a.code.strip()), _CODE_PART.match(b.code.strip())
    if not (code_a and code_b and code_a.group(1) == code_b.group(1)
            and code_a.group(2).upper() != code_b.group(2).upper()):
        return False
    if a.title.strip().casefold() == b.title.strip().casefold():
        return True
    title_a, title_b = set(terms(a.title)), set(terms(b.title))
    return bool(title_a) and 4 * len(title_a & title_b) >= len(title_a) + len(title_b)  # Dice >= 0.5


# "Workshop: [Topic]", "Special Studies: <topic>", "Experimental course - topic varies."
_VARIABLE_TOPIC = re.compile(r"\[[^\]]*\]|<[^>]*>|\btopics?\s+(?:varies|vary|change)\b|\bvariable\s+topics?\b",
                             re.IGNORECASE)


def variable_topic(course: CourseDescription) -> bool:
    """A course whose content changes from one offering to the next (its title holds a placeholder, or it
    says its topic varies): its text describes a kind of course, not what is learnt, so text never makes
    it an overlap (two such courses share only the kind)."""
    return bool(_VARIABLE_TOPIC.search(course.title) or _VARIABLE_TOPIC.search(course.summary))


def compare(a: Weighed, b: Weighed, tuning: Tuning = DEFAULT, *, explain: bool = True) -> Comparison:
    """Every part of the similarity of two courses, the score, and (``explain``) the passages behind it."""
    level = level_factor(a.description.eqf, b.description.eqf, tuning)
    similarity: dict[str, float | None] = {}
    for part in PARTS:
        x, y = a.profile.parts[part], b.profile.parts[part]
        if x and y and a.totals[part] > 0 and b.totals[part] > 0:
            similarity[part] = weighted_dice(x, y, a, b, a.totals[part], b.totals[part])
        else:
            similarity[part] = None
    present = [part for part in PARTS if similarity[part] is not None]
    by_part = (sum(tuning.part_weight(p) * similarity[p] for p in present)  # type: ignore[operator]
               / sum(tuning.part_weight(p) for p in present)) if present else 0.0
    overall = weighted_dice(a.profile.shingles, b.profile.shingles, a, b, a.totals["all"], b.totals["all"])
    evidence = sum(min(a.weights[t], b.weights[t]) for t in a.profile.shingles & b.profile.shingles)
    subject = subject_closeness(a.description.subjects, b.description.subjects)
    content = tuning.blend * overall + (1 - tuning.blend) * by_part
    # A template sentence is not evidence between different courses; two courses with one title (numbers
    # aside) and one text are the same course listed twice, whatever their words.
    same_title = _title_key(a.description) == _title_key(b.description) != ()
    x, y = (a.profile.shingles, b.profile.shingles) if same_title else \
        (a.profile.shingles - a.templated, b.profile.shingles - b.templated)
    if not _near_copy(x, y, tuning):
        content *= min(1.0, evidence / tuning.evidence)
    score = level * content * (tuning.unrelated_subjects if subject == 0.0 else 1.0)
    if parts_of_a_sequence(a.description, b.description):
        score *= tuning.sequence
    if variable_topic(a.description) or variable_topic(b.description):
        score = 0.0
    reasons = _reasons(a, b, similarity, tuning) if explain else ()

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return Comparison(rounded(similarity["outcomes"]), rounded(similarity["aims"]),
                      rounded(similarity["description"]), rounded(similarity["title"]), round(overall, 4),
                      round(evidence, 3), subject, level, round(score, 4), reasons)


def _title_key(course: CourseDescription) -> tuple[str, ...]:
    """A title's words without numbers and codes ("Algebra for MATH 107" and "... MATH 113" are one)."""
    return tuple(t for t in terms(course.title) if t.isalpha())


def _near_copy(x: frozenset[str], y: frozenset[str], tuning: Tuning) -> bool:
    """Two courses that say nearly the same words, however common their words are (a one-line description
    in a department's own vocabulary, copied): the amount shared is the evidence."""
    return min(len(x), len(y)) >= tuning.copy_words and 2 * len(x & y) >= tuning.copy * (len(x) + len(y))


_PASSAGE = {"aims": lambda d: d.aims, "description": lambda d: d.summary, "title": lambda d: d.title}


def _reasons(a: Weighed, b: Weighed, similarity: Mapping[str, float | None],
             tuning: Tuning) -> tuple[OutcomePair, ...]:
    """The closest outcome pairs (each outcome used once, best first, at most ``tuning.reasons``), then the
    aims, description and title when they match, each with the specific words the two share."""
    reasons: list[OutcomePair] = []
    xs, ys = a.profile.outcomes, b.profile.outcomes
    cells = sorted(((weighted_dice(x, y, a, b), i, j) for i, x in enumerate(xs) for j, y in enumerate(ys)
                    if x & y), key=lambda cell: (-cell[0], cell[1], cell[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    for value, i, j in cells:
        if len(reasons) == tuning.reasons or value < 0.1:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        reasons.append(_passage(a, b, "outcomes", a.description.outcomes[i], b.description.outcomes[j],
                                xs[i] & ys[j], value, tuning))
    for part in ("aims", "description", "title"):
        value = similarity[part]
        if value is not None and value >= 0.2:
            shared = a.profile.parts[part] & b.profile.parts[part]
            reasons.append(_passage(a, b, part, _PASSAGE[part](a.description), _PASSAGE[part](b.description),
                                    shared, value, tuning))
    return tuple(reasons)


def _passage(a: Weighed, b: Weighed, part: str, mine: str, theirs: str, shared: frozenset[str], value: float,
             tuning: Tuning) -> OutcomePair:
    specific = {t for t in shared if min(a.weights[t], b.weights[t]) >= tuning.shared_word}
    named = tuple(dict.fromkeys(word for word, t in words(mine) if t in specific))
    return OutcomePair(mine, theirs, round(value, 3), part, named)


def judge(a: Weighed, b: Weighed, tuning: Tuning = DEFAULT) -> Finding | None:
    """The pair as a finding when it scores at least the threshold, else None (explained only then)."""
    if level_factor(a.description.eqf, b.description.eqf, tuning) == 0.0:
        return None
    if compare(a, b, tuning, explain=False).score < tuning.threshold:
        return None
    return Finding(a.key, b.key, compare(a, b, tuning))


# --- both stages ---------------------------------------------------------------------------------


def likely_pairs(sigs: np.ndarray, pairs: np.ndarray, tuning: Tuning = DEFAULT) -> np.ndarray:
    """The candidate pairs whose signatures agree on at least ``min_estimate`` of their values."""
    if len(pairs) == 0:
        return pairs
    return pairs[estimated_similarity(sigs, pairs) >= tuning.min_estimate]


def judge_pairs(weighed: Mapping[int, Weighed] | Sequence[Weighed], pairs: Iterable[tuple[int, int]],
                tuning: Tuning = DEFAULT) -> list[Finding]:
    """Findings among index pairs of ``weighed``; each finding's ``a`` is its pair's first course."""
    findings = []
    for i, j in pairs:
        finding = judge(weighed[i], weighed[j], tuning)
        if finding is not None:
            findings.append(finding)
    return findings


def detect(descriptions: Iterable[CourseDescription], tuning: Tuning = DEFAULT) -> list[Finding]:
    """Every overlapping pair among the descriptions (a course never overlaps itself), the descriptions
    being the whole catalogue the words are weighed in."""
    profiles = [profile(d) for d in descriptions]
    rarity = rarity_of(profiles)
    sigs = signatures(profiles, tuning)
    candidates = likely_pairs(sigs, candidate_pairs(band_keys(sigs, tuning), tuning), tuning).tolist()
    involved = {n for pair in candidates for n in pair}
    weighed = {n: weigh(profiles[n], rarity) for n in involved}
    return judge_pairs(weighed, candidates, tuning)
