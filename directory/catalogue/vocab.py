"""Vocabularies and the normalisation rules built on them.

Subjects: HECoS (with its Common Aggregation Hierarchy, CAH), legacy JACS 3.0 (mapped to CAH), LDCS (the
Learndirect Classification System of further-education feeds, mapped through JACS 3.0 to CAH) and ISCED-F
2013, loaded from the data files in ``config/vocab/`` (HESA's vocabularies, CC BY 4.0; see the README
there). Credit and level normalisation follow the UK frameworks' published equivalences (the UK's and
Scotland's EQF referencing reports): 2 CATS = 1 ECTS, SCQF and CQFW credit = CATS; levels

    FHEQ       4 -> EQF 5, 5 -> 5, 6 -> 6, 7 -> 7, 8 -> 8 (the FHEQ has no other levels)
    RQF, CQFW  1 -> EQF 2, 2 -> 3, 3 -> 4, 4 -> 5, 5 -> 5, 6 -> 6, 7 -> 7, 8 -> 8
    SCQF       3 -> EQF 1, 4 -> 2, 5 -> 3, 6 -> 4, 7-8 -> 5, 9-10 -> 6, 11 -> 7, 12 -> 8
    EQF        1-8

Levels below higher education (SCQF 3-6, RQF and CQFW 1-3, EQF 1-4) are levels like any other; whether a
course at them is listed is the listing policy's business. SCQF 1 and 2 (and the RQF's and CQFW's entry
levels, which have no number) sit below EQF level 1, so they have no EQF level and are refused.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..errors import VocabularyError

CREDIT_SCHEMES = ("CATS", "ECTS", "SCQF", "CQFW")
LEVEL_FRAMEWORKS = ("FHEQ", "SCQF", "CQFW", "RQF", "EQF")
SUBJECT_SCHEMES = ("HECoS", "JACS3", "LDCS", "ISCED-F")

# The levels each framework has (a value outside them is no level at all).
FRAMEWORK_LEVELS = {
    "FHEQ": range(4, 9),
    "SCQF": range(1, 13),
    "CQFW": range(1, 9),
    "RQF": range(1, 9),
    "EQF": range(1, 9),
}
_FHEQ_TO_EQF = {4: 5, 5: 5, 6: 6, 7: 7, 8: 8}
_RQF_TO_EQF = {1: 2, 2: 3, 3: 4, 4: 5, 5: 5, 6: 6, 7: 7, 8: 8}
_SCQF_TO_EQF = {3: 1, 4: 2, 5: 3, 6: 4, 7: 5, 8: 5, 9: 6, 10: 6, 11: 7, 12: 8}
_EQF_LEVELS = {level: level for level in range(1, 9)}
EQF_BY_FRAMEWORK = {
    "FHEQ": _FHEQ_TO_EQF,
    "CQFW": _RQF_TO_EQF,
    "RQF": _RQF_TO_EQF,
    "SCQF": _SCQF_TO_EQF,
    "EQF": _EQF_LEVELS,
}

# Plain-language names, because the QAA statement asks us to avoid unexplained acronyms.
EQF_LEVEL_WORDS = {
    1: "entry level (basic skills)",
    2: "introductory level (GCSE grades 3 to 1, Scottish National 4)",
    3: "intermediate level (GCSE grades 9 to 4, Scottish National 5)",
    4: "advanced school level (A level, Scottish Higher)",
    5: "undergraduate level (first years of a degree)",
    6: "bachelor's degree level",
    7: "master's level",
    8: "doctoral level",
}
EQF_LEVEL_SHORT = {1: "entry level", 2: "introductory level", 3: "intermediate level", 4: "advanced school level",
                   5: "foundation level", 6: "bachelor's level", 7: "master's level", 8: "doctoral level"}


def eqf_level(framework: str, value: int) -> int:
    """The EQF level of ``value`` in ``framework``; VocabularyError when the framework has no such level, or
    the level has no EQF counterpart (SCQF 1 and 2)."""
    table = EQF_BY_FRAMEWORK.get(framework)
    if table is None:
        raise VocabularyError(f"unknown level framework {framework!r}; use one of {', '.join(LEVEL_FRAMEWORKS)}")
    levels = FRAMEWORK_LEVELS[framework]
    if value not in levels:
        known = f"{levels.start} to {levels.stop - 1}"
        if framework == "FHEQ":
            raise VocabularyError(f"FHEQ level {value} is not a higher-education level (the FHEQ's levels are {known})")
        raise VocabularyError(f"{framework} level {value} does not exist (the {framework}'s levels are {known})")
    if value not in table:
        lowest = min(table, key=table.__getitem__)
        raise VocabularyError(f"{framework} level {value} has no EQF level: it is below EQF level 1 ({framework} {lowest})")
    return table[value]


def credit_in_cats(value: Decimal, scheme: str) -> Decimal:
    """Credit value converted to CATS points (SCQF and CQFW credits count as CATS)."""
    if scheme not in CREDIT_SCHEMES:
        raise VocabularyError(f"unknown credit scheme {scheme!r}; use one of {', '.join(CREDIT_SCHEMES)}")
    return value * 2 if scheme == "ECTS" else value


@dataclass(frozen=True)
class Subject:
    scheme: str
    code: str
    name: str
    cah3: str | None
    cah2: str | None
    cah1: str | None
    jacs3: str | None = None  # the JACS 3.0 code an LDCS code maps to (its CAH groups come through it)


@dataclass(frozen=True)
class CahGroup:
    code: str
    level: int
    name: str
    parent: str | None


class Vocabularies:
    """Every subject vocabulary, loaded from one folder, looked up in constant time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cah = self._load_cah(folder / "cah.csv")
        self.hecos = self._load_hecos(folder / "hecos.csv")
        self.jacs = self._load_jacs(folder / "jacs3.csv")
        self.ldcs = self._load_ldcs(folder / "ldcs.csv")
        self.isced = self._load_isced(folder / "isced-f.json")

    def subject(self, scheme: str, code: str) -> Subject:
        """The subject ``code`` of ``scheme`` with its CAH groups; VocabularyError when unknown."""
        table = {"HECoS": self.hecos, "JACS3": self.jacs, "LDCS": self.ldcs, "ISCED-F": self.isced}.get(scheme)
        if table is None:
            raise VocabularyError(
                f"unknown subject scheme {scheme!r}; use one of {', '.join(SUBJECT_SCHEMES)}"
            )
        if scheme == "JACS3":
            key = code.strip().upper()
        elif scheme == "LDCS":
            key = ldcs_code(code)
        else:
            key = code.strip()
        found = table.get(key)
        if found is None:
            article = "an" if scheme in ("LDCS", "ISCED-F") else "a"  # "an LDCS code", "an ISCED-F code"
            raise VocabularyError(f"{code!r} is not {article} {scheme} code")
        return found

    def cah_name(self, code: str) -> str | None:
        group = self.cah.get(code)
        return group.name if group else None

    def _load_cah(self, path: Path) -> dict[str, CahGroup]:
        with path.open(newline="", encoding="utf-8") as handle:
            return {
                row["cah_code"]: CahGroup(row["cah_code"], int(row["level"]), row["name"], row["parent"] or None)
                for row in csv.DictReader(handle)
            }

    def _load_hecos(self, path: Path) -> dict[str, Subject]:
        with path.open(newline="", encoding="utf-8") as handle:
            return {
                row["hecos_code"]: Subject(
                    "HECoS", row["hecos_code"], row["name"], row["cah3"] or None, row["cah2"] or None,
                    row["cah1"] or None,
                )
                for row in csv.DictReader(handle)
            }

    def _load_jacs(self, path: Path) -> dict[str, Subject]:
        subjects = {}
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                cah3 = row["cah3"] or None
                cah2 = self.cah[cah3].parent if cah3 in self.cah else None
                cah1 = self.cah[cah2].parent if cah2 in self.cah else None
                code = row["jacs_code"].strip().upper()
                # Some JACS codes are published without a name: their CAH group names them best.
                name = row["name"] if row["name"] != row["jacs_code"] else self.cah_name(cah3) or code
                subjects[code] = Subject("JACS3", code, name, cah3, cah2, cah1)
        return subjects

    def _load_ldcs(self, path: Path) -> dict[str, Subject]:
        subjects = {}
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                code = ldcs_code(row["ldcs_code"])
                jacs = self.jacs.get(row["jacs3"].strip().upper()) if row["jacs3"] else None
                cah3 = row["cah3"] or None
                cah2 = self.cah[cah3].parent if cah3 in self.cah else None
                cah1 = self.cah[cah2].parent if cah2 in self.cah else None
                # Codes published without a name are named after the JACS subject or CAH group they map to.
                name = row["name"]
                if name == row["ldcs_code"]:
                    named = jacs is not None and jacs.name != jacs.code
                    name = (jacs.name if named else None) or self.cah_name(cah3) or code
                subjects[code] = Subject("LDCS", code, name, cah3, cah2, cah1, jacs.code if jacs else None)
        return subjects

    def _load_isced(self, path: Path) -> dict[str, Subject]:
        entries = json.loads(path.read_text(encoding="utf-8"))
        return {
            e["fieldsOfStudyId"]: Subject("ISCED-F", e["fieldsOfStudyId"], e["txtEn"], None, None, None)
            for e in entries
        }


def ldcs_code(code: str) -> str:
    """An LDCS code as the vocabulary spells it: upper case, and a two-letter group with its full stop
    (feeds write ``db`` or ``DB`` for ``DB.``)."""
    key = code.strip().upper()
    if len(key) == 2 and key.isalpha() and key.isascii():
        key += "."
    return key


@lru_cache(maxsize=4)
def vocabularies(folder: Path) -> Vocabularies:
    """The vocabularies of ``folder``, loaded once per process."""
    return Vocabularies(folder)
