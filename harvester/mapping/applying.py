"""Applying a mapping profile to one adapter record. Pure: no session, no I/O, never a value the profile
does not give."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .profile import MappingProfile, Placement, label_key, whole


def apply(profile: MappingProfile, raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """``raw`` with the profile's mappings applied (a new mapping; ``raw`` itself when nothing applies):

    - ``credit`` whose scheme is a profile label: ``{value: value x factor, scheme: system}``;
    - ``level``: the label of the credit scheme's ``levels`` (the level's ``scheme``, else the credit's),
      else of ``levels``, matched on the record's level text (``level.source``), replaces the adapter's
      placement;
    - ``subjects``: free text (``subject_keywords``) or a code the profile lists adds (a code: replaces)
      the profile's subject;
    - ``mode`` and ``languages`` from ``defaults`` only where the record has none.
    """
    if profile.is_empty or not isinstance(raw, Mapping):
        return raw
    mapped = dict(raw)
    credit = raw.get("credit")
    scheme_label = None
    if isinstance(credit, Mapping) and isinstance(credit.get("scheme"), str):
        scheme_label = credit["scheme"]
        scheme = profile.credit_schemes.get(label_key(scheme_label))
        if scheme is not None:
            mapped["credit"] = {**credit, "value": _scaled(credit.get("value"), scheme.factor),
                                "scheme": scheme.system}
    level = raw.get("level")
    if isinstance(level, Mapping):
        placed = _placement(profile, level, scheme_label)
        if placed is not None:
            mapped["level"] = {**level, **placed.as_dict()}
            mapped["level"].pop("problem", None)
    elif isinstance(level, str):
        placed = profile.levels.get(label_key(level))
        if placed is not None:
            mapped["level"] = {"source": level, **placed.as_dict()}
    if profile.subjects:
        subjects = _subjects(profile, raw)
        if subjects is not None:
            mapped["subjects"] = subjects
    if profile.default_mode and not raw.get("mode"):
        mapped["mode"] = list(profile.default_mode)
    if profile.default_languages and not raw.get("languages"):
        mapped["languages"] = list(profile.default_languages)
    return mapped


def _scaled(value: Any, factor: int | float) -> Any:
    if factor == 1:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return value
    try:
        return whole(Decimal(str(value).strip()) * Decimal(str(factor)))
    except ArithmeticError:
        return value  # not a number: the validator says so


def _placement(profile: MappingProfile, level: Mapping[str, Any], credit_label: str | None) -> Placement | None:
    source = level.get("source")
    if not isinstance(source, str) or not source.strip():
        return None
    key = label_key(source)
    for label in (level.get("scheme"), credit_label):
        if isinstance(label, str):
            scheme = profile.credit_schemes.get(label_key(label))
            if scheme is not None and key in scheme.levels:
                return scheme.levels[key]
    return profile.levels.get(key)


def _subjects(profile: MappingProfile, raw: Mapping[str, Any]) -> list[Any] | None:
    """The record's subjects with the profile's applied; None when the profile maps none of them."""
    given = raw.get("subjects")
    subjects = list(given) if isinstance(given, list) else []
    changed = False
    for index, subject in enumerate(subjects):
        if isinstance(subject, Mapping) and isinstance(subject.get("code"), str | int):
            found = profile.subjects.get(label_key(str(subject["code"])))
            if found is not None:
                subjects[index] = dict(found)
                changed = True
    keywords = raw.get("subject_keywords")
    for keyword in keywords if isinstance(keywords, list) else []:
        found = profile.subjects.get(label_key(keyword)) if isinstance(keyword, str) else None
        if found is not None and found not in subjects:
            subjects.append(dict(found))
            changed = True
    if not changed:
        return None
    unique: list[Any] = []
    for subject in subjects:
        if subject not in unique:
            unique.append(subject)
    return unique
