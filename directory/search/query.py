"""Our query model: what a learner can ask the directory, and what comes back.

The web layer builds a ``SearchQuery`` and receives a ``SearchResult``; it never sees an engine's own
query language. Every backend (tantivy embedded, Elasticsearch scale-out) answers the same model with the
same hits, filters and facet counts; ``tests/directory/search/test_contract.py`` holds them to it.

Decisions a caller may rely on:

* Free text matches title, summary, aims, learning outcomes, skills, subject names and provider name, with
  English stemming. Every loose word must match (in some field); words of five letters or more also match
  one typo (one edit, a transposition counting as one); shorter words must match exactly. Text in double
  quotes is a phrase. Common English words ("the", "of", "to") outside quotes are ignored.
* Within one filter the values are alternatives (provider A *or* B); different filters must all hold.
* ``subject`` takes HECoS (or JACS 3) codes or CAH groups at any level: ``CAH11`` matches every course
  with a subject in CAH11.
* ``starts_after``/``starts_before`` ("starts between", inclusive): a cohort course matches when *any*
  presentation starts in the range; a learner-led course starts any time, so it matches every range;
  a course with no schedule matches no range.
* ``pathway`` takes pathway ids: a course matches when the pathway names it (core, option or capstone)
  or the course's own record says it belongs to the pathway.
* ``cost_max`` is in GBP: courses with no cost, or a cost in another currency, are left out; free
  courses cost 0.
* Sorts: relevance (the default with text), title (the default without), soonest start (the next start on
  or after ``today``; learner-led courses start ``today``; courses with no coming start last), credit
  (smallest first; courses without credit last). Every order breaks ties on the course id, so pages are
  stable: they never overlap and together cover every hit.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cached_property
from typing import Any

from .facet_table import FACET

MAX_PER_PAGE = 100


class Sort(enum.Enum):
    RELEVANCE = "relevance"
    SOONEST = "soonest"
    CREDIT = "credit"
    TITLE = "title"


@dataclass(frozen=True)
class Filters:
    """What a result must be. Empty tuples and ``None`` mean "any"."""

    provider: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    eqf_level: tuple[int, ...] = ()
    framework_level: tuple[str, ...] = ()  # "FHEQ-7", "SCQF-11"
    mode: tuple[str, ...] = ()
    schedule: tuple[str, ...] = ()  # "cohort", "learner-led"
    language: tuple[str, ...] = ()  # primary language subtags: "en", "cy"
    psrb: tuple[str, ...] = ()  # ("any",) for any recognition, or body names
    credit_min: float | None = None  # CATS points, inclusive
    credit_max: float | None = None
    starts_after: date | None = None  # inclusive
    starts_before: date | None = None  # inclusive
    cost_max: float | None = None  # GBP, inclusive
    pathway: tuple[str, ...] = ()  # pathway ids: courses a pathway names, or that name the pathway
    complete: bool = False  # only courses that publish the full QAA minimum information set

    def without(self, facet: str) -> Filters:
        """These filters less the one a facet controls (a facet ignores its own filter)."""
        return replace(self, **{name: _ANY[name] for name in FACET[facet].filter_fields})

    def active(self, facet: str) -> bool:
        """Whether the filter a facet controls is set."""
        return any(getattr(self, name) not in (None, ()) for name in FACET[facet].filter_fields)


_ANY = {f.name: f.default for f in fields(Filters)}


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: Sort | None = None
    page: int = 1
    per_page: int = 20
    today: date = field(kw_only=True)  # the caller's clock: a query never reads the system date
    facets: bool = True

    def __post_init__(self) -> None:
        if self.page < 1:
            raise ValueError("page starts at 1")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")

    @cached_property
    def parsed(self) -> ParsedText:
        """The words and phrases, parsed once (the backend, the facet keys and every hit's highlights ask)."""
        return parse_text(self.text)

    @property
    def effective_sort(self) -> Sort:
        """Relevance needs words to be relevant to: without them the default is title."""
        if self.sort in (None, Sort.RELEVANCE):
            return Sort.RELEVANCE if self.parsed else Sort.TITLE
        return self.sort

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Hit:
    """One result card: what the list shows, and the matched text with ``<mark>`` (HTML-escaped)."""

    id: str
    score: float | None
    provider_id: str
    provider_name: str
    course_id: str
    title: str
    url: str
    summary: str | None
    credit_cats: float | None
    eqf_level: int | None
    framework_level: str | None
    modes: tuple[str, ...]
    schedule_type: str | None
    next_start: date | None
    cost_gbp: float | None
    highlights: dict[str, tuple[str, ...]]
    # How many other active courses this one overlaps (a double-counting risk).
    overlap_count: int = 0
    # The credit, level and subjects as the course's record states them ("credit", "level", "subjects").
    card: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]


# -- the free-text parser -------------------------------------------------------------------------

# Lucene's English stop set: ignored outside quotes so "introduction to python" needs no "to".
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there "
    "these they this to was will with".split()
)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ParsedText:
    """Loose words (each must match, typos allowed on long ones) and quoted phrases (exact sequence)."""

    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


def parse_text(text: str) -> ParsedText:
    """Split what a learner typed into loose words and "quoted phrases".

    Words are runs of letters and digits, lower-cased; stop words are dropped outside quotes. An unclosed
    quote runs to the end of the text. A quoted single word is a word that must match exactly, kept as a
    one-word phrase; empty quotes are ignored.
    """
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for index, part in enumerate(text.split('"')):
        found = [w.lower() for w in _WORD.findall(part)]
        if index % 2 == 1:
            if found and tuple(found) not in phrases:
                phrases.append(tuple(found))
        else:
            for word in found:
                if word not in STOP_WORDS and word not in words:
                    words.append(word)
    return ParsedText(tuple(words), tuple(phrases))


FUZZY_MIN_LENGTH = 5


def is_fuzzy(word: str) -> bool:
    """Words of five letters or more forgive one typo."""
    return len(word) >= FUZZY_MIN_LENGTH
