"""XHTML (and HTML escaped into text) reduced to plain text, and learning outcomes split into items.

Every text field is plain text: embedded XHTML (and HTML a feed escaped into the text, as Moodle exports
do) is reduced to its text, paragraphs kept as blank-line breaks, list items as "• " lines.
"""

from __future__ import annotations

import html
import re
from xml.etree.ElementTree import Element

from .reader import split_tag

_BLOCKS = frozenset("p div br ul ol li dl dt dd h1 h2 h3 h4 h5 h6 tr table blockquote pre section".split())
_ESCAPED_MARKUP = re.compile(r"</?(?:p|div|br|ul|ol|li|strong|em|b|i|span|a|h[1-6])\b[^>]*>", re.I)


def plain_text(element: Element) -> str:
    """The element's text with embedded (or escaped) XHTML reduced to plain text; paragraphs and list
    items become separate lines, list items start with "• ". Iterative, so deep nesting cannot crash it."""
    parts: list[str] = []
    stack: list[Element | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        name = split_tag(item.tag)[1].lower() if isinstance(item.tag, str) else ""
        block = item is not element and name in _BLOCKS
        if block:
            parts.append("\n\n• " if name == "li" else "\n\n")
        if item.text:
            parts.append(item.text)
        if item is not element and item.tail:
            stack.append(item.tail)
        if block:
            stack.append("\n\n")
        stack.extend(reversed(list(item)))
    text = "".join(parts)
    if _ESCAPED_MARKUP.search(text):
        text = _strip_escaped_markup(text)
    return _tidy(text)


_TAG = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>", re.S)


def _strip_escaped_markup(text: str) -> str:
    """Plain text of HTML that a feed escaped into an element's text (tags out, entities decoded)."""

    def replace(tag: re.Match[str]) -> str:
        name = (tag.group(2) or "").lower()
        if name == "li" and not tag.group(1):
            return "\n\n• "
        return "\n\n" if name in _BLOCKS else ""

    return html.unescape(_TAG.sub(replace, text))


def _tidy(text: str) -> str:
    """Lines stripped, runs of spaces collapsed, at most one blank line between paragraphs."""
    lines = [re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip()


def one_line(element: Element) -> str:
    """The element's text on one line."""
    return " ".join(plain_text(element).replace("• ", " ").split())


def paragraphs(texts: list[str]) -> str | None:
    joined = "\n\n".join(text for text in texts if text)
    return joined or None


_BULLET = re.compile(r"^(?:[•·▪‣◦*\-–—]|\(?[0-9]{1,2}[.)]|\(?[a-hA-H][.)])\s+")


def outcomes(text: str) -> list[str]:
    """One block of learning-outcome text split into outcomes: one per bullet or numbered line, else one
    per paragraph (one per line when every line starts like a sentence); lead-in lines ending in ":" go."""
    text = re.sub(r"\s+[•▪]\s+", "\n• ", text)
    lines = [line.strip() for line in text.splitlines()]
    if any(_BULLET.match(line) for line in lines):
        items = _bulleted(lines)
    else:
        items = []
        for paragraph in "\n".join(lines).split("\n\n"):
            rows = [row for row in paragraph.splitlines() if row]
            if len(rows) > 1 and all(row[0].isupper() or row[0].isdigit() for row in rows):
                items.extend(rows)
            elif rows:
                items.append(" ".join(rows))
    items = [re.sub(r"(?:;|,|\s+and|;\s*and)$", "", " ".join(item.split())).strip() for item in items]
    items = [item for item in items if item]
    if len(items) > 1:
        items = [item for item in items if not item.endswith(":")] or items
    return items


def _bulleted(lines: list[str]) -> list[str]:
    items: list[str] = []
    open_item = False
    for line in lines:
        if not line:
            open_item = False
            continue
        bullet = _BULLET.match(line)
        if bullet:
            items.append(line[bullet.end() :])
            open_item = True
        elif open_item:
            items[-1] += " " + line
        else:
            items.append(line)
            open_item = True
    return items

