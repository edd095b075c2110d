"""XCRI-CAP 1.2 feeds (the UK course-advertising standard) mapped to native course records.

``parse(data)`` reads one ``catalog`` document and returns a ``FeedDocument`` whose records carry the
native field names (``directory.catalogue.schema`` validates them; this module never decides whether a
course is valid, it only maps what the feed says and never invents a value).

Safety and reading
    Parsed only with defusedxml, refusing any DTD (``<!DOCTYPE``), entity declaration or external reference:
    such a document raises ``FeedError`` and nothing from it is indexed. Not well-formed XML raises
    ``FeedError`` with expat's message (line and column); so does a root that is not an XCRI ``catalog``.
    Encodings follow the XML declaration or BOM (UTF-8 with or without BOM, UTF-16 with BOM, ISO-8859-1,
    windows-1252 and other single-byte encodings). A document that is (or says it is) UTF-8 but contains
    invalid UTF-8 bytes is decoded with U+FFFD replacement characters instead of being refused, and the run
    report (``unmapped``) says so: one stray byte should not hide a member's whole catalogue, and the
    replacement makes the damage visible rather than guessing another encoding. A document declared
    ISO-8859-1 that uses windows-1252's characters in bytes 0x80-0x9F (curly quotes, dashes) is read as
    windows-1252, as browsers do, and the report says so. Whitespace before the XML declaration is ignored.

Namespaces
    Elements are matched by local name when they are in a known namespace (XCRI-CAP 1.2, any
    ``http://xcri.org/...`` namespace the root uses, MLO, DC, DCTERMS, credit, XCRI terms) or in no
    namespace at all; elements and attributes from any other namespace are extensions, reported in
    ``unmapped`` as ``course/{namespace}name``. ``xsi:type`` values are compared by their local part
    (``courseDataProgramme:JACS3`` -> ``JACS3``), so the prefix a feed chose does not matter.

Text and numbers
    Every text field is plain text: embedded XHTML (and HTML a feed escaped into the text, as Moodle
    exports do) is reduced to its text, paragraphs kept as blank-line breaks, list items as "• " lines.
    Numbers are read with ASCII digits only; absurd values (a credit value of more than nine digits, more
    than 99,999 hours, a price above 999,999,999) count as absent rather than reaching the catalogue.

Mapping (course = ``provider/course``; presentation = ``course/presentation``)

==================================================  ==========================================================
XCRI-CAP                                            native field
==================================================  ==========================================================
course/dc:identifier                                ``id``: the first identifier that is not a URL and has no
                                                    xsi:type, else one with an xsi:type, else a URL
                                                    identifier, else course/mlo:url; none -> Rejection
                                                    ``course[n]/identifier`` (n counts from 0 in the feed);
                                                    an id seen before in the feed -> Rejection
course/dc:title                                     ``title``
course/mlo:url                                      ``url``
course/xcri:abstract                                ``summary``
course/dc:description (no xsi:type)                 ``summary`` when there is no abstract, else extension key
                                                    ``description``
dc:description xsi:type=aim, course/mlo:objective   ``aims``
xcri:learningOutcome, description[learningOutcome]  ``learning_outcomes``, split into one item per bullet,
                                                    list item or paragraph (lead-in lines ending in ":" are
                                                    dropped)
mlo:prerequisite, description[entryProfile |        ``entry_requirements``
prerequisites | entryRequirements]
mlo:assessment, description[assessmentStrategy]     ``assessment`` (one item per element)
description[studyHours],                            ``study_hours`` (the first number of hours)
presentation/mlo:engagement
mlo:credit (credit:scheme, credit:value)            ``credit``: the first block whose scheme names CATS, ECTS,
                                                    SCQF or CQFW (any case, or inside a URL) and has a value;
                                                    else the first block with a scheme and a value, under the
                                                    feed's scheme label (``{"value": 10, "scheme": "The Open
                                                    University"}``): the validator refuses the label (an
                                                    unmapped value) unless the feed's mapping profile maps it
credit:level, course/mlo:level,                     ``level``, from the chosen credit block, then the other
mlo:qualification/mlo:level                         blocks, then mlo:level: a named framework ("FHEQ 7",
                                                    "SCQF 11", "CQFW 3", "EQF 4", "RQF/NQF/QCF Level 3" ->
                                                    RQF); an SVQ level at the SCQF's broad placing (SVQ 1-5 ->
                                                    SCQF 4, 5, 6, 8, 11); Scottish qualification names at
                                                    their SCQF level (National 1-5, Access 1-3, Intermediate
                                                    1-2 -> 4-5, Foundation/General/Credit Standard Grade ->
                                                    3-5, Higher -> 6, Advanced Higher and Scottish
                                                    Baccalaureate -> 7). A bare label is read in its credit
                                                    block's numbering: SCQF and CQFW numbers as such; in a
                                                    CATS block or a university's own points scheme the old
                                                    CATS numbering (1, 2, 3, M and C, I, H, M, D -> FHEQ 4, 5,
                                                    6, 7, 8) and 4-8 as FHEQ; elsewhere 4-8 as FHEQ. A level
                                                    that cannot be placed is sent as {source, problem} so the
                                                    validator's reason quotes the feed's text. Every level
                                                    carries ``source`` (the feed's text) and, from a credit
                                                    block, ``scheme`` (the block's scheme label) beside
                                                    framework and value: a mapping profile places labels by
                                                    them, overriding these default placements
dc:subject (xsi:type/identifier/text)               ``subjects``: JACS3 (``A123``, type naming JACS; also
                                                    "JACS3: A123", "A123 Name" under a JACS type, a code's
                                                    URI), HECoS (``100xxx``, type naming HECoS), LDCS (type
                                                    naming LDCS, ``KC.3``/``DB.``/``A``; untyped: an
                                                    identifier or upper-case text shaped ``KC.3``/``DB.``;
                                                    "LDCS1: DB."), ISCED-F (type naming ISCED); free text
                                                    -> extension key ``subject_keywords``
presentation/xcri:attendanceMode (identifier or    ``mode``, across all presentations: CM -> on-campus,
text), then studyMode / attendancePattern text      DS, ON -> online-asynchronous, MM, BL -> blended,
                                                    DA (distance *with* attendance) -> blended, WB ->
                                                    work-based, NC (face to face, off campus) ->
                                                    on-campus; text: "online", "distance" ->
                                                    online-asynchronous, "campus" -> on-campus, "blended",
                                                    "mixed" -> blended, "work-based", "live" / "webinar"
                                                    -> online-synchronous. No mode found: field omitted
presentation/mlo:start, xcri:end, xcri:applyUntil,  ``schedule`` cohort presentations ``start``, ``end``,
mlo:places                                          ``apply_by``, ``places``; dates from @dtf, else the text
                                                    (ISO, 15/06/2012, "Friday 15th of June 2012", ...)
presentation without a start, with "any time" /     ``schedule`` learner-led (only when no presentation has a
"rolling" / "flexible" text, or a placeholder      dated start); ``max_engagement_days`` from mlo:duration
start before 1950 (1900-01-01)                      @interval or text (month = 30 days, year = 365)
presentation/mlo:cost                               ``cost`` from the first presentation whose cost gives an
                                                    amount and a currency (£, €, $, GBP, EUR, USD, "pounds");
                                                    "free" -> 0.00 GBP; the text is kept in ``notes`` when it
                                                    says more than the price
presentation/xcri:applyTo                           ``apply_url`` (the first web address)
presentation/mlo:languageOfInstruction              ``languages`` (BCP 47 tags or English language names)
mlo:qualification/xcri:awardedBy                    ``awarding_body`` {name}
mlo:qualification/xcri:accreditedBy                 ``psrb_recognition`` [{body, nature: "accreditation"}]
mlo:qualification/dc:title, abbr, dcterms:type,     extension key ``qualification`` {title, abbreviation, type,
dcterms:educationLevel (the first block)            education_level, awarded_by}: harvester.qualifications
                                                    tells a whole award (a degree) from a module by it
provider (dc:identifier, dc:title, mlo:url)         ``ProviderInfo`` (id: a UKPRN, else a URL identifier, else
                                                    the first identifier, else mlo:url); each record also
                                                    gets extension key ``provider`` {id, name} of the
                                                    provider that contains it; ``FeedDocument.provider`` is
                                                    the first provider
==================================================  ==========================================================

Not in XCRI-CAP, so never set: ``status`` (defaults to active), ``assessment_supervision``,
``identity_verified``, ``quality_assurance``, ``skills``, ``pathways``, ``updated`` (catalog/@generated is
when the feed was written, not when a course changed). Everything else the feed carries (venues,
applyFrom, studyMode, careerOutcome and other description types, regulations, extension elements and
attributes, ...) is listed once per feed in ``FeedDocument.unmapped``.

Exclusions (``excludes``: courses that cannot be counted together, docs/feed-format.md): XCRI-CAP 1.2 has no
element for them. They are deliberately not guessed from free text ("replaces ...", "cannot be taken with
..." in a description): a declared exclusion is a confirmed overlap that refuses credit at once, too strong
to rest on a reading of prose. A feed may say so in the Climbing Frame extension namespace (``CF``), one
element per excluded course, inside ``course``::

    <cf:excludes xmlns:cf="https://climbing-frame.example/ns/xcri-cap/1" course="DS-101"
                 provider="10007774">replaces DS-101 from 2025</cf:excludes>

-> ``{"course_id": "DS-101", "provider_id": "10007774", "reason": "replaces DS-101 from 2025"}``
(``provider`` optional: the course's own provider; the text optional: the reason). The validator checks
them as it checks a native feed's. Any other element of that namespace is unmapped, like other extensions.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from directory.urls import is_web_url

from .base import FeedDocument, FeedError, ProviderInfo, Record, Rejection

FORMAT = "xcri-cap"
VERSION = "8"  # 2: levels read in their own framework (old CATS numbering, Scottish names, RQF); 3: LDCS subjects
# 4: a university's own credit scheme sent under its label; levels keep the feed's text (source, scheme)
# 5: the qualification block kept (extension ``qualification``)
# 6: ISO-8859-1 documents using windows-1252's characters read as windows-1252
# 7: course ids unique per provider (an aggregator's providers may share one), records name their provider
# 8: cf:excludes read (declared exclusions)

XCRI = "http://xcri.org/profiles/1.2/catalog"
XCRI_TERMS = "http://xcri.org/profiles/1.2/catalog/terms"
MLO = "http://purl.org/net/mlo"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
CREDIT = "http://purl.org/net/cm"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XHTML = "http://www.w3.org/1999/xhtml"
XML = "http://www.w3.org/XML/1998/namespace"

_PREFIXES = {
    XCRI: "xcri",
    XCRI_TERMS: "xcriTerms",
    MLO: "mlo",
    DC: "dc",
    DCTERMS: "dcterms",
    CREDIT: "credit",
    XSI: "xsi",
    XHTML: "xhtml",
    XML: "xml",
}
# Namespaces whose elements are course data (plus no namespace at all, and the root's XCRI namespace).
_DATA_NAMESPACES = frozenset({XCRI, XCRI_TERMS, MLO, DC, DCTERMS, CREDIT, ""})
_XCRI_PREFIX = "http://xcri.org/"
# Ours, for what XCRI-CAP 1.2 has no element for: only ``excludes`` so far.
CF = "https://climbing-frame.example/ns/xcri-cap/1"
_CF_EXCLUDES = f"{{{CF}}}excludes"

# A start before this date is a placeholder for "no fixed start" (the OU sends 1900-01-01).
_PLACEHOLDER_BEFORE = date(1950, 1, 1)


# --- reading the document ----------------------------------------------------------------------------


def parse(data: bytes) -> FeedDocument:
    """The courses of one XCRI-CAP catalogue; FeedError when the document cannot be used at all."""
    root, notes = _read(bytes(data))
    feed = _Feed(_namespaces(root))
    for note in notes:
        feed.note(note)
    providers: list[ProviderInfo | None] = []
    courses: list[tuple[Element, ProviderInfo | None]] = []
    for child in _children(root):
        name = feed.local(child)
        if name == "provider":
            info = _provider_info(child, feed)
            providers.append(info)
            courses.extend((course, info) for course in _provider_courses(child, feed))
        elif name == "course":
            courses.append((child, None))
        else:
            feed.note(f"catalog/{feed.label(child.tag)}")
    for attribute in root.attrib:
        if attribute != f"{{{XSI}}}schemaLocation":
            feed.note(f"catalog/@{feed.label(attribute)}")
    # Course ids are unique per provider: two providers of an aggregator's document may use the same one.
    seen: dict[ProviderInfo | None, set[str]] = {}
    items = [_course_item(course, n, info, feed, seen.setdefault(info, set())) for n, (course, info) in enumerate(courses)]
    return FeedDocument(
        provider=providers[0] if providers else None,
        items=items,
        total=len(items),
        unmapped=list(feed.unmapped),
    )


def _read(data: bytes) -> tuple[Element, list[str]]:
    data, notes = _repair_encoding(data)
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise FeedError("the document has a DTD (<!DOCTYPE ...>); DTDs are refused for safety") from None
    except EntitiesForbidden as exc:
        raise FeedError(f"the document declares entities ({exc.name}); refused for safety") from None
    except ExternalReferenceForbidden as exc:
        raise FeedError(f"the document refers to an external resource ({exc.sysid}); refused") from None
    except ParseError as exc:
        raise FeedError(f"not well-formed XML: {exc}") from None
    except (ValueError, LookupError) as exc:  # an encoding expat cannot read (multi-byte, unknown, bad byte)
        raise FeedError(f"cannot decode the document: {exc}") from None
    if _split(root.tag)[1] != "catalog" or not _is_xcri_namespace(_split(root.tag)[0]):
        raise FeedError(f"the root element is {root.tag!r}, not an XCRI-CAP catalog")
    return root, notes


def _repair_encoding(data: bytes) -> tuple[bytes, list[str]]:
    """The bytes expat should read: invalid UTF-8 replaced, leading whitespace before the declaration gone."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data[:2] in (b"<\x00", b"\x00<"):
        return data, []
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    stripped = body.lstrip(b" \t\r\n")
    if stripped.startswith(b"<?xml"):
        body = stripped
    declared = re.match(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", body)
    encoding = declared.group(1).decode("ascii").lower().replace("_", "-") if declared else "utf-8"
    if encoding in _LATIN1_NAMES and declared is not None:
        return _latin1_as_windows_1252(body, declared)
    if encoding not in ("utf-8", "utf8"):
        return (body if not data.startswith(codecs.BOM_UTF8) else data), []
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        repaired = body.decode("utf-8", errors="replace").encode("utf-8")
        return repaired, [f"document: invalid UTF-8 bytes replaced with U+FFFD (first at byte {exc.start})"]
    return body, []


_LATIN1_NAMES = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso-ir-100", "cp819", "ibm819"})
_UNDEFINED_IN_1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _latin1_as_windows_1252(body: bytes, declared: re.Match[bytes]) -> tuple[bytes, list[str]]:
    """A document declared ISO-8859-1 whose bytes 0x80-0x9F are windows-1252's curly quotes, dashes and euro
    signs (what Windows tools write under that label) is read as windows-1252, as browsers read it: in
    ISO-8859-1 those bytes are invisible control characters that would reach titles and pages."""
    c1 = {byte for byte in body if 0x80 <= byte <= 0x9F}
    if not c1 or c1 & _UNDEFINED_IN_1252:
        return body, []
    return (body[:declared.start(1)] + b"windows-1252" + body[declared.end(1):],
            ["document: declared ISO-8859-1 but uses windows-1252 characters (bytes 0x80-0x9F such as curly "
             "quotes and dashes): read as windows-1252"])


def _is_xcri_namespace(namespace: str) -> bool:
    return namespace == "" or namespace.startswith(_XCRI_PREFIX)


def _namespaces(root: Element) -> frozenset[str]:
    return _DATA_NAMESPACES | {_split(root.tag)[0], "http://xcri.org/profiles/catalog/terms"}


@dataclass
class _Feed:
    """What one parse knows about the document: its data namespaces, and what it could not map."""

    namespaces: frozenset[str]
    unmapped: dict[str, None] = field(default_factory=dict)

    def note(self, what: str) -> None:
        self.unmapped.setdefault(what, None)

    def local(self, element: Element) -> str | None:
        """The element's local name when it is course data, None for an extension element."""
        namespace, name = _split(element.tag)
        return name if namespace in self.namespaces else None

    def label(self, tag: str) -> str:
        namespace, name = _split(tag)
        if not namespace:
            return name
        if namespace in _PREFIXES:
            return f"{_PREFIXES[namespace]}:{name}"
        if namespace.startswith(_XCRI_PREFIX) and namespace in self.namespaces:
            return f"xcri:{name}"
        return tag


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _children(element: Element) -> list[Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _xsi_type(element: Element) -> str:
    """The local part of xsi:type (or an unqualified ``type``), lower-cased: ``xcriTerms:aim`` -> ``aim``."""
    value = element.get(f"{{{XSI}}}type") or element.get("type") or ""
    return value.rpartition(":")[2].strip().lower()


# --- text -----------------------------------------------------------------------------------------------

_BLOCKS = frozenset("p div br ul ol li dl dt dd h1 h2 h3 h4 h5 h6 tr table blockquote pre section".split())
_ESCAPED_MARKUP = re.compile(r"</?(?:p|div|br|ul|ol|li|strong|em|b|i|span|a|h[1-6])\b[^>]*>", re.I)


def _text(element: Element) -> str:
    """The element's text with embedded (or escaped) XHTML reduced to plain text; paragraphs and list
    items become separate lines, list items start with "• ". Iterative, so deep nesting cannot crash it."""
    parts: list[str] = []
    stack: list[Element | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        name = _split(item.tag)[1].lower() if isinstance(item.tag, str) else ""
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


def _line(element: Element) -> str:
    """The element's text on one line."""
    return " ".join(_text(element).replace("• ", " ").split())


def _paragraphs(texts: list[str]) -> str | None:
    joined = "\n\n".join(text for text in texts if text)
    return joined or None


_BULLET = re.compile(r"^(?:[•·▪‣◦*\-–—]|\(?[0-9]{1,2}[.)]|\(?[a-hA-H][.)])\s+")


def _outcomes(text: str) -> list[str]:
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


# --- provider ----------------------------------------------------------------------------------------

_URL = re.compile(r"^https?://\S+$", re.I)
_UKPRN = re.compile(r"^1[0-9]{7}$")
_PROVIDER_FIELDS = frozenset({"identifier", "title", "url", "course"})


def _provider_info(element: Element, feed: _Feed) -> ProviderInfo | None:
    identifiers = [(_line(child), _xsi_type(child)) for child in _named(element, feed, "identifier")]
    identifiers = [(value, kind) for value, kind in identifiers if value]
    names = [_line(child) for child in _named(element, feed, "title")]
    # Only addresses the one rule (directory.urls) accepts: a provider page links to this one.
    urls = [_line(child) for child in _named(element, feed, "url") if is_web_url(_line(child))]
    for child in _children(element):
        if feed.local(child) not in _PROVIDER_FIELDS:
            feed.note(f"provider/{feed.label(child.tag)}")
    chosen = _provider_id(identifiers, urls)
    if chosen is None:
        return None
    identifier, scheme = chosen
    name = next((n for n in names if n), identifier)
    return ProviderInfo(
        id=identifier,
        name=name,
        id_scheme=scheme,
        country="GB" if scheme == "UKPRN" else None,
        url=urls[0] if urls else None,
        identifiers=_all_identifiers(chosen, identifiers, urls),
    )


def _all_identifiers(chosen: tuple[str, str | None], identifiers: list[tuple[str, str]],
                     urls: list[str]) -> tuple[tuple[str, str | None], ...]:
    """The chosen id first, then every other dc:identifier (scheme from its xsi:type) and provider url."""
    found = [chosen]
    for value, kind in identifiers:
        found.append((value, "UKPRN" if "ukprn" in kind else (kind or None)))
    found.extend((url, "URL") for url in urls)
    unique: dict[str, tuple[str, str | None]] = {}
    for value, scheme in found:
        unique.setdefault(value, (value, scheme))
    return tuple(unique.values())


def _provider_id(identifiers: list[tuple[str, str]], urls: list[str]) -> tuple[str, str | None] | None:
    for value, kind in identifiers:
        if "ukprn" in kind or (not kind and _UKPRN.match(value)):
            return value, "UKPRN"
    for value, _ in identifiers:
        if _URL.match(value):
            return value, "URL"
    if identifiers:
        value, kind = identifiers[0]
        return value, kind or None
    return (urls[0], "URL") if urls else None


def _provider_courses(element: Element, feed: _Feed) -> list[Element]:
    return _named(element, feed, "course")


def _named(element: Element, feed: _Feed, name: str) -> list[Element]:
    return [child for child in _children(element) if feed.local(child) == name]


# --- course ------------------------------------------------------------------------------------------


def _course_item(
    element: Element, position: int, provider: ProviderInfo | None, feed: _Feed, seen: set[str]
) -> Record | Rejection:
    raw = _CourseMapping(element, feed).record()
    record_id = raw.get("id")
    excerpt = " ".join(str(raw.get("title") or "").split())[:200]
    if not record_id:
        return Rejection(
            None,
            f"course[{position}]/identifier",
            "the course has no dc:identifier and no mlo:url to identify it",
            excerpt,
            provider,
        )
    if record_id in seen:
        return Rejection(
            record_id,
            f"course[{position}]/identifier",
            f"identifier {record_id!r} is used by an earlier course in this feed",
            excerpt,
            provider,
        )
    seen.add(record_id)
    if provider is not None:
        raw["provider"] = {"id": provider.id, "name": provider.name}
    return Record(record_id, raw, provider)


_COURSE_FIELDS = frozenset(
    "identifier title url abstract description learningOutcome objective prerequisite assessment subject"
    " credit level qualification presentation".split()
)


class _CourseMapping:
    """Maps one course element to a native record, noting what has no native counterpart."""

    def __init__(self, element: Element, feed: _Feed) -> None:
        self.element = element
        self.feed = feed
        self.by_name: dict[str, list[Element]] = {}
        self.excludes: list[Element] = []
        for child in _children(element):
            name = feed.local(child)
            if child.tag == _CF_EXCLUDES:
                self.excludes.append(child)
            elif name is None:
                feed.note(f"course/{feed.label(child.tag)}")
            else:
                self.by_name.setdefault(name, []).append(child)
        for attribute in element.attrib:
            feed.note(f"course/@{feed.label(attribute)}")
        for name in self.by_name.keys() - _COURSE_FIELDS:
            feed.note(f"course/{feed.label(self.by_name[name][0].tag)}")

    def all(self, name: str) -> list[Element]:
        return self.by_name.get(name, [])

    def record(self) -> dict[str, Any]:
        url = next((_line(e) for e in self.all("url") if _line(e)), None)
        raw: dict[str, Any] = {
            "id": _course_id(self.all("identifier"), url),
            "title": next((_line(e) for e in self.all("title") if _line(e)), None),
            "url": url,
        }
        raw.update(self.descriptions())
        raw.update(_subjects(self.all("subject"), self.feed))
        raw.update(self.credit_and_level())
        raw.update(self.qualification())
        presentations = [_Presentation.read(e, self.feed) for e in self.all("presentation")]
        from_presentations = _from_presentations(presentations, self.feed)
        if from_presentations["study_hours"] is None:  # the course's own studyHours description, if any
            del from_presentations["study_hours"]
        raw.update(from_presentations)
        # Attributes as given (None when absent): the validator names a missing course id.
        raw["excludes"] = [{"course_id": e.get("course"), "provider_id": e.get("provider"), "reason": _line(e) or None}
                           for e in self.excludes]
        return {key: value for key, value in raw.items() if value not in (None, [], {})}

    def descriptions(self) -> dict[str, Any]:
        general, aims, outcomes, entry, assessment = [], [], [], [], []
        study_hours = None
        for element in self.all("description"):
            kind = _xsi_type(element)
            text = _text(element)
            if not kind:
                general.append(text)
            elif kind == "aim":
                aims.append(text)
            elif kind == "learningoutcome":
                outcomes.extend(_outcomes(text))
            elif kind in ("entryprofile", "prerequisites", "prerequisite", "entryrequirements"):
                entry.append(text)
            elif kind == "assessmentstrategy":
                assessment.append(text)
            elif kind == "studyhours" and _hours(text) is not None:
                study_hours = study_hours or _hours(text)
            else:
                self.feed.note(
                    f"course/{self.feed.label(element.tag)}[{element.get(f'{{{XSI}}}type') or kind}]"
                )
        aims.extend(_text(e) for e in self.all("objective"))
        for element in self.all("learningOutcome"):
            outcomes.extend(_outcomes(_text(element)))
        entry.extend(_text(e) for e in self.all("prerequisite"))
        assessment.extend(_text(e) for e in self.all("assessment"))
        abstract = _paragraphs([_text(e) for e in self.all("abstract")])
        mapped: dict[str, Any] = {
            "summary": abstract or _paragraphs(general),
            "aims": _paragraphs(aims),
            "learning_outcomes": outcomes,
            "entry_requirements": _paragraphs(entry),
            "assessment": [text for text in assessment if text],
            "study_hours": study_hours,
        }
        if abstract and _paragraphs(general):
            mapped["description"] = _paragraphs(general)
            self.feed.note(
                "course/dc:description (kept as extension 'description': the abstract is the summary)"
            )
        return mapped

    def credit_and_level(self) -> dict[str, Any]:
        blocks = [_CreditBlock.read(e, self.feed) for e in self.all("credit")]
        usable = [b for b in blocks if b.scheme and b.value is not None]
        for block in blocks:
            if block.scheme is None:
                self.feed.note("course/mlo:credit (credit:scheme not CATS, ECTS, SCQF or CQFW)")
            elif block.value is None:
                self.feed.note("course/mlo:credit (no numeric credit:value)")
        chosen = usable[0] if usable else None
        credit = {"value": chosen.value, "scheme": chosen.scheme} if chosen else None
        if credit is None:
            # A university's own points scheme: sent under the feed's label, which the validator refuses
            # (an unmapped value) unless the feed's mapping profile names the system it counts in.
            labelled = next((b for b in blocks if b.scheme_text.strip() and b.value is not None), None)
            if labelled is not None:
                credit = {"value": labelled.value, "scheme": " ".join(labelled.scheme_text.split())}
        # The chosen credit's own level first, then the other blocks' (a university's own scheme too: its
        # level labels are CATS levels), then the course's and its qualification's mlo:level.
        ordered = ([chosen] if chosen else []) + [b for b in blocks if b.scheme and b is not chosen]
        ordered += [b for b in blocks if not b.scheme]
        candidates = [(b.level, b.numbering, " ".join(b.scheme_text.split())) for b in ordered]
        candidates += [(_level_text(e), None, "") for e in self.all("level")]
        for qualification in self.all("qualification"):
            candidates += [(_level_text(e), None, "") for e in _named(qualification, self.feed, "level")]
        unplaced = None
        for text, numbering, scheme_label in candidates:
            if not text:
                continue
            # The feed's own text (and its credit block's scheme label) go beside the placement, so that a
            # mapping profile can place the label otherwise (harvester.mapping); the validator ignores them.
            source = {"source": text, "scheme": scheme_label} if scheme_label else {"source": text}
            level = _level(text, numbering)
            if isinstance(level, dict):
                return {"credit": credit, "level": {**level, **source}}
            self.feed.note("course/level (not placed in a known framework)")
            unplaced = unplaced or {**source, "problem": level}
        # Nothing placed: the validator quotes the feed's text in the quarantine reason.
        return {"credit": credit, "level": unplaced}

    def qualification(self) -> dict[str, Any]:
        awarding, psrb = None, []
        # What the blocks say of the award, each element from the first block giving it (extension key
        # ``qualification``): harvester.qualifications reads it to tell a record describing a whole award
        # from a module that leads to one.
        block: dict[str, str] = {}
        for element in self.all("qualification"):
            for child in _children(element):
                name = self.feed.local(child)
                if name == "awardedBy" and _line(child) and awarding is None:
                    awarding = {"name": _line(child)}
                elif name == "accreditedBy" and _line(child):
                    psrb.append({"body": _line(child), "nature": "accreditation"})
                elif name in _QUALIFICATION_TEXT and _line(child):
                    block.setdefault(_QUALIFICATION_TEXT[name], _line(child))
                elif name != "level":
                    self.feed.note(f"course/mlo:qualification/{self.feed.label(child.tag)}")
        if block and awarding:
            block["awarded_by"] = awarding["name"]
        return {"awarding_body": awarding, "psrb_recognition": psrb, "qualification": block or None}


# mlo:qualification's descriptive elements, by the extension key they are kept under.
_QUALIFICATION_TEXT = {"title": "title", "abbr": "abbreviation", "type": "type", "educationLevel": "education_level"}


def _course_id(identifiers: list[Element], url: str | None) -> str | None:
    plain, typed, urls = [], [], []
    for element in identifiers:
        value = _line(element)
        if not value:
            continue
        if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
            urls.append(value)
        elif _xsi_type(element):
            typed.append(value)
        else:
            plain.append(value)
    for found in (plain, typed, urls):
        if found:
            return found[0]
    return url


# --- subjects -----------------------------------------------------------------------------------------

_JACS = re.compile(r"^[A-Z][0-9]{3}$")
_HECOS = re.compile(r"^10[0-9]{4}$")
_ISCED = re.compile(r"^[0-9]{2,4}$")
# LDCS: a one-letter area (``A``), a two-letter group with its full stop (``DB.``), a subject in it (``KC.3``).
_LDCS = re.compile(r"^[A-Z]{1,2}(?:\.[0-9]*)?$")
# Without a type naming LDCS only the full-stop shape is taken for one (JACS and HECoS codes never have it).
_LDCS_BARE = re.compile(r"^[A-Z]{2}\.[0-9]*$")
# "JACS3: G400", "HECoS 100366", "LDCS1: DB." (the OU's numbered LDCS subjects) written into the text
_LABELLED = re.compile(r"^(JACS(?:\s*3(?:\.0)?)?|HECOS|LDCS\s*[0-9]?|ISCED(?:-F)?)\s*[:\-]?\s*([\w.]+)$", re.I)
# A JACS code written before its name in the text: "G400 Computer science", "(G400) Computer science"
_CODE_FIRST = re.compile(r"^\(?([A-Za-z][0-9]{3})\)?(?:\s+|\s*[:\-]\s*)\S")


def _subjects(elements: list[Element], feed: _Feed) -> dict[str, Any]:
    subjects: list[dict[str, str]] = []
    keywords: list[str] = []
    for element in elements:
        kind = (element.get(f"{{{XSI}}}type") or element.get("type") or "").upper()
        identifier = (element.get("identifier") or "").strip()
        text = _line(element)
        found = _subject_code(kind, identifier, text)
        if found and found not in subjects:
            subjects.append(found)
        elif found:
            continue
        elif kind or identifier or text.upper().startswith("LDCS"):
            feed.note(f"course/dc:subject[{element.get(f'{{{XSI}}}type') or 'code in an unknown scheme'}]")
        elif text and text not in keywords:
            keywords.append(text)
    if keywords:
        feed.note("course/dc:subject (free text, kept as extension 'subject_keywords')")
    return {"subjects": subjects, "subject_keywords": keywords}


def _subject_code(kind: str, identifier: str, text: str) -> dict[str, str] | None:
    # An identifier may be a code's URI (http://jacs.dataincubator.org/g400): its last segment is the code.
    if "/" in identifier:
        identifier = identifier.rstrip("/").rsplit("/", 1)[-1]
    candidates = [c for c in (identifier, text) if c]
    labelled = _LABELLED.match(text)
    if labelled:
        kind = kind or re.sub(r"[\s.0-9]", "", labelled.group(1).upper())
        candidates.append(labelled.group(2))
    if "JACS" in kind and (code_first := _CODE_FIRST.match(text)):
        candidates.append(code_first.group(1))
    for written in candidates:
        code = written.strip().upper()
        if "JACS" in kind or (not kind and _JACS.match(code)):
            if _JACS.match(code):
                return {"scheme": "JACS3", "code": code}
        elif "HECOS" in kind or (not kind and _HECOS.match(code)):
            if _HECOS.match(code):
                return {"scheme": "HECoS", "code": code}
        elif "LDCS" in kind:
            if _LDCS.match(code):
                return {"scheme": "LDCS", "code": code}
        elif not kind and (written is identifier or written.strip().isupper()) and _LDCS_BARE.match(code):
            return {"scheme": "LDCS", "code": code}
        elif "ISCED" in kind and _ISCED.match(code):
            return {"scheme": "ISCED-F", "code": code}
    return None


# --- credit and level ---------------------------------------------------------------------------------

_SCHEMES = (
    ("CATS", re.compile(r"(?<![A-Z])CATS(?![A-Z])|CREDIT ACCUMULATION")),
    ("ECTS", re.compile(r"(?<![A-Z])ECTS(?![A-Z])|EUROPEAN CREDIT")),
    ("SCQF", re.compile(r"(?<![A-Z])SCQF(?![A-Z])|SCOTTISH CREDIT")),
    ("CQFW", re.compile(r"(?<![A-Z])CQFW(?![A-Z])|CREDIT AND QUALIFICATIONS FRAMEWORK FOR WALES")),
)


@dataclass(frozen=True)
class _CreditBlock:
    scheme: str | None  # CATS, ECTS, SCQF or CQFW when the scheme text names one
    value: int | float | None
    level: str
    scheme_text: str = ""

    @classmethod
    def read(cls, element: Element, feed: _Feed) -> _CreditBlock:
        parts: dict[str, str] = {}
        for child in _children(element):
            name = feed.local(child)
            if name in ("scheme", "value", "level"):
                parts.setdefault(name, _line(child))
            else:
                feed.note(f"course/mlo:credit/{feed.label(child.tag)}")
        scheme_text = parts.get("scheme", "").upper()
        scheme = next((name for name, pattern in _SCHEMES if pattern.search(scheme_text)), None)
        return cls(scheme, _positive_number(parts.get("value", "")), parts.get("level", ""), parts.get("scheme", ""))

    @property
    def numbering(self) -> str | None:
        """How a bare level label in this block is read: SCQF, CQFW, CATS (also a university's own points
        scheme, which counts in CATS points and CATS levels), or None (ECTS, no scheme: no numbering)."""
        if self.scheme in ("SCQF", "CQFW", "CATS"):
            return self.scheme
        return "CATS" if self.scheme is None and self.scheme_text else None


def _positive_number(text: str) -> int | float | None:
    found = re.search(r"[0-9]+(?:\.[0-9]+)?", text.replace(",", ""))
    if not found or len(found.group()) > 9:
        return None
    value = Decimal(found.group())
    if value <= 0:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _level_text(element: Element) -> str:
    """The level's text, after its xsi:type when that names a framework (``xsi:type="x:SCQF"`` + "7")."""
    kind = (element.get(f"{{{XSI}}}type") or "").rpartition(":")[2].strip()
    named = _FRAMEWORK_MENTION.search(kind.upper())
    return " ".join(filter(None, (kind if named else "", _line(element))))


_NAMED_FRAMEWORKS = (
    ("SCQF", r"SCQF|FQHEIS|SCOTTISH CREDIT AND QUALIFICATIONS FRAMEWORK"),
    ("CQFW", r"CQFW|CREDIT AND QUALIFICATIONS FRAMEWORK FOR WALES"),
    ("RQF", r"RQF|NQF|QCF|REGULATED QUALIFICATIONS FRAMEWORK|NATIONAL QUALIFICATIONS FRAMEWORK"),
    ("FHEQ", r"FHEQ|FRAMEWORK FOR HIGHER EDUCATION QUALIFICATIONS"),
    ("EQF", r"EQF|EUROPEAN QUALIFICATIONS FRAMEWORK"),
    ("SVQ", r"S/?NVQ|SVQ"),
)
_FRAMEWORK_MENTION = re.compile(
    "|".join(f"(?P<{name}>(?<![A-Z]){pattern}(?![A-Z]))" for name, pattern in _NAMED_FRAMEWORKS)
)
_LEVEL_NUMBER = re.compile(r"(?<![0-9.])([0-9]{1,2})(?![0-9.])")
# The SCQF's broad placing of SVQs (an SVQ is credit-rated on its own and may sit a level higher).
_SVQ_TO_SCQF = {1: 4, 2: 5, 3: 6, 4: 8, 5: 11}
# Scottish qualification names and the SCQF level the framework gives them.
_SCOTTISH_NAMES = (
    (re.compile(r"(?<![A-Z])ADVANCED HIGHER(?![A-Z])"), lambda found: 7),
    (re.compile(r"(?<![A-Z])SCOTTISH BACCALAUREATE(?![A-Z])"), lambda found: 7),
    (re.compile(r"(?<![A-Z])NATIONAL ([1-5])(?![0-9])"), lambda found: int(found.group(1))),
    (re.compile(r"(?<![A-Z])INTERMEDIATE ([12])(?![0-9])"), lambda found: 3 + int(found.group(1))),
    (re.compile(r"(?<![A-Z])ACCESS ([1-3])(?![0-9])"), lambda found: int(found.group(1))),
    (re.compile(r"(?<![A-Z])(FOUNDATION|GENERAL|CREDIT)(?: LEVEL)? STANDARD GRADE(?![A-Z])"
                r"|(?<![A-Z])STANDARD GRADE \(?(FOUNDATION|GENERAL|CREDIT)(?![A-Z])"),
     lambda found: {"FOUNDATION": 3, "GENERAL": 4, "CREDIT": 5}[found.group(1) or found.group(2)]),
)
_LABEL_FILLER = frozenset("SQA SCOTTISH NQ COURSE AWARD UNIT LEVEL QUALIFICATION GRADE".split())
# The old CATS numbering (and universities' own points schemes): 1, 2, 3, M or C, I, H, M, D.
_CATS_LABELS = {"1": 4, "2": 5, "3": 6, "C": 4, "I": 5, "H": 6, "M": 7, "D": 8}
_FHEQ = range(4, 9)
_RANGES = {"FHEQ": _FHEQ, "SCQF": range(1, 13), "CQFW": range(1, 9), "RQF": range(1, 9), "EQF": range(1, 9)}


def _level(text: str, numbering: str | None) -> dict[str, Any] | str:
    """The level a level text names, or why it cannot be placed. ``numbering`` is how a bare label is read
    (the credit block's SCQF, CQFW or CATS; None outside a credit block or in an ECTS block)."""
    upper = " ".join(re.sub(r"[^A-Z0-9/()]+", " ", text.upper()).split())
    mention = _FRAMEWORK_MENTION.search(upper)
    if mention:
        framework = mention.lastgroup or ""
        number = _LEVEL_NUMBER.search(upper, mention.end()) or _LEVEL_NUMBER.search(upper)
        if not number:
            return f"it names the {framework} but no level number"
        value = int(number.group(1))
        if framework == "SVQ":
            if value not in _SVQ_TO_SCQF:
                return f"SVQs have levels 1 to 5, not {value}"
            return {"framework": "SCQF", "value": _SVQ_TO_SCQF[value]}
        return _within(framework, value)
    for pattern, scqf in _SCOTTISH_NAMES:
        found = pattern.search(upper)
        if found:
            return {"framework": "SCQF", "value": scqf(found)}
    words = [word for word in re.findall(r"[A-Z0-9]+", upper) if word not in _LABEL_FILLER]
    if words == ["HIGHER"]:
        return {"framework": "SCQF", "value": 6}
    label = "".join(words)
    if numbering in ("SCQF", "CQFW") and label.isdigit():
        return _within(numbering, int(label))
    if numbering == "CATS" and label in _CATS_LABELS:
        return {"framework": "FHEQ", "value": _CATS_LABELS[label]}
    if label.isdigit() and int(label) in _FHEQ:
        return {"framework": "FHEQ", "value": int(label)}
    if label.isdigit():
        value = int(label)
        examples = " or ".join(f"'{f} {value}'" for f in ("SCQF", "RQF") if value in _RANGES[f]) or "'SCQF 7'"
        return (f"a bare level {value} names no framework and the FHEQ's levels are 4 to 8: "
                f"name the framework (for example {examples})")
    return "no level number in a known framework, and not a qualification name we know"


def _within(framework: str, value: int) -> dict[str, Any] | str:
    levels = _RANGES[framework]
    if value not in levels:
        return f"the {framework} has no level {value} (its levels are {levels.start} to {levels.stop - 1})"
    return {"framework": framework, "value": value}


def _hours(text: str) -> int | None:
    number = r"(?<![0-9.])([0-9]{1,5}(?:\.[0-9]{1,2})?)"
    found = re.search(rf"{number}\s*(?:hours?|hrs?|h)\b", text, re.I) or re.fullmatch(
        rf"\s*{number}\s*", text
    )
    if not found:
        return None
    hours = round(float(found.group(1)))
    return hours if hours >= 1 else None


# --- presentations ------------------------------------------------------------------------------------

_MODE_CODES = {
    "CM": "on-campus",
    "NC": "on-campus",
    "DS": "online-asynchronous",
    "ON": "online-asynchronous",
    "DA": "blended",
    "MM": "blended",
    "BL": "blended",
    "WB": "work-based",
}
_MODE_WORDS = (
    (re.compile(r"distance with attendance|blended|mixed|hybrid", re.I), "blended"),
    (re.compile(r"work[- ]?based|workplace", re.I), "work-based"),
    (re.compile(r"\b(live online|synchronous|webinar|virtual classroom)\b", re.I), "online-synchronous"),
    (re.compile(r"\bonline\b|\bdistance\b|e-?learning", re.I), "online-asynchronous"),
    (re.compile(r"campus|face[- ]to[- ]face|classroom", re.I), "on-campus"),
)
_OPEN_START = re.compile(
    r"any ?time|rolling|flexible|on demand|ongoing|self[- ]paced|continuous|open start", re.I
)
_PRESENTATION_FIELDS = frozenset(
    "start end applyUntil places applyTo attendanceMode studyMode attendancePattern languageOfInstruction"
    " cost engagement duration".split()
)


@dataclass
class _Presentation:
    start: str | None = None
    end: str | None = None
    apply_by: str | None = None
    places: int | None = None
    open_start: bool = False
    modes: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    cost: dict[str, str] | None = None
    apply_url: str | None = None
    study_hours: int | None = None
    duration_days: int | None = None

    @classmethod
    def read(cls, element: Element, feed: _Feed) -> _Presentation:
        found = cls()
        by_name: dict[str, list[Element]] = {}
        for child in _children(element):
            name = feed.local(child)
            if name in _PRESENTATION_FIELDS:
                by_name.setdefault(name, []).append(child)
            else:
                feed.note(f"presentation/{feed.label(child.tag)}")
        for attribute in element.attrib:
            feed.note(f"presentation/@{feed.label(attribute)}")
        found._dates(by_name, feed)
        found._modes(by_name, feed)
        found._details(by_name, feed)
        return found

    def _dates(self, by_name: dict[str, list[Element]], feed: _Feed) -> None:
        starts = by_name.get("start", [])
        if not starts:
            self.open_start = True
        else:
            start = _date(starts[0])
            if start is not None and start < _PLACEHOLDER_BEFORE:
                self.open_start = True
            elif start is not None:
                self.start = start.isoformat()
            elif _OPEN_START.search(_line(starts[0])):
                self.open_start = True
            else:
                feed.note("presentation/mlo:start (not a date)")
        end = _first_date(by_name.get("end", []), feed, "xcri:end")
        apply_by = _first_date(by_name.get("applyUntil", []), feed, "xcri:applyUntil")
        self.end = end.isoformat() if end and self.start else None
        self.apply_by = apply_by.isoformat() if apply_by and self.start else None
        for element in by_name.get("places", [])[:1]:
            text = _line(element)
            if re.fullmatch(r"[0-9]{1,6}", text):
                self.places = int(text)
            else:
                feed.note("presentation/mlo:places (not a number)")
        for element in by_name.get("duration", [])[:1]:
            self.duration_days = _duration_days(element.get("interval") or "") or _duration_days(
                _line(element)
            )
            if self.duration_days is None or not self.open_start:
                feed.note("presentation/mlo:duration")

    def _modes(self, by_name: dict[str, list[Element]], feed: _Feed) -> None:
        for name in ("attendanceMode", "studyMode", "attendancePattern"):
            for element in by_name.get(name, []):
                mode = None if self.modes else _mode(element, by_code=name == "attendanceMode")
                if mode:
                    self.modes.append(mode)
                else:
                    feed.note(f"presentation/xcri:{name}")

    def _details(self, by_name: dict[str, list[Element]], feed: _Feed) -> None:
        for element in by_name.get("languageOfInstruction", []):
            language = _language(_line(element))
            if language is None:
                feed.note("presentation/mlo:languageOfInstruction (not a language tag)")
            elif language not in self.languages:
                self.languages.append(language)
        for element in by_name.get("cost", [])[:1]:
            self.cost = _cost(_text(element))
            if self.cost is None:
                feed.note("presentation/mlo:cost (no amount and currency)")
        for element in by_name.get("applyTo", []):
            if is_web_url(_line(element)) and self.apply_url is None:
                self.apply_url = _line(element)
            elif not is_web_url(_line(element)):
                feed.note("presentation/xcri:applyTo (not a web address)")
        for element in by_name.get("engagement", []):
            self.study_hours = self.study_hours or _hours(_text(element))
            if self.study_hours is None:
                feed.note("presentation/mlo:engagement")


def _from_presentations(presentations: list[_Presentation], feed: _Feed) -> dict[str, Any]:
    mapped: dict[str, Any] = {
        "mode": _distinct(mode for p in presentations for mode in p.modes),
        "languages": _distinct(language for p in presentations for language in p.languages),
        "cost": next((p.cost for p in presentations if p.cost), None),
        "apply_url": next((p.apply_url for p in presentations if p.apply_url), None),
        "study_hours": next((p.study_hours for p in presentations if p.study_hours), None),
    }
    dated = [p for p in presentations if p.start]
    if dated:
        rows = [
            {
                key: value
                for key, value in (
                    ("start", p.start),
                    ("end", p.end),
                    ("apply_by", p.apply_by),
                    ("places", p.places),
                )
                if value is not None
            }
            for p in dated
        ]
        mapped["schedule"] = {"type": "cohort", "presentations": rows}
        if any(p.open_start for p in presentations):
            feed.note("presentation without a start date beside dated presentations (left out)")
    elif any(p.open_start for p in presentations):
        days = next((p.duration_days for p in presentations if p.open_start and p.duration_days), None)
        mapped["schedule"] = {"type": "learner-led", "max_engagement_days": days}
        if days is None:
            del mapped["schedule"]["max_engagement_days"]
    return mapped


def _distinct(values: Any) -> list[Any]:
    return list(dict.fromkeys(values))


def _mode(element: Element, by_code: bool) -> str | None:
    code = (element.get("identifier") or "").strip().upper()
    if by_code and code in _MODE_CODES:
        return _MODE_CODES[code]
    text = _line(element)
    return next((mode for pattern, mode in _MODE_WORDS if pattern.search(text)), None)


# --- dates, money, languages --------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, name in enumerate(
        "january february march april may june july august september october november december".split(),
        start=1,
    )
}


def _first_date(elements: list[Element], feed: _Feed, label: str) -> date | None:
    if not elements:
        return None
    found = _date(elements[0])
    if found is None:
        feed.note(f"presentation/{label} (not a date)")
    return found


def _date(element: Element) -> date | None:
    """The date of a temporal element: its @dtf, else its text in any common format."""
    for candidate in (element.get("dtf"), _line(element)):
        if candidate:
            found = _parse_date(candidate)
            if found:
                return found
    return None


def _parse_date(text: str) -> date | None:
    text = text.strip()
    patterns = (
        (r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ].*)?$", (1, 2, 3)),
        (r"^([0-9]{4})([0-9]{2})([0-9]{2})$", (1, 2, 3)),
        (r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$", (3, 2, 1)),  # UK order: day first
    )
    for pattern, (y, m, d) in patterns:
        found = re.match(pattern, text)
        if found:
            return _safe_date(found.group(y), found.group(m), found.group(d))
    words = re.findall(r"[a-z]+|[0-9]+", text.lower())
    month = next(
        (_MONTHS[name] for word in words for name in _MONTHS if len(word) >= 3 and name.startswith(word)),
        None,
    )
    year = next((w for w in words if w.isdigit() and len(w) == 4), None)
    day = next((w for w in words if w.isdigit() and len(w) <= 2), None)
    if month and year and day:
        return _safe_date(year, str(month), day)
    return None


def _safe_date(year: str, month: str, day: str) -> date | None:
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if found.year >= 1800 else None


def _duration_days(text: str) -> int | None:
    iso = re.fullmatch(
        r"P(?:([0-9]{1,3})Y)?(?:([0-9]{1,4})M)?(?:([0-9]{1,4})W)?(?:([0-9]{1,5})D)?(?:T.*)?",
        text.strip().upper(),
    )
    if iso and any(iso.groups()):
        years, months, weeks, days = (int(g or 0) for g in iso.groups())
        total = years * 365 + months * 30 + weeks * 7 + days
        return total or None
    spoken = re.search(r"(?<![0-9])([0-9]{1,4})\s*(day|week|month|year)s?\b", text, re.I)
    if spoken:
        per = {"day": 1, "week": 7, "month": 30, "year": 365}[spoken.group(2).lower()]
        return int(spoken.group(1)) * per or None
    return None


_CURRENCY = {
    "£": "GBP",
    "€": "EUR",
    "$": "USD",
    "POUND": "GBP",
    "POUNDS": "GBP",
    "EURO": "EUR",
    "EUROS": "EUR",
}
_AMOUNT = r"(?<![0-9.,])([0-9]{1,3}(?:,[0-9]{3}){1,3}|[0-9]{1,9})(?:\.([0-9]{1,2}))?(?![0-9])"
_PRICE = re.compile(
    rf"(?:(£|€|\$|(?<![A-Za-z])(?:GBP|EUR|USD|CHF|CAD|AUD)(?![A-Za-z]))\s?{_AMOUNT})"
    rf"|(?:{_AMOUNT}\s?((?:GBP|EUR|USD|CHF|CAD|AUD|pounds?|euros?)(?![A-Za-z])))",
    re.I,
)
_FREE = re.compile(r"^\s*(free|free of charge|no charge|no cost|nil)\s*\.?\s*$", re.I)


def _cost(text: str) -> dict[str, str] | None:
    """Amount and currency of a cost text; the text itself is kept as notes when it says more."""
    price = _PRICE.search(text)
    if price:
        symbol, whole, pence, whole2, pence2, word = price.groups()
        currency = (symbol or word).upper()
        amount = Decimal(f"{(whole or whole2).replace(',', '')}.{pence or pence2 or '0'}")
        cost = {
            "amount": str(amount.quantize(Decimal("0.01"))),
            "currency": _CURRENCY.get(currency, currency),
        }
        if text.strip() != price.group().strip():
            cost["notes"] = text.strip()
        return cost
    if _FREE.match(text):
        # Currency is immaterial for nothing; GBP because the directory is of UK providers.
        return {"amount": "0.00", "currency": "GBP", "notes": text.strip()}
    return None


_LANGUAGE_NAMES = {
    "english": "en",
    "welsh": "cy",
    "cymraeg": "cy",
    "gaelic": "gd",
    "scottish gaelic": "gd",
    "irish": "ga",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "chinese": "zh",
    "mandarin": "zh",
    "arabic": "ar",
    "japanese": "ja",
    "polish": "pl",
    "russian": "ru",
}
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _language(text: str) -> str | None:
    text = text.strip()
    if _BCP47.match(text):
        primary, _, rest = text.partition("-")
        return primary.lower() + (f"-{rest}" if rest else "")
    return _LANGUAGE_NAMES.get(text.lower())
