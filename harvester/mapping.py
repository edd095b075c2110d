"""A feed's mapping profile: how the directory reads the values a member's feed writes its own way.

A profile is TOML: the tables under ``[feed.mapping]`` of a feed in feeds.toml, or a file holding the same
tables at its top level (``feeds mapping FEED FILE``, ``feeds check --mapping FILE``)::

    [credit_schemes."Example University"]   # keyed by the scheme label the feed uses
    system = "CATS"                          # CATS | ECTS | SCQF | CQFW
    factor = 1                               # points x factor = credits in that system
    [credit_schemes."Example University".levels]
    "1" = { framework = "FHEQ", value = 4 }
    [levels]                                 # level texts outside a credit block
    "Higher" = { framework = "SCQF", value = 6 }
    [defaults]                               # only where a record says nothing
    mode = ["online-asynchronous"]
    language = "en"                          # or languages = ["en", "cy"]
    [subjects]                               # free text or a code -> a HECoS code, or {scheme, code}
    "History" = "100302"
    [listing]
    required = ["learning_outcomes"]         # a member's stricter listing policy (field names)
    [qualifications]
    url_pattern = "/qualifications/"         # regular expressions naming qualification records
    title_pattern = "^(BA|BSc|MA|MSc)\\b"

Everything is checked when the profile is read: an unknown key, system, framework, mode or subject scheme,
a level its framework does not have, a bad language tag, a factor that is not positive, a regular
expression that does not compile, and TOML that does not parse are refused with ``ProfileError`` naming
the key and its line. Subject codes are checked against the vocabularies when the caller passes them
(the registry, the CLI and the web always do); without them the validator refuses an unknown code when
the record is harvested.

``apply(profile, raw)`` is pure: it maps one adapter record (native field names) and never invents a value
the profile does not give. Labels (credit schemes, levels, subjects) are matched ignoring case and extra
spaces.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson

from directory.catalogue import listing
from directory.catalogue.schema import MODES, is_language_tag
from directory.catalogue.vocab import (
    CREDIT_SCHEMES,
    LEVEL_FRAMEWORKS,
    SUBJECT_SCHEMES,
    Vocabularies,
    VocabularyError,
    eqf_level,
)
from directory.errors import Invalid

SECTIONS = ("credit_schemes", "levels", "defaults", "subjects", "listing", "qualifications")
_SCHEME_KEYS = ("system", "factor", "levels")
_LEVEL_KEYS = ("framework", "value")
_DEFAULT_KEYS = ("mode", "language", "languages")
_SUBJECT_KEYS = ("scheme", "code")
_LISTING_KEYS = ("required",)
_QUALIFICATION_KEYS = ("url_pattern", "title_pattern")


class ProfileError(Invalid):
    """A profile refused: ``key`` is the dotted key at fault, ``line`` its line in the text (None when the
    profile came without text)."""

    def __init__(self, source: str, key: str, line: int | None, problem: str) -> None:
        where = f"line {line}, " if line is not None else ""
        super().__init__(f"{source}: {where}{key}: {problem}", key=key, line=line)
        self.key, self.line, self.problem = key, line, problem


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
        return _toml(self.table, prefix)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MappingProfile) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)


def _digest(table: Mapping[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(table, option=orjson.OPT_SORT_KEYS)).hexdigest()


# --- reading ----------------------------------------------------------------------------------------


def parse_profile_text(text: str, *, source: str, vocab: Vocabularies | None = None) -> MappingProfile:
    """A profile file's text (tables at the top level); ProfileError naming key and line when refused."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "not valid TOML"
        raise ProfileError(source, _key_on_line(text, line) or "(profile)", line,
                           f"not valid TOML: {problem}") from None
    return profile_from_table(table, source=source, text=text, vocab=vocab)


def profile_from_table(table: Mapping[str, Any] | None, *, source: str, text: str | None = None,
                       vocab: Vocabularies | None = None, root: tuple[str, ...] = (),
                       occurrence: int | None = None) -> MappingProfile:
    """A profile from its table (a stored ``feeds.mapping``, or a feeds.toml entry's ``mapping``). With
    ``text``, errors name the line: ``root`` is where the tables sit in it (``("feed", "mapping")``), and
    ``occurrence`` which ``[[feed]]`` entry (from 0) holds them."""
    lines = _KeyLines(text, root, occurrence) if text is not None else None
    return _Reader(source, lines, vocab).profile(table or {})


