"""English analysis and highlighting, the same for every backend.

The analyzer is tantivy's (split on anything not a letter or digit, drop tokens over 40 characters,
lower-case, fold accents, Snowball English stemming); the Elasticsearch mapping declares the same chain
(pattern tokenizer, lowercase, asciifolding, ``porter2`` stemmer). Highlights are made here from the
document's own text rather than by an engine, so they read the same whichever engine found the course.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache

import tantivy

from .query import ParsedText, is_fuzzy

ANALYZER_NAME = "cf_english"
_TOKEN = re.compile(r"[^\W_]+")
FRAGMENT_CHARS = 180


def english_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


_ANALYZER = english_analyzer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The indexed form of one word ("" when the analyzer drops it)."""
    tokens = _ANALYZER.analyze(word)
    return tokens[0] if tokens else ""


def analyze(text: str) -> list[str]:
    return _ANALYZER.analyze(text)


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of at most 1 (a swap of neighbours counts as one edit)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    return a[i + 1 :] == b[i:] if la > lb else a[i:] == b[i + 1 :]


class Highlighter:
    """Marks the words of a text that the query matched: exact stems, one-typo stems, phrase words."""

    def __init__(self, parsed: ParsedText) -> None:
        self.exact = {stem(w) for w in parsed.words if not is_fuzzy(w)}
        self.fuzzy = {stem(w) for w in parsed.words if is_fuzzy(w)}
        self.phrase = {stem(w) for phrase in parsed.phrases for w in phrase}
        self.exact.discard("")
        self.fuzzy.discard("")
        self.phrase.discard("")

        # Words as written, classified once per query (texts repeat words): those that matched, and all seen.
        self._matched: set[str] = set()
        self._seen: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.exact or self.fuzzy or self.phrase)

    def _learn(self, words: Iterable[str]) -> None:
        for word in words:
            if self._matches(word):
                self._matched.add(word)
            self._seen.add(word)  # after: a thread that finds it seen finds it matched too

    def _matches(self, word: str) -> bool:
        stemmed = stem(word)
        if not stemmed:
            return False
        if stemmed in self.exact or stemmed in self.phrase or stemmed in self.fuzzy:
            return True
        return any(within_one_edit(stemmed, f) for f in self.fuzzy)

    def fragments(self, texts: Iterable[str | None], limit: int = 2) -> tuple[str, ...]:
        """Up to ``limit`` HTML fragments with ``<mark>`` around matched words, the rest escaped."""
        found: list[str] = []
        for text in texts:
            if not text:
                continue
            fragment = self.fragment(text)
            if fragment is not None:
                found.append(fragment)
                if len(found) == limit:
                    break
        return tuple(found)

    def fragment(self, text: str) -> str | None:
        # Most texts of a hit match nothing: set operations answer that without a Python loop per word.
        words = _TOKEN.findall(text)
        if not self._seen.issuperset(words):
            self._learn(set(words).difference(self._seen))
        if self._matched.isdisjoint(words):
            return None
        matched = self._matched
        spans = [m.span() for m in _TOKEN.finditer(text) if m.group() in matched]
        start = 0
        if len(text) > FRAGMENT_CHARS and spans[0][0] > FRAGMENT_CHARS // 3:
            start = text.rfind(" ", 0, spans[0][0] - FRAGMENT_CHARS // 3) + 1
        end = len(text) if len(text) - start <= FRAGMENT_CHARS else text.rfind(" ", start, start + FRAGMENT_CHARS)
        if end <= start:
            end = min(len(text), start + FRAGMENT_CHARS)
        out = ["…" if start > 0 else ""]
        cursor = start
        for s, e in spans:
            if s < start or e > end:
                continue
            out.append(html.escape(text[cursor:s]))
            out.append(f"<mark>{html.escape(text[s:e])}</mark>")
            cursor = e
        out.append(html.escape(text[cursor:end]))
        if end < len(text):
            out.append("…")
        return "".join(out)


def highlights(parsed: ParsedText, document: dict) -> dict[str, tuple[str, ...]]:
    """Highlight fragments of a search document's title, summary and learning outcomes."""
    marker = _highlighter(parsed)
    if not marker:
        return {}
    result = {
        "title": marker.fragments([document.get("title")], 1),
        "summary": marker.fragments([document.get("summary"), document.get("aims")], 1),
        "learning_outcomes": marker.fragments(document.get("learning_outcomes") or [], 2),
        "skills": marker.fragments(document.get("skills") or [], 3),
    }
    return {name: frags for name, frags in result.items() if frags}


@lru_cache(maxsize=256)
def _highlighter(parsed: ParsedText) -> Highlighter:
    """One highlighter per query text, shared by its hits (and the next page's)."""
    return Highlighter(parsed)
