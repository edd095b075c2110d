"""Reading an XCRI-CAP document safely: defusedxml, encodings, namespaces.

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
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from directory.errors import FeedError

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


def read(data: bytes) -> tuple[Element, list[str]]:
    """The root ``catalog`` element and the notes reading it made (encoding repairs); FeedError when the
    document is unsafe, not well-formed, undecodable or not XCRI-CAP."""
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
    if split_tag(root.tag)[1] != "catalog" or not is_xcri_namespace(split_tag(root.tag)[0]):
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


def is_xcri_namespace(namespace: str) -> bool:
    return namespace == "" or namespace.startswith(_XCRI_PREFIX)


def data_namespaces(root: Element) -> frozenset[str]:
    return _DATA_NAMESPACES | {split_tag(root.tag)[0], "http://xcri.org/profiles/catalog/terms"}


@dataclass
class Feed:
    """What one parse knows about the document: its data namespaces, and what it could not map."""

    namespaces: frozenset[str]
    unmapped: dict[str, None] = field(default_factory=dict)

    def note(self, what: str) -> None:
        self.unmapped.setdefault(what, None)

    def local(self, element: Element) -> str | None:
        """The element's local name when it is course data, None for an extension element."""
        namespace, name = split_tag(element.tag)
        return name if namespace in self.namespaces else None

    def label(self, tag: str) -> str:
        namespace, name = split_tag(tag)
        if not namespace:
            return name
        if namespace in _PREFIXES:
            return f"{_PREFIXES[namespace]}:{name}"
        if namespace.startswith(_XCRI_PREFIX) and namespace in self.namespaces:
            return f"xcri:{name}"
        return tag


def split_tag(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def children(element: Element) -> list[Element]:
    return [child for child in element if isinstance(child.tag, str)]


def xsi_type(element: Element) -> str:
    """The local part of xsi:type (or an unqualified ``type``), lower-cased: ``xcriTerms:aim`` -> ``aim``."""
    value = element.get(f"{{{XSI}}}type") or element.get("type") or ""
    return value.rpartition(":")[2].strip().lower()



def named(element: Element, feed: Feed, name: str) -> list[Element]:
    """The element's data children of one local name."""
    return [child for child in children(element) if feed.local(child) == name]
