"""The route of a pathway as a picture: pure layout, drawn as SVG by ``templates/_pathway_route.html``.

Courses are boxes in a grid: one column per member (the awarding member first), one row per level (the
highest at the top: a climbing frame, not a ladder). Each box names its course, its role and its credit in
text, and the roles differ in outline as well as colour (core: solid, capstone: double, options: dashed),
so nothing is told by colour alone. Colours are dark text on pale fills (contrast above 7:1).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .service import NamedCourse

BOX_W, BOX_H = 220, 78
GAP = 14
LEFT = 150  # the level labels
TOP = 60  # the member names
LINE = 16
TITLE_CHARS = 28

STYLES = {
    "core": {"fill": "#e8eefc", "stroke": "#1b3a6b", "dash": None, "double": False},
    "capstone": {"fill": "#e6f4ea", "stroke": "#14532d", "dash": None, "double": True},
    "option": {"fill": "#fff6dc", "stroke": "#5c3d00", "dash": "8 5", "double": False},
}


@dataclass(frozen=True)
class Box:
    key: str
    x: int
    y: int
    lines: tuple[str, ...]
    label: str  # "Core", "Capstone", "Option group 1" + credit
    role: str
    style: Mapping[str, Any]
    known: bool


@dataclass(frozen=True)
class Heading:
    text: str
    x: int
    y: int


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    columns: tuple[Heading, ...]
    rows: tuple[Heading, ...]
    boxes: tuple[Box, ...]
    title: str
    description: str


@dataclass(frozen=True)
class RouteItem:
    """One course of the route, for the picture and its text alternative alike."""

    key: str
    role: str  # core, capstone, option
    group: int | None
    title: str
    provider_id: str
    provider_name: str
    level_label: str
    level_rank: tuple[int, int]
    credit_cats: float | None
    known: bool

    @property
    def role_label(self) -> str:
        if self.role == "option":
            return f"Option group {self.group + 1}"
        return self.role.capitalize()


def route(content: Mapping[str, Any], details: Mapping[str, NamedCourse]) -> list[RouteItem]:
    """Every course the pathway names, with what the directory knows of it."""
    rules = content["rules"]
    placed: list[tuple[str, str, int | None]] = []
    capstone = rules.get("capstone")
    if capstone:
        placed.append((capstone, "capstone", None))
    placed += [(key, "core", None) for key in rules.get("core") or [] if key != capstone]
    for index, group in enumerate(rules.get("option_groups") or []):
        placed += [(key, "option", index) for key in group["courses"]]
    items = []
    for key, role, group in placed:
        course = details.get(key)
        content_ = (course.content if course else None) or {}
        level = content_.get("level")
        provider_id = key.partition("/")[0]
        items.append(RouteItem(
            key=key, role=role, group=group,
            title=(course.title if course and course.title else key.partition("/")[2]),
            provider_id=provider_id,
            provider_name=(course.provider_name if course and course.provider_name else provider_id),
            level_label=f"{level['framework']} level {level['value']}" if level else "level not known",
            level_rank=(level["eqf"], level["value"]) if level else (0, 0),
            credit_cats=(content_.get("credit") or {}).get("cats"),
            known=bool(course and course.content),
        ))
    return items


def layout(content: Mapping[str, Any], items: list[RouteItem], awarding_name: str) -> Picture:
    awarding = content["awarding"]["id"]
    members = sorted({(i.provider_id != awarding, i.provider_name, i.provider_id) for i in items})
    column_of = {provider_id: n for n, (_, _, provider_id) in enumerate(members)}
    levels = sorted({(i.level_rank, i.level_label) for i in items}, reverse=True)
    cells: dict[tuple[int, int], list[RouteItem]] = {}
    row_of = {label: n for n, (_, label) in enumerate(levels)}
    for item in items:
        cells.setdefault((row_of[item.level_label], column_of[item.provider_id]), []).append(item)
    row_heights = [max((len(v) for (r, _), v in cells.items() if r == row), default=1) * (BOX_H + GAP) + GAP
                   for row in range(len(levels))]
    row_tops = [TOP + sum(row_heights[:n]) for n in range(len(levels))]
    boxes = []
    for (row, column), members_items in sorted(cells.items()):
        for n, item in enumerate(members_items):
            x = LEFT + column * (BOX_W + GAP)
            y = row_tops[row] + GAP + n * (BOX_H + GAP)
            credit = f", {item.credit_cats:g} credits" if item.credit_cats is not None else ""
            lines = tuple(textwrap.wrap(item.title, TITLE_CHARS, max_lines=2, placeholder="…")) or (item.key,)
            boxes.append(Box(item.key, x, y, lines, item.role_label + credit, item.role, STYLES[item.role],
                             item.known))
    width = LEFT + max(len(members), 1) * (BOX_W + GAP) + GAP
    height = TOP + sum(row_heights) + GAP
    columns = tuple(Heading(name, LEFT + n * (BOX_W + GAP) + BOX_W // 2, TOP - 22)
                    for n, (_, name, _) in enumerate(members))
    rows = tuple(Heading(label, 10, row_tops[n] + GAP + 20) for n, (_, label) in enumerate(levels))
    return Picture(width, height, columns, rows, tuple(boxes), title=f"The route to {content['title']}",
                   description=describe(content, items, awarding_name))


def describe(content: Mapping[str, Any], items: list[RouteItem], awarding_name: str) -> str:
    """The picture in one paragraph (its <desc>)."""
    rules = content["rules"]
    parts = [f"{content['title']}, awarded by {awarding_name}: {content['total_credit']['cats']:g} credits."]
    core = [i.title for i in items if i.role in ("core", "capstone")]
    if core:
        parts.append(f"Core: {', '.join(core)}.")
    for index, group in enumerate(rules.get("option_groups") or []):
        names = [i.title for i in items if i.role == "option" and i.group == index]
        parts.append(f"Option group {index + 1}: at least {group['min_credit']:g} credits from {', '.join(names)}.")
    if rules.get("capstone"):
        capstone = next((i.title for i in items if i.role == "capstone"), rules["capstone"])
        parts.append(f"The capstone {capstone} draws the rest together.")
    parts.append("Boxes are grouped by member in columns and by level in rows, highest level at the top.")
    return " ".join(parts)