class _Reader:
    def __init__(self, source: str, lines: _KeyLines | None, vocab: Vocabularies | None) -> None:
        self.source, self.lines, self.vocab = source, lines, vocab

    def fail(self, path: tuple[str, ...], problem: str) -> ProfileError:
        line = self.lines.find(path) if self.lines is not None else None
        return ProfileError(self.source, _dotted(path), line, problem)

    def table(self, value: Any, path: tuple[str, ...], known: tuple[str, ...] | None = None) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, "must be a table")
        if known is not None:
            for key in value:
                if key not in known:
                    raise self.fail((*path, key), f"unknown key (known here: {', '.join(known)})")
        return value

    def profile(self, table: Mapping[str, Any]) -> MappingProfile:
        self.table(table, (), SECTIONS)
        canonical: dict[str, Any] = {}
        schemes = self.credit_schemes(table.get("credit_schemes"), canonical)
        levels = self.levels(table.get("levels"), ("levels",), canonical, "levels")
        mode, languages = self.defaults(table.get("defaults"), canonical)
        subjects = self.subjects(table.get("subjects"), canonical)
        required = self.listing(table.get("listing"), canonical)
        url_pattern, title_pattern = self.qualifications(table.get("qualifications"), canonical)
        return MappingProfile(canonical, schemes, levels, mode, languages, subjects, required, url_pattern,
                              title_pattern, _digest(canonical), self.source)

    def unique(self, found: dict[str, Any], label: str, path: tuple[str, ...]) -> str:
        key = label_key(label)
        if not key:
            raise self.fail(path, "a label cannot be empty")
        if key in found:
            raise self.fail(path, "the same label twice (labels are compared ignoring case and spaces)")
        return key

    def credit_schemes(self, value: Any, canonical: dict[str, Any]) -> dict[str, CreditScheme]:
        if value is None:
            return {}
        found: dict[str, CreditScheme] = {}
        written: dict[str, Any] = {}
        for label, entry in self.table(value, ("credit_schemes",)).items():
            path = ("credit_schemes", label)
            key = self.unique(found, label, path)
            entry = self.table(entry, path, _SCHEME_KEYS)
            system = entry.get("system")
            if system is None:
                raise self.fail((*path, "system"), f"missing: the credit system, one of {', '.join(CREDIT_SCHEMES)}")
            if system not in CREDIT_SCHEMES:
                raise self.fail((*path, "system"), f"unknown credit system {system!r}; use one of "
                                                   f"{', '.join(CREDIT_SCHEMES)}")
            factor = entry.get("factor", 1)
            if isinstance(factor, bool) or not isinstance(factor, int | float) or not factor > 0 \
                    or factor != factor or factor == float("inf"):
                raise self.fail((*path, "factor"), f"must be a number greater than 0, not {factor!r}")
            factor = _whole(Decimal(str(factor)))
            levels_written: dict[str, Any] = {}
            levels = self.levels(entry.get("levels"), (*path, "levels"), levels_written, "levels")
            found[key] = CreditScheme(label, system, factor, levels)
            written[label] = {"system": system, "factor": factor, **levels_written}
        if written:
            canonical["credit_schemes"] = written
        return found

    def levels(self, value: Any, path: tuple[str, ...], canonical: dict[str, Any], name: str) -> dict[str, Placement]:
        if value is None:
            return {}
        found: dict[str, Placement] = {}
        written: dict[str, Any] = {}
        for label, entry in self.table(value, path).items():
            at = (*path, label)
            key = self.unique(found, label, at)
            entry = self.table(entry, at, _LEVEL_KEYS)
            framework, number = entry.get("framework"), entry.get("value")
            if framework is None:
                raise self.fail((*at, "framework"), f"missing: one of {', '.join(LEVEL_FRAMEWORKS)}")
            if framework not in LEVEL_FRAMEWORKS:
                raise self.fail((*at, "framework"), f"unknown level framework {framework!r}; use one of "
                                                    f"{', '.join(LEVEL_FRAMEWORKS)}")
            if isinstance(number, bool) or not isinstance(number, int):
                raise self.fail((*at, "value"), f"must be a whole number, the level in the {framework}")
            try:
                eqf_level(framework, number)
            except VocabularyError as exc:
                raise self.fail((*at, "value"), str(exc)) from None
            found[key] = Placement(framework, number)
            written[label] = {"framework": framework, "value": number}
        if written:
            canonical[name] = written
        return found

    def defaults(self, value: Any, canonical: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if value is None:
            return (), ()
        entry = self.table(value, ("defaults",), _DEFAULT_KEYS)
        modes = entry.get("mode", [])
        modes = [modes] if isinstance(modes, str) else modes
        if not isinstance(modes, list) or not all(isinstance(m, str) for m in modes):
            raise self.fail(("defaults", "mode"), "must be a list of modes")
        for mode in modes:
            if mode not in MODES:
                raise self.fail(("defaults", "mode"), f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if "language" in entry and "languages" in entry:
            raise self.fail(("defaults", "languages"), "give language or languages, not both")
        name = "languages" if "languages" in entry else "language"
        languages = entry.get(name, [])
        languages = [languages] if isinstance(languages, str) else languages
        if not isinstance(languages, list):
            raise self.fail(("defaults", name), "must be a language tag or a list of them")
        for language in languages:
            if not is_language_tag(language):
                raise self.fail(("defaults", name), f"{language!r} is not a BCP 47 language tag (such as 'en', "
                                                    "'cy', 'en-GB')")
        modes_t = tuple(dict.fromkeys(modes))
        languages_t = tuple(dict.fromkeys(lang.lower() if len(lang) <= 3 else lang for lang in languages))
        written: dict[str, Any] = {}
        if modes_t:
            written["mode"] = list(modes_t)
        if len(languages_t) == 1:
            written["language"] = languages_t[0]
        elif languages_t:
            written["languages"] = list(languages_t)
        if written:
            canonical["defaults"] = written
        return modes_t, languages_t

    def subjects(self, value: Any, canonical: dict[str, Any]) -> dict[str, dict[str, str]]:
        if value is None:
            return {}
        found: dict[str, dict[str, str]] = {}
        written: dict[str, Any] = {}
        for label, entry in self.table(value, ("subjects",)).items():
            at = ("subjects", label)
            key = self.unique(found, label, at)
            if isinstance(entry, str):
                subject = {"scheme": "HECoS", "code": entry.strip()}
            else:
                entry = self.table(entry, at, _SUBJECT_KEYS)
                code = entry.get("code")
                if not isinstance(code, str):
                    raise self.fail((*at, "code"), "missing: the subject code, as a string")
                subject = {"scheme": entry.get("scheme", "HECoS"), "code": code.strip()}
            if subject["scheme"] not in SUBJECT_SCHEMES:
                raise self.fail((*at, "scheme"), f"unknown subject scheme {subject['scheme']!r}; use one of "
                                                 f"{', '.join(SUBJECT_SCHEMES)}")
            if not subject["code"]:
                raise self.fail(at, "the subject code is empty")
            if self.vocab is not None:
                try:
                    subject["code"] = self.vocab.subject(subject["scheme"], subject["code"]).code
                except VocabularyError as exc:
                    raise self.fail(at, str(exc)) from None
            found[key] = subject
            written[label] = subject["code"] if subject["scheme"] == "HECoS" else dict(subject)
        if written:
            canonical["subjects"] = written
        return found

    def listing(self, value: Any, canonical: dict[str, Any]) -> tuple[str, ...]:
        if value is None:
            return ()
        entry = self.table(value, ("listing",), _LISTING_KEYS)
        required = entry.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) and r.strip() for r in required):
            raise self.fail(("listing", "required"), "must be a list of field names")
        names = tuple(dict.fromkeys(r.strip() for r in required))
        unknown = [n for n in names if n not in listing.FIELD_WORDS]
        if unknown:  # refused when saved, not at the next harvest
            raise self.fail(("listing", "required"), f"unknown field {', '.join(map(repr, unknown))} (fields of "
                                                     f"the course record: {', '.join(listing.FIELD_WORDS)})")
        if names:
            canonical["listing"] = {"required": list(names)}
        return names

    def qualifications(self, value: Any, canonical: dict[str, Any]) -> tuple[re.Pattern | None, re.Pattern | None]:
        if value is None:
            return None, None
        entry = self.table(value, ("qualifications",), _QUALIFICATION_KEYS)
        compiled: list[re.Pattern | None] = []
        written: dict[str, str] = {}
        for key in _QUALIFICATION_KEYS:
            pattern = entry.get(key)
            if pattern is None:
                compiled.append(None)
                continue
            if not isinstance(pattern, str) or not pattern:
                raise self.fail(("qualifications", key), "must be a regular expression (a string)")
            try:
                compiled.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                raise self.fail(("qualifications", key), f"not a regular expression: {exc}") from None
            written[key] = pattern
        if written:
            canonical["qualifications"] = written
        return compiled[0], compiled[1]


