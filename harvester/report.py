"""What a run report says (presented by ``harvester.web.schemas.present_run``: what the API answers and
`harvest report --json` prints), and reading a quarantined record's stored excerpt.

How the counts add up (``counts``), for every run that read a document:

- ``seen`` is the number of course records in the document, and each lands in exactly one bucket:
  ``seen = new + changed + unchanged + quarantined + marked_withdrawn + qualifications + not_imported``.
  ``quarantined`` counts course records only (invalid, unusable, duplicate ids, a course another feed of the
  member lists); ``marked_withdrawn`` the records that say ``"status": "withdrawn"``; ``qualifications`` the
  records describing a whole award (harvester.qualifications), neither listed nor quarantined but offered to
  the awards register, each listed under ``qualifications`` (title, level, credit, url, the rule that
  recognised it, and ``course`` when it withdrew a course the catalogue listed); ``not_imported`` the
  records of providers outside the consortium in an aggregator's document (named in ``outsiders``).
- ``withdrawn`` is not a bucket of ``seen``: it counts the catalogue's active courses this run withdrew,
  those missing from the document and those marked withdrawn in it (0 while a held run's withdrawals wait;
  confirming them sets it). A record marked withdrawn for a course that was not active withdraws nothing.
- Pathways are counted apart: ``pathways.seen`` pathways in the document, ``pathways.quarantined`` of them
  rejected. Their quarantine entries are in the same list as the courses', with record ids ``pathway:ID``.
- A run that repeats the last successful one (same bytes, or 304 Not Modified) repeats its buckets, with
  ``new`` and ``changed`` moved to ``unchanged``. A failed run read nothing: every count is 0.

A run that repeats a held run (the document unchanged while its hold stands) is ``held`` itself, names the
held run (``held_run``) and lists the same ``held_withdrawals``; the hold is decided on the held run
(``withdrawals_confirmed`` or ``withdrawals_rejected``), and the runs that repeated it carry the decision.

``unmapped`` lists the values the run could not map (harvester.unmapped), each with the feeds.toml line that
would map it; ``unread`` what the adapter read but has no field for.

``harvester.web.schemas.present_quarantine_record`` is one quarantined record as the API's quarantine endpoint gives it, with what a
reader needs beside: the course id, its title and each problem's bad value, when the stored excerpt shows
them (``None`` otherwise: an XCRI-CAP record rejected before mapping, an excerpt cut short).
"""

from __future__ import annotations

import re
from typing import Any

import orjson

SHOWN_VALUE = 300  # characters of a bad value kept with its problem


def bad_value(raw: dict[str, Any] | None, path: str) -> dict[str, Any]:
    """``{"value": ...}``: what the record gives at a problem's field path, a long value cut short as text;
    ``{}`` when it gives nothing there."""
    value = value_at(raw, path)
    if value is None:
        return {}
    shown = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    if len(shown) > SHOWN_VALUE:
        return {"value": shown.decode("utf-8", "replace")[:SHOWN_VALUE] + "…"}
    return {"value": value}


_TITLE = re.compile(r'"title":("(?:[^"\\]|\\.)*")')
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def record_of(excerpt: str) -> dict[str, Any] | None:
    try:
        record = orjson.loads(excerpt)
    except orjson.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None


def title_of(record: dict[str, Any] | None, excerpt: str) -> str | None:
    if record is not None:
        title = record.get("title")
        return title if isinstance(title, str) else None
    # An excerpt cut at its length limit is no longer JSON, but its title (sorted keys: early) often survives.
    match = _TITLE.search(excerpt)
    return orjson.loads(match.group(1)) if match else None


def value_at(record: dict[str, Any] | None, path: str) -> Any:
    """The value at a field path such as ``credit.scheme`` or ``subjects[0].code``; None when the record
    does not show it (missing, or the path is not a field)."""
    value: Any = record
    for name, index in _STEP.findall(path):
        if name and isinstance(value, dict):
            value = value.get(name)
        elif index and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            return None
    return None if value is record else value
