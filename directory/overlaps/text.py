"""Words that carry a course's content: tokens, spelling and inflection folded, function words and the
generic vocabulary of learning outcomes set aside.

Learning outcomes share a register ("critically evaluate ... in professional practice"); two courses do
not overlap because both ask learners to "demonstrate a critical understanding". So the Bloom verbs and
the academic boilerplate are stop words here, and what is compared is the subject matter.

Stems are Snowball English (tantivy's, the same the search index uses) after British/American spelling
is folded (-ize, -yze, -ization), so "organization" and "organisation", "analyze" and "analysing" meet.
Every function is pure and deterministic (no process-seeded ``hash``), so stored fingerprints stay valid
across processes and releases of Python.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import tantivy

_WORD = re.compile(r"[a-z0-9]+")

FUNCTION_WORDS = frozenset("""
a an the and or nor but if then than so as of in on at to for from by with within without into onto
upon about across after before between through during under over per via against among amongst around
is are was were be been being am do does did has have had having can could may might must shall should
will would this that these those it its they them their there here which who whom whose what when where
why how all any both each either every few many more most much no not only other own same some such
very too also just well including include includes e g eg ie etc
""".split())

# The register every outcome is written in: Bloom's verbs and the academic boilerplate around them.
OUTCOME_REGISTER = frozenset("""
able ability abilities acquire adapt advance advanced analyse analyze apply applied appraise appreciate
approach approaches articulate aspect aspects assess awareness basic broad build capable carry
characterise classify comment communicate compare competence competent complex comprehensive concept
concepts conduct consider construct context contexts contemporary contrast core create critical critically
critique debate debates deep deeper define demonstrate depth describe detailed determine
differentiate discuss display distinguish effective effectively employ enhance
ensure establish evaluate evaluation examine explain explore express extend familiarity field formulate
foundation foundational fundamental fundamentals gain general generate good identify illustrate implement
importance important improve independent independently informed insight interpret investigate issue
issues justify key knowledge learn learner learners level main make method methods methodology
module outline particular perform practical practice practise principal principle principles produce
professional professionally propose range recognise recognize reflect relate relevant reliable
role select show significant skill skills solve specialist specific state study summarise support
synthesise systematic technique techniques theory theories thorough topic topics understand understanding
use using utilise various wide wider work working write written
current research researched limitation limitations original response problem problems justify justifying
choice choices reference references literature implication implications complex unpredictable setting
settings purpose purposes competing perspective perspectives underpin underpinning underpins new real
world case cases end scenario scenarios appropriate appropriately relation relating regard course
courses programme programmes unit units introduction introductory student students
""".split())

STOP_WORDS = FUNCTION_WORDS | OUTCOME_REGISTER

# American to British spellings the stemmer would otherwise keep apart (checked in order).
_SPELLING = (
    (re.compile(r"yz(e|es|ed|ing|er|ers)$"), r"ys\1"),
    (re.compile(r"iz(e|es|ed|ing|ation|ations|ational|er|ers)$"), r"is\1"),
)
_SPELLING_WORDS = {"behavior", "color", "labor", "favor", "honor", "neighbor", "rumor", "vapor"}
_LEMMAS = {"analysis": "analyse", "analyses": "analyse", "analytic": "analyse", "analytical": "analyse",
           "theoretical": "theory", "strategic": "strategy", "economic": "economy", "economics": "economy",
           "statistical": "statistic", "legal": "law", "legislative": "legislation", "financial": "finance",
           "clinical": "clinic", "ethical": "ethic", "ethics": "ethic", "medical": "medicine",
           "environmental": "environment", "biological": "biology", "chemical": "chemistry",
           "digital": "digit", "computational": "compute", "computing": "compute", "computer": "compute",
           "mathematical": "mathematics", "political": "politic", "politics": "politic",
           "social": "society", "societal": "society", "organisational": "organisation",
           "managerial": "manage", "leader": "leadership", "leaders": "leadership", "lead": "leadership",
           "leading": "leadership"}

_STEMMER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)


def fold(text: str) -> str:
    """Lower case without accents ("Café" -> "cafe")."""
    if text.isascii():  # most course text: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The comparable form of one folded word, or "" for a stop word."""
    if word in STOP_WORDS or not 2 <= len(word) <= 60 or word.isdigit():  # over 60: a token, not a word
        return ""
    stem = _stem(word)
    return "" if stem in _STOP_STEMS else stem


def _stem(word: str) -> str:
    if word in _SPELLING_WORDS:
        word = word[:-2] + "our"  # "author", "sector": only the listed -or words are American spellings
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    word = _LEMMAS.get(word, word)
    stemmed = _STEMMER.analyze(word)
    return stemmed[0] if stemmed else ""


# Inflected register words ("evaluating", "critiques") are stop words too.
_STOP_STEMS = frozenset(_stem(word) for word in OUTCOME_REGISTER) | FUNCTION_WORDS


def terms(text: str | None) -> tuple[str, ...]:
    """The content terms of a text, in order, repeats kept."""
    if not text:
        return ()
    return tuple(t for t in map(term, _WORD.findall(fold(text))) if t)


def term_set(text: str | None) -> frozenset[str]:
    return frozenset(terms(text))


def sentences(text: str | None) -> list[tuple[str, ...]]:
    """The content terms of each sentence of a text (an outcome, a description), in order."""
    if not text:
        return []
    found = (terms(part) for part in _SENTENCE.split(text))
    return [sentence for sentence in found if sentence]


_SENTENCE = re.compile(r"[.;:!?\n]+(?:\s|$)|\n")


def words(text: str | None) -> list[tuple[str, str]]:
    """Every word of a text as written, with its term ("" for a stop word): to say which words matched."""
    if not text:
        return []
    return [(match.group(0), term(fold(match.group(0)))) for match in WORD_AS_WRITTEN.finditer(text)]


# Words as a reader sees them (letters of any script, digits): folded, each gives the words ``_WORD`` finds.
WORD_AS_WRITTEN = re.compile(r"[^\W_]+")
