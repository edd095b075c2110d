"""English analysis and highlighting, the same for every backend.

The analyzer is tantivy's (split on anything not a letter or digit, drop tokens over 40 characters,
lower-case, fold accents, Snowball English stemming); the Elasticsearch mapping declares the same chain
(pattern tokenizer, lowercase, asciifolding, ``porter2`` stemmer). Highlights are made here from the
document's own text rather than by an engine, so they read the same whichever engine found the course.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
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

    def highlight(self, groups: Sequence[tuple[str, Sequence[str | None], int]]) -> dict[str, tuple[str, ...]]:
        """Up to ``limit`` HTML fragments for each (name, texts, limit) group, with ``<mark>`` around matched
        words and the rest escaped; groups with none are left out.

        Every text of the group list is read in one regex pass (most texts of a hit match nothing, and a
        pass per text would cost more than the search): the pass finds the matched words and where they
        are, and only texts holding one become fragments."""
        entries = [(name, limit, text) for name, texts, limit in groups for text in texts if text]
        joined = "\n".join(text for _name, _limit, text in entries)  # no word spans a line break
        words = _TOKEN.findall(joined)
        if not self._seen.issuperset(words):
            self._learn(set(words).difference(self._seen))
        matched = self._matched
        if matched.isdisjoint(words):
            return {}
        spans = [m.span() for m in _TOKEN.finditer(joined) if m.group() in matched]
        found: dict[str, list[str]] = {}
        offset = index = 0
        for name, limit, text in entries:
            end = offset + len(text)
            mine = []
            while index < len(spans) and spans[index][0] < end:
                start, stop = spans[index]
                mine.append((start - offset, stop - offset))
                index += 1
            fragments = found.setdefault(name, [])
            if mine and len(fragments) < limit:
                fragments.append(_fragment(text, mine))
            offset = end + 1
        return {name: tuple(fragments) for name, fragments in found.items() if fragments}


def _fragment(text: str, spans: list[tuple[int, int]]) -> str:
    """The part of ``text`` around its first matched word (``spans``, in order), marked and escaped."""
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
    """Highlight fragments of a search document's title, summary (or aims), learning outcomes and skills."""
    marker = _highlighter(parsed)
    if not marker:
        return {}
    return marker.highlight((
        ("title", (document.get("title"),), 1),
        ("summary", (document.get("summary"), document.get("aims")), 1),
        ("learning_outcomes", document.get("learning_outcomes") or (), 2),
        ("skills", document.get("skills") or (), 3),
    ))


@lru_cache(maxsize=256)
def _highlighter(parsed: ParsedText) -> Highlighter:
    """One highlighter per query text, shared by its hits (and the next page's)."""
    return Highlighter(parsed)
