"""XCRI-CAP 1.2 feeds (the UK course-advertising standard) mapped to native course records.

``parse(data)`` reads one ``catalog`` document and returns a ``FeedDocument`` whose records carry the
native field names (``directory.catalogue.schema`` validates them; this adapter never decides whether a
course is valid, it only maps what the feed says and never invents a value). Its parts:

- ``reader``: safety (defusedxml: no DTD, entity or external reference), encodings, namespaces;
- ``text``: embedded XHTML (or HTML escaped into the text) reduced to plain text;
- ``values``: what a text means as credit, a level, hours, a mode, a date, a duration, a cost, a language,
  a subject code;
- ``mapping`` (the mapping table), ``presentations`` and ``provider``: XCRI elements to record fields.

An id repeated in the document is not this adapter's to judge: the pipeline's one duplicate-id rule
quarantines every record after the first with it (per member, an aggregator's providers apart).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ..base import FeedDocument, ProviderInfo
from .mapping import course_item
from .provider import provider_info
from .reader import CF, XSI, Feed, children, data_namespaces, named, read

FORMAT = "xcri-cap"
VERSION = "8"  # 2: levels read in their own framework (old CATS numbering, Scottish names, RQF); 3: LDCS subjects
# 4: a university's own credit scheme sent under its label; levels keep the feed's text (source, scheme)
# 5: the qualification block kept (extension ``qualification``)
# 6: ISO-8859-1 documents using windows-1252's characters read as windows-1252
# 7: course ids unique per provider (an aggregator's providers may share one), records name their provider
# 8: cf:excludes read (declared exclusions)

__all__ = ["CF", "FORMAT", "VERSION", "parse"]


def parse(data: bytes) -> FeedDocument:
    """The courses of one XCRI-CAP catalogue; FeedError when the document cannot be used at all."""
    root, notes = read(bytes(data))
    feed = Feed(data_namespaces(root))
    for note in notes:
        feed.note(note)
    providers: list[ProviderInfo | None] = []
    courses: list[tuple[Element, ProviderInfo | None]] = []
    for child in children(root):
        name = feed.local(child)
        if name == "provider":
            info = provider_info(child, feed)
            providers.append(info)
            courses.extend((course, info) for course in named(child, feed, "course"))
        elif name == "course":
            courses.append((child, None))
        else:
            feed.note(f"catalog/{feed.label(child.tag)}")
    for attribute in root.attrib:
        if attribute != f"{{{XSI}}}schemaLocation":
            feed.note(f"catalog/@{feed.label(attribute)}")
    items = [course_item(course, n, info, feed) for n, (course, info) in enumerate(courses)]
    return FeedDocument(
        provider=providers[0] if providers else None,
        items=items,
        total=len(items),
        unmapped=list(feed.unmapped),
    )
