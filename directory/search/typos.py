"""Typo variants: the indexed words one edit away from a query word, found by asking the term dictionary.

An engine's fuzzy query walks the term dictionary with an automaton and then marks every document of
every term it accepts, the exact word's included, before it can score one: for a broad word that is most
of a search's cost. Most words have no misspelt neighbour in a catalogue, and the neighbours a word has
do not change until the next commit. So the variants are looked up once per word and index snapshot:
every string one edit away (a deletion, an insertion, a substitution or a swap of neighbours, the same
distance as ``text.within_one_edit``) is checked against the term dictionary, about half a microsecond
each, and the answer is remembered until the snapshot changes.

The candidates are spelt with ``ALPHABET``, which holds every character an ASCII-folded word can have;
a word with other characters (Greek, Cyrillic, ...) is left to the engine's own fuzzy query (``None``).
"""

from __future__ import annotations

import string
from collections.abc import Callable

ALPHABET = string.ascii_lowercase + string.digits
MEMO_LIMIT = 20000  # words remembered per snapshot (a bound, not a tuning knob)


def one_edit_variants(word: str) -> set[str] | None:
    """Every string one edit from ``word`` (itself excluded), or None when ``word`` has characters
    outside ``ALPHABET`` (its variants cannot be listed)."""
    if not word or any(c not in ALPHABET for c in word):
        return None
    out: set[str] = set()
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        for c in ALPHABET:
            out.add(head + c + tail)
            if tail:
                out.add(head + c + tail[1:])
        if tail:
            out.add(head + tail[1:])
        if len(tail) > 1:
            out.add(head + tail[1] + tail[0] + tail[2:])
    out.discard(word)
    return out


class TypoVariants:
    """The indexed terms one edit from a word, for one index snapshot.

    ``indexed(term)`` tells whether the snapshot's dictionary holds a term. Calling the object with a
    word returns its indexed variants (sorted; empty for most words), or None when they cannot be listed.
    """

    def __init__(self, indexed: Callable[[str], bool]) -> None:
        self.indexed = indexed
        self._memo: dict[str, tuple[str, ...] | None] = {}

    def __call__(self, word: str) -> tuple[str, ...] | None:
        try:
            return self._memo[word]
        except KeyError:
            pass
        candidates = one_edit_variants(word)
        found = None if candidates is None else tuple(sorted(t for t in candidates if self.indexed(t)))
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[word] = found
        return found
