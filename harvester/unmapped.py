"""Values a run could not map, grouped for the member who can map them with a profile line.

Every record the validator refuses is looked at here (after the feed's mapping profile was applied): a
credit scheme label that is not a system we know, a level text that cannot be placed, a subject code that
does not roll up to CAH, free-text subjects when a record has no subject we know, a missing mode. Each is
grouped by (field, value) with the number of records, two example course ids and the profile line that
would map it (``harvester.mapping`` reads it). Pure: no session, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from directory.catalogue.vocab import CREDIT_SCHEMES, LEVEL_FRAMEWORKS

from .mapping import toml_string

EXAMPLES = 2
_PLACEMENT = f'{{ framework = "<{"|".join(LEVEL_FRAMEWORKS)}>", value = <level> }}'
_SUBJECT_CODE = re.compile(r"^subjects\[(\d+)\]\.code$")
PREFIX = "feed.mapping."


def profile_line(field_name: str, value: Any, scheme: str | None = None) -> str:
    """The feeds.toml line that would map ``value`` of ``field_name`` (``scheme``: a level's credit block)."""
    if field_name == "credit.scheme":
        return f"[{PREFIX}credit_schemes.{toml_string(str(value))}]"
    if field_name == "level":
        if scheme and scheme not in CREDIT_SCHEMES:
            return f"[{PREFIX}credit_schemes.{toml_string(scheme)}.levels] {toml_string(str(value))} = {_PLACEMENT}"
        return f"[{PREFIX}levels] {toml_string(str(value))} = {_PLACEMENT}"
    if field_name == "subjects":
        return f'[{PREFIX}subjects] {toml_string(str(value))} = "<HECoS code>"'
    if field_name == "mode":
        return f'[{PREFIX}defaults] mode = ["online-asynchronous"]'
    raise ValueError(f"no profile line maps {field_name!r}")


@dataclass
class _Group:
    field: str
    value: Any
    profile_line: str
    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class UnmappedValues:
    """Collects the unmapped values of one document's records."""

    groups: dict[tuple[str, str], _Group] = field(default_factory=dict)

    def note(self, course_id: str | None, raw: Mapping[str, Any], problems: Iterable[tuple[str, str]]) -> None:
        """One refused record (``raw`` as validated) and its problems as (field path, reason)."""
        found: dict[tuple[str, str], tuple[str, Any, str]] = {}
        for path, _ in problems:
            for field_name, value, line in _values(raw, path):
                found.setdefault((field_name, repr(value)), (field_name, value, line))
        for key, (field_name, value, line) in found.items():
            group = self.groups.setdefault(key, _Group(field_name, value, line))
            group.count += 1
            if course_id and len(group.examples) < EXAMPLES:
                group.examples.append(course_id)

    @classmethod
    def merged(cls, collections: Iterable[UnmappedValues]) -> UnmappedValues:
        """One collection of several (the members' sections of an aggregator's document)."""
        merged = cls()
        for collection in collections:
            for key, group in collection.groups.items():
                into = merged.groups.setdefault(key, _Group(group.field, group.value, group.profile_line))
                into.count += group.count
                into.examples.extend(group.examples[: EXAMPLES - len(into.examples)])
        return merged

    def as_list(self) -> list[dict[str, Any]]:
        """The groups, most frequent first: ``[{"field", "value", "count", "examples", "profile_line"}]``."""
        ordered = sorted(self.groups.values(), key=lambda g: (-g.count, g.field, str(g.value)))
        return [{"field": g.field, "value": g.value, "count": g.count, "examples": list(g.examples),
                 "profile_line": g.profile_line} for g in ordered]


def _values(raw: Mapping[str, Any], path: str) -> list[tuple[str, Any, str]]:
    """The (field, value, profile line) a problem at ``path`` is about, when a profile could map it."""
    if path == "credit.scheme":
        credit = raw.get("credit")
        scheme = credit.get("scheme") if isinstance(credit, Mapping) else None
        if isinstance(scheme, str) and scheme not in CREDIT_SCHEMES:
            return [("credit.scheme", scheme, profile_line("credit.scheme", scheme))]
        return []
    if path == "level" or path.startswith("level."):
        level = raw.get("level")
        source = level.get("source") if isinstance(level, Mapping) else level if isinstance(level, str) else None
        if isinstance(source, str) and source.strip():
            scheme = level.get("scheme") if isinstance(level, Mapping) else None
            return [("level", source, profile_line("level", source, scheme if isinstance(scheme, str) else None))]
        return []
    code = _SUBJECT_CODE.match(path)
    if code:
        subjects = raw.get("subjects")
        index = int(code.group(1))
        subject = subjects[index] if isinstance(subjects, list) and index < len(subjects) else None
        value = subject.get("code") if isinstance(subject, Mapping) else None
        if isinstance(value, str | int) and not isinstance(value, bool):
            return [("subjects", str(value), profile_line("subjects", str(value)))]
        return []
    if path == "subjects":
        keywords = raw.get("subject_keywords")
        return [("subjects", k, profile_line("subjects", k)) for k in keywords if isinstance(k, str) and k.strip()] \
            if isinstance(keywords, list) else []
    if path == "mode" and not raw.get("mode"):
        return [("mode", None, profile_line("mode", None))]
    return []
