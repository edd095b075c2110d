"""Reading a mapping profile from TOML text or a stored table, checking everything as it goes: every
refusal is a ProfileError naming the key and, with the text, its line."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from directory.catalogue import listing
from directory.catalogue.schema import MODES, is_language_tag
from directory.catalogue.vocab import (
    CREDIT_SCHEMES,
    LEVEL_FRAMEWORKS,
    SUBJECT_SCHEMES,
    Vocabularies,
    eqf_level,
)
from directory.errors import ProfileError, VocabularyError

from .profile import CreditScheme, MappingProfile, Placement, digest_of, label_key, whole
from .toml_text import KeyLines, key_on_line, toml_key

SECTIONS = ("credit_schemes", "levels", "defaults", "subjects", "listing", "qualifications")
_SCHEME_KEYS = ("system", "factor", "levels")
_LEVEL_KEYS = ("framework", "value")
_DEFAULT_KEYS = ("mode", "language", "languages")
_SUBJECT_KEYS = ("scheme", "code")
_LISTING_KEYS = ("required",)
_QUALIFICATION_KEYS = ("url_pattern", "title_pattern")


def parse_profile_text(text: str, *, source: str, vocab: Vocabularies | None = None) -> MappingProfile:
    """A profile file's text (tables at the top level); ProfileError naming key and line when refused."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "not valid TOML"
        raise ProfileError(source, key_on_line(text, line) or "(profile)", line,
                           f"not valid TOML: {problem}") from None
    return profile_from_table(table, source=source, text=text, vocab=vocab)


def profile_from_table(table: Mapping[str, Any] | None, *, source: str, text: str | None = None,
                       vocab: Vocabularies | None = None, root: tuple[str, ...] = (),
                       occurrence: int | None = None) -> MappingProfile:
    """A profile from its table (a stored ``feeds.mapping``, or a feeds.toml entry's ``mapping``). With
    ``text``, errors name the line: ``root`` is where the tables sit in it (``("feed", "mapping")``), and
    ``occurrence`` which ``[[feed]]`` entry (from 0) holds them."""
    lines = KeyLines(text, root, occurrence) if text is not None else None
    return _Reader(source, lines, vocab).profile(table or {})


class _Reader:
    def __init__(self, source: str, lines: KeyLines | None, vocab: Vocabularies | None) -> None:
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
                              title_pattern, digest_of(canonical), self.source)

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
            factor = whole(Decimal(str(factor)))
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


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(toml_key(part) for part in path) or "(profile)"