def _whole(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(_toml_key(part) for part in path) or "(profile)"


# --- finding a key's line ---------------------------------------------------------------------------

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _split_key(text: str, start: int = 0) -> tuple[list[str], int] | None:
    """A dotted TOML key from ``start``: its parts and where it ends; None when there is none."""
    parts: list[str] = []
    i = start
    while True:
        while i < len(text) and text[i] in " \t":
            i += 1
        if i >= len(text):
            return None
        if text[i] == '"':
            j, part = i + 1, []
            while j < len(text) and text[j] != '"':
                if text[j] == "\\" and j + 1 < len(text):
                    part.append(text[j:j + 2].encode().decode("unicode_escape", "replace"))
                    j += 2
                    continue
                part.append(text[j])
                j += 1
            parts.append("".join(part))
            i = j + 1
        elif text[i] == "'":
            j = text.find("'", i + 1)
            if j < 0:
                return None
            parts.append(text[i + 1:j])
            i = j + 1
        else:
            bare = _BARE.match(text, i)
            if not bare:
                return None
            parts.append(bare.group())
            i = bare.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        return parts, i


class _KeyLines:
    """Where each table and key of a TOML text is (1-based lines): good enough for a person to find it.
    Keys inside inline tables are found by the line of the key that holds them."""

    def __init__(self, text: str, root: tuple[str, ...] = (), occurrence: int | None = None) -> None:
        self.found: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        arrays: dict[tuple[str, ...], int] = {}
        inside = occurrence is None
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                array = stripped.startswith("[[")
                split = _split_key(stripped, 2 if array else 1)
                if split is None:
                    continue
                table = tuple(split[0])
                if array:
                    arrays[table] = arrays.get(table, -1) + 1
                    if occurrence is not None and root and table == root[:len(table)]:
                        inside = arrays[table] == occurrence
                    table = table  # an array entry's keys sit under its name
            elif stripped and not stripped.startswith("#"):
                split = _split_key(stripped)
                if split is None or split[1] >= len(stripped) or stripped[split[1]] != "=":
                    continue
                path = (*table, *split[0])
                if inside:
                    self._record(path, number, root)
                continue
            else:
                continue
            if inside:
                self._record(table, number, root)

    def _record(self, path: tuple[str, ...], number: int, root: tuple[str, ...]) -> None:
        if path[:len(root)] != root:
            return
        self.found.setdefault(path[len(root):], number)

    def find(self, path: tuple[str, ...]) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.found:
                return self.found[path[:end]]
        return min(self.found.values()) if self.found else None


def _key_on_line(text: str, line: int | None) -> str | None:
    if line is None:
        return None
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    stripped = lines[line - 1].strip().lstrip("[").lstrip("[")
    split = _split_key(stripped)
    return ".".join(split[0]) if split else None


# --- writing ----------------------------------------------------------------------------------------


def toml_string(value: str) -> str:
    escaped = []
    for ch in value:
        if ch in '"\\':
            escaped.append("\\" + ch)
        elif ch == "\n":
            escaped.append("\\n")
        elif ch == "\t":
            escaped.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            escaped.append(f"\\u{ord(ch):04x}")
        else:
            escaped.append(ch)
    return '"' + "".join(escaped) + '"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


def _toml(table: Mapping[str, Any], prefix: str) -> str:
    blocks: list[str] = []

    def block(header: str, entries: Mapping[str, Any]) -> None:
        blocks.append("\n".join([f"[{prefix}{header}]", *(f"{_toml_key(k)} = {_toml_value(v)}"
                                                         for k, v in entries.items())]))

    for label, scheme in table.get("credit_schemes", {}).items():
        header = f"credit_schemes.{_toml_key(label)}"
        block(header, {"system": scheme["system"], "factor": scheme["factor"]})
        if scheme.get("levels"):
            block(f"{header}.levels", scheme["levels"])
    for name in ("levels", "defaults", "subjects", "listing", "qualifications"):
        if table.get(name):
            block(name, table[name])
    return "\n\n".join(blocks) + ("\n" if blocks else "")


# --- applying ----------------------------------------------------------------------------------------


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
        return _whole(Decimal(str(value).strip()) * Decimal(str(factor)))
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


EMPTY = profile_from_table({}, source="no profile")
