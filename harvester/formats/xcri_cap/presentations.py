"""XCRI-CAP presentations (``course/presentation``) read into the course's schedule, mode, languages, cost,
application address and study hours (the mapping table is in .mapping)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.etree.ElementTree import Element

from directory.urls import is_web_url

from .reader import Feed, children
from .text import one_line, plain_text
from .values import cost_of, duration_days, hours, language_of, mode_of, parse_date

# A start before this date is a placeholder for "no fixed start" (the OU sends 1900-01-01).
_PLACEHOLDER_BEFORE = date(1950, 1, 1)
_OPEN_START = re.compile(
    r"any ?time|rolling|flexible|on demand|ongoing|self[- ]paced|continuous|open start", re.I
)
_PRESENTATION_FIELDS = frozenset(
    "start end applyUntil places applyTo attendanceMode studyMode attendancePattern languageOfInstruction"
    " cost engagement duration".split()
)


@dataclass
class Presentation:
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
    def read(cls, element: Element, feed: Feed) -> Presentation:
        found = cls()
        by_name: dict[str, list[Element]] = {}
        for child in children(element):
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

    def _dates(self, by_name: dict[str, list[Element]], feed: Feed) -> None:
        starts = by_name.get("start", [])
        if not starts:
            self.open_start = True
        else:
            start = _date(starts[0])
            if start is not None and start < _PLACEHOLDER_BEFORE:
                self.open_start = True
            elif start is not None:
                self.start = start.isoformat()
            elif _OPEN_START.search(one_line(starts[0])):
                self.open_start = True
            else:
                feed.note("presentation/mlo:start (not a date)")
        end = _first_date(by_name.get("end", []), feed, "xcri:end")
        apply_by = _first_date(by_name.get("applyUntil", []), feed, "xcri:applyUntil")
        self.end = end.isoformat() if end and self.start else None
        self.apply_by = apply_by.isoformat() if apply_by and self.start else None
        for element in by_name.get("places", [])[:1]:
            text = one_line(element)
            if re.fullmatch(r"[0-9]{1,6}", text):
                self.places = int(text)
            else:
                feed.note("presentation/mlo:places (not a number)")
        for element in by_name.get("duration", [])[:1]:
            self.duration_days = duration_days(element.get("interval") or "") or duration_days(
                one_line(element)
            )
            if self.duration_days is None or not self.open_start:
                feed.note("presentation/mlo:duration")

    def _modes(self, by_name: dict[str, list[Element]], feed: Feed) -> None:
        for name in ("attendanceMode", "studyMode", "attendancePattern"):
            for element in by_name.get(name, []):
                mode = None if self.modes else _mode(element, by_code=name == "attendanceMode")
                if mode:
                    self.modes.append(mode)
                else:
                    feed.note(f"presentation/xcri:{name}")

    def _details(self, by_name: dict[str, list[Element]], feed: Feed) -> None:
        for element in by_name.get("languageOfInstruction", []):
            language = language_of(one_line(element))
            if language is None:
                feed.note("presentation/mlo:languageOfInstruction (not a language tag)")
            elif language not in self.languages:
                self.languages.append(language)
        for element in by_name.get("cost", [])[:1]:
            self.cost = cost_of(plain_text(element))
            if self.cost is None:
                feed.note("presentation/mlo:cost (no amount and currency)")
        for element in by_name.get("applyTo", []):
            if is_web_url(one_line(element)) and self.apply_url is None:
                self.apply_url = one_line(element)
            elif not is_web_url(one_line(element)):
                feed.note("presentation/xcri:applyTo (not a web address)")
        for element in by_name.get("engagement", []):
            self.study_hours = self.study_hours or hours(plain_text(element))
            if self.study_hours is None:
                feed.note("presentation/mlo:engagement")


def from_presentations(presentations: list[Presentation], feed: Feed) -> dict[str, Any]:
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
    return mode_of((element.get("identifier") or "") if by_code else "", one_line(element))


def _first_date(elements: list[Element], feed: Feed, label: str) -> date | None:
    if not elements:
        return None
    found = _date(elements[0])
    if found is None:
        feed.note(f"presentation/{label} (not a date)")
    return found


def _date(element: Element) -> date | None:
    """The date of a temporal element: its @dtf, else its text in any common format."""
    for candidate in (element.get("dtf"), one_line(element)):
        if candidate:
            found = parse_date(candidate)
            if found:
                return found
    return None

