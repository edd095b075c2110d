"""How specific a word is: how rare it is in the whole catalogue and in the catalogue of the provider that
uses it. Pure: counts in, weights out.

Two courses do not overlap because they share what everybody writes. Three kinds of shared wording are
common and say nothing about double counting:

- the vocabulary of a whole field ("data", "care", "management"), common across the consortium;
- a provider's house style: its standard outcome phrasing, its department's name, the subject every one
  of its modules belongs to ("chemistry" in every module of a chemistry department);
- a provider's template sentences, written word for word in several of its courses (the placeholder
  description of every "Workshop: [Topic]", the paragraph every module of a programme opens with);
- the register of outcomes ("critically evaluate"), already set aside as stop words by ``text``.

So a term's weight is its *specificity* in the whole catalogue (inverse document frequency, scaled to
0..1 by the catalogue's size so that weights mean the same in a catalogue of 300 courses and of 200,000)
times its *house-style discount* at the course's provider: the share of the provider's OTHER courses that
use it, folded by ``1 / (1 + (share / house_share) ** 2)``. A term in 2 of a provider's 100 modules keeps
its weight; one in 30 of them keeps a tenth. A provider with a single course has no house style. A word
a course uses only in the provider's template sentences keeps ``TEMPLATE_WEIGHT`` of its weight.

The counts are document frequencies (a course counts once per term, whatever the part it appears in). The
service keeps them in ``overlap_terms`` and moves them with every changed course, so the incremental path
weighs words as a full recomputation does.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

COURSES = ""  # the pseudo-term under which a scope's number of courses is counted
SENTENCE = "#"  # what a sentence's key starts with (a term never does): sentences are counted per provider

# A catalogue is treated as this many courses larger than it is, none of them using the term: in a small
# catalogue (a test's two courses, a new consortium) a shared word is then not discounted for being in
# "all" of it.
BACKGROUND = 20
# The share of a provider's other courses above which a word is more house style than content.
HOUSE_SHARE = 0.08
# A provider's other courses are counted as this many more, none of them using the term (a provider with
# three courses has no house style to speak of).
HOUSE_BACKGROUND = 5
# A sentence written word for word in this many of a provider's courses is one of its templates ("Honors
# version of Mathematics 4A. Mathematical inquiry course is developed through problem solving and
# discovery."); a word that a course uses only in its templates keeps this share of its weight.
TEMPLATE_COURSES = 3
TEMPLATE_WEIGHT = 0.1


@dataclass
class Rarity:
    """Document frequencies of terms in the whole catalogue (``everywhere``) and per provider."""

    everywhere: Counter[str] = field(default_factory=Counter)
    providers: dict[str, Counter[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, courses: Iterable[tuple[str, Iterable[str]]]) -> Rarity:
        """From (provider id, the course's terms) of every course of a catalogue."""
        rarity = cls()
        for provider_id, course_terms in courses:
            rarity.add(provider_id, course_terms)
        return rarity

    def add(self, provider_id: str, course_terms: Iterable[str], sign: int = 1) -> None:
        """Count one course in (``sign`` -1: out, as when it changes or leaves)."""
        unique = set(course_terms)
        unique.discard(COURSES)
        mine = self.providers.setdefault(provider_id, Counter())
        self.everywhere[COURSES] += sign
        mine[COURSES] += sign
        for t in unique:
            mine[t] += sign
            if not t.startswith(SENTENCE):
                self.everywhere[t] += sign

    def counts(self) -> Iterable[tuple[str, str, int]]:
        """(scope, term, courses) for storage: scope "" is the whole catalogue, else a provider id."""
        for scope, counter in (("", self.everywhere), *self.providers.items()):
            for t, n in counter.items():
                if n > 0:
                    yield scope, t, n

    @classmethod
    def from_counts(cls, rows: Iterable[tuple[str, str, int]]) -> Rarity:
        rarity = cls()
        for scope, t, n in rows:
            counter = rarity.everywhere if scope == "" else rarity.providers.setdefault(scope, Counter())
            counter[t] = n
        return rarity

    def templates(self, provider_id: str, sentence_keys: Iterable[str]) -> set[str]:
        """Which of a course's sentences are templates of its provider."""
        mine = self.providers.get(provider_id) or Counter()
        return {key for key in sentence_keys if mine[key] >= TEMPLATE_COURSES}

    def weights(self, provider_id: str, course_terms: Iterable[str],
                template_only: Iterable[str] = ()) -> dict[str, float]:
        """Each of a course's terms with its weight (0..1) for that course's provider (``template_only``:
        the terms the course uses only in template sentences)."""
        size = max(self.everywhere[COURSES], 0) + BACKGROUND
        scale = math.log(size)
        mine = self.providers.get(provider_id) or Counter()
        others = max(mine[COURSES] - 1, 0) + HOUSE_BACKGROUND
        result = {}
        for t in set(course_terms):
            df = max(self.everywhere[t], 1)
            specificity = math.log(size / df) / scale if df < size else 0.0
            share = max(mine[t] - 1, 0) / others  # the provider's other courses using it
            result[t] = specificity / (1.0 + (share / HOUSE_SHARE) ** 2)
        for t in template_only:
            if t in result:
                result[t] *= TEMPLATE_WEIGHT
        return result

