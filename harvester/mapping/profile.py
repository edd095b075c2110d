"""A mapping profile, checked: its model (``MappingProfile`` and its parts) and how labels are compared.
Reading one is harvester.mapping.reading (a refused profile raises ``directory.errors.ProfileError``);
applying one, harvester.mapping.applying."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson

from .toml_text import profile_toml


def label_key(text: str) -> str:
    """How labels are compared: case and runs of spaces do not matter."""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Placement:
    framework: str
    value: int

    def as_dict(self) -> dict[str, Any]:
        return {"framework": self.framework, "value": self.value}


@dataclass(frozen=True)
class CreditScheme:
    label: str
    system: str
    factor: int | float
    levels: Mapping[str, Placement] = field(default_factory=dict)  # by label_key


@dataclass(frozen=True, eq=False)
class MappingProfile:
    """One feed's profile, checked. Compared and hashed by ``digest``."""

    table: Mapping[str, Any]  # the canonical table (to_table)
    credit_schemes: Mapping[str, CreditScheme]  # by label_key
    levels: Mapping[str, Placement]  # by label_key
    default_mode: tuple[str, ...]
    default_languages: tuple[str, ...]
    subjects: Mapping[str, dict[str, str]]  # by label_key: {scheme, code}
    listing_required: tuple[str, ...]
    qualification_url_pattern: re.Pattern[str] | None
    qualification_title_pattern: re.Pattern[str] | None
    digest: str
    source: str = "profile"

    @property
    def is_empty(self) -> bool:
        return not self.table

    def to_table(self) -> dict[str, Any]:
        """The canonical table (JSON types only): what ``feeds.mapping`` stores."""
        return orjson.loads(orjson.dumps(self.table))

    def to_toml(self, prefix: str = "") -> str:
        """The profile as TOML a person can edit; ``prefix="feed.mapping."`` for a feeds.toml entry."""
        return profile_toml(self.table, prefix)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MappingProfile) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)


def digest_of(table: Mapping[str, Any]) -> str:
    """What profiles are compared by: the hash of the canonical table."""
    return hashlib.sha256(orjson.dumps(table, option=orjson.OPT_SORT_KEYS)).hexdigest()


def whole(value: Decimal) -> int | float:
    """An int when the number is whole (a factor of 2, not 2.0), else a float."""
    return int(value) if value == value.to_integral_value() else float(value)
