"""Overlap detection: which pairs of courses teach so much the same that credit for both would count the
same learning twice. Pure: course descriptions in, scored pairs with their reasons out; no session, no
clock, no I/O.

Two stages, so that the work grows with the number of courses rather than with its square:

1. **Candidates** by MinHash LSH. Each course's *shingles* are the content terms of its learning outcomes
   and title (``text.terms``: register words such as "critically evaluate" set aside). A signature of
   ``bands * rows`` minimum hashes estimates the Jaccard similarity of two shingle sets; courses whose
   signatures agree on all ``rows`` values of at least one band fall into the same bucket and become
   candidates. Buckets larger than ``bucket_cap`` are vocabulary every course shares, not overlap, and are
   skipped. Candidates whose signatures agree on fewer than ``min_estimate`` of all their values are
   dropped before the (slower) scoring.
2. **Scoring** explains itself. Every outcome of one course is compared with every outcome of the other
   (Dice coefficient of their content terms); each side's *coverage* is the mean of its outcomes' best
   match. The score is a weighted mean of outcome coverage, title, summary and subject closeness (shared
   CAH group), scaled by a level factor on the EQF level (so FHEQ 6 and SCQF 9 are the same level): the
   same level counts in full, adjacent levels count ``adjacent_level`` of it, further apart never overlap.
   The reasons are the best one-to-one outcome pairs with their similarity.

The signature hash is seeded and stable (blake2b), so signatures and band keys computed in different
processes or runs agree and may be stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .text import term_set


@dataclass(frozen=True)
class CourseDescription:
    """What detection needs to know of one course (``key`` is the caller's: a primary key, a string)."""

    key: Hashable
    provider_id: str
    title: str
    summary: str = ""
    outcomes: tuple[str, ...] = ()
    subjects: frozenset[str] = frozenset()  # CAH codes at every level: "CAH11", "CAH11-01", "CAH11-01-01"
    eqf: int | None = None
    credit: float | None = None  # CATS

    @classmethod
    def from_content(cls, key: Hashable, provider_id: str, content: Mapping[str, Any]) -> CourseDescription:
        """From a canonical course record (``catalogue.schema``)."""
        level = content.get("level") or {}
        credit = content.get("credit") or {}
        subjects = frozenset(code for s in content.get("subjects") or ()
                             for code in (s.get("cah3"), s.get("cah2"), s.get("cah1")) if code)
        return cls(key, provider_id, content.get("title") or "", content.get("summary") or "",
                   tuple(content.get("learning_outcomes") or ()), subjects, level.get("eqf"),
                   float(credit["cats"]) if credit.get("cats") is not None else None)


@dataclass(frozen=True)
class Tuning:
    """Detection parameters.

    ``threshold`` was set on the tuning half of ``tests/data/overlaps`` (0.45-0.50 separate it; the low
    end favours recall, since a person confirms or dismisses). The LSH parameters were set with
    ``benchmarks/overlaps.py``: 32 bands of 2 rows make a pair of shingle Jaccard 0.3 a candidate with
    probability 0.95 (0.28: 0.93, 0.4: 0.996), and ``min_estimate`` 0.22 keeps such pairs for scoring.
    """

    bands: int = 32
    rows: int = 2
    bucket_cap: int = 150
    min_estimate: float = 0.22
    threshold: float = 0.45
    weight_outcomes: float = 0.65
    weight_title: float = 0.15
    weight_summary: float = 0.10
    weight_subject: float = 0.10
    adjacent_level: float = 0.8
    reasons: int = 3

    @property
    def hashes(self) -> int:
        return self.bands * self.rows


DEFAULT = Tuning()


@dataclass(frozen=True)
class Profile:
    """A course's description reduced to term sets, computed once and compared many times."""

    description: CourseDescription
    outcomes: tuple[frozenset[str], ...]
    title: frozenset[str]
    summary: frozenset[str]
    shingles: frozenset[str]

    @property
    def key(self) -> Hashable:
        return self.description.key


@dataclass(frozen=True)
class OutcomePair:
    """One outcome of the first course, its closest outcome in the second, and how alike they are."""

    outcome: str
    other_outcome: str
    similarity: float


@dataclass(frozen=True)
class Comparison:
    """How alike two courses are, part by part, and the overall score."""

    outcomes: float
    title: float
    summary: float
    subject: float
    level: float
    score: float
    reasons: tuple[OutcomePair, ...] = field(default=())


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
    outcomes = tuple(term_set(o) for o in description.outcomes)
    title = term_set(description.title)
    shingles = frozenset().union(title, *outcomes)
    return Profile(description, outcomes, title, term_set(description.summary), shingles)


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


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


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


def compare(a: Profile, b: Profile, tuning: Tuning = DEFAULT) -> Comparison:
    """Every part of the similarity of two courses, the score, and the outcome pairs that explain it."""
    level = level_factor(a.description.eqf, b.description.eqf, tuning)
    matrix = [[dice(x, y) for y in b.outcomes] for x in a.outcomes]
    if matrix and matrix[0]:
        cover_a = sum(max(row) for row in matrix) / len(matrix)
        cover_b = sum(max(column) for column in zip(*matrix, strict=True)) / len(matrix[0])
        outcomes = (cover_a + cover_b) / 2
    else:
        outcomes = 0.0
    title = dice(a.title, b.title)
    summary = dice(a.summary, b.summary)
    subject = subject_closeness(a.description.subjects, b.description.subjects)
    content = (tuning.weight_outcomes * outcomes + tuning.weight_title * title
               + tuning.weight_summary * summary + tuning.weight_subject * subject)
    return Comparison(round(outcomes, 4), round(title, 4), round(summary, 4), subject, level,
                      round(level * content, 4), _reasons(a, b, matrix, tuning.reasons))


def _reasons(a: Profile, b: Profile, matrix: list[list[float]], limit: int) -> tuple[OutcomePair, ...]:
    """The most similar outcome pairs, each outcome used once, best first."""
    cells = sorted(((s, i, j) for i, row in enumerate(matrix) for j, s in enumerate(row) if s > 0),
                   key=lambda cell: (-cell[0], cell[1], cell[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    reasons: list[OutcomePair] = []
    for similarity, i, j in cells:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        reasons.append(OutcomePair(a.description.outcomes[i], b.description.outcomes[j], round(similarity, 3)))
        if len(reasons) == limit:
            break
    return tuple(reasons)


def judge(a: Profile, b: Profile, tuning: Tuning = DEFAULT) -> Finding | None:
    """The pair as a finding when it scores at least the threshold, else None."""
    if level_factor(a.description.eqf, b.description.eqf, tuning) == 0.0:
        return None
    comparison = compare(a, b, tuning)
    return Finding(a.key, b.key, comparison) if comparison.score >= tuning.threshold else None


# --- both stages ---------------------------------------------------------------------------------


def likely_pairs(sigs: np.ndarray, pairs: np.ndarray, tuning: Tuning = DEFAULT) -> np.ndarray:
    """The candidate pairs whose signatures agree on at least ``min_estimate`` of their values."""
    if len(pairs) == 0:
        return pairs
    return pairs[estimated_similarity(sigs, pairs) >= tuning.min_estimate]


def judge_pairs(profiles: Mapping[int, Profile] | Sequence[Profile], pairs: Iterable[tuple[int, int]],
                tuning: Tuning = DEFAULT) -> list[Finding]:
    """Findings among index pairs of ``profiles``; each finding's ``a`` is its pair's first profile."""
    findings = []
    for i, j in pairs:
        finding = judge(profiles[i], profiles[j], tuning)
        if finding is not None:
            findings.append(finding)
    return findings


def detect(descriptions: Iterable[CourseDescription], tuning: Tuning = DEFAULT) -> list[Finding]:
    """Every overlapping pair among the descriptions (a course never overlaps itself)."""
    profiles = [profile(d) for d in descriptions]
    sigs = signatures(profiles, tuning)
    candidates = candidate_pairs(band_keys(sigs, tuning), tuning)
    return judge_pairs(profiles, likely_pairs(sigs, candidates, tuning).tolist(), tuning)

