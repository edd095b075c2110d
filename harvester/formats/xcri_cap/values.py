"""The value parsers: what one XCRI-CAP text means as credit, a level, hours, a mode, a date, a duration, a
cost, a language or a subject code. Pure functions over strings (the elements are read in .mapping).

Numbers are read with ASCII digits only; absurd values (a credit value of more than nine digits, more than
99,999 hours, a price above 999,999,999) count as absent rather than reaching the catalogue.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

# --- credit -------------------------------------------------------------------------------------------

_SCHEMES = (
    ("CATS", re.compile(r"(?<![A-Z])CATS(?![A-Z])|CREDIT ACCUMULATION")),
    ("ECTS", re.compile(r"(?<![A-Z])ECTS(?![A-Z])|EUROPEAN CREDIT")),
    ("SCQF", re.compile(r"(?<![A-Z])SCQF(?![A-Z])|SCOTTISH CREDIT")),
    ("CQFW", re.compile(r"(?<![A-Z])CQFW(?![A-Z])|CREDIT AND QUALIFICATIONS FRAMEWORK FOR WALES")),
)


def credit_scheme(text: str) -> str | None:
    """CATS, ECTS, SCQF or CQFW when a credit:scheme text names one (any case, or inside a URL)."""
    upper = text.upper()
    return next((name for name, pattern in _SCHEMES if pattern.search(upper)), None)


def positive_number(text: str) -> int | float | None:
    found = re.search(r"[0-9]+(?:\.[0-9]+)?", text.replace(",", ""))
    if not found or len(found.group()) > 9:
        return None
    value = Decimal(found.group())
    if value <= 0:
        return None
    return int(value) if value == value.to_integral_value() else float(value)



# --- levels -------------------------------------------------------------------------------------------

_NAMED_FRAMEWORKS = (
    ("SCQF", r"SCQF|FQHEIS|SCOTTISH CREDIT AND QUALIFICATIONS FRAMEWORK"),
    ("CQFW", r"CQFW|CREDIT AND QUALIFICATIONS FRAMEWORK FOR WALES"),
    ("RQF", r"RQF|NQF|QCF|REGULATED QUALIFICATIONS FRAMEWORK|NATIONAL QUALIFICATIONS FRAMEWORK"),
    ("FHEQ", r"FHEQ|FRAMEWORK FOR HIGHER EDUCATION QUALIFICATIONS"),
    ("EQF", r"EQF|EUROPEAN QUALIFICATIONS FRAMEWORK"),
    ("SVQ", r"S/?NVQ|SVQ"),
)
FRAMEWORK_MENTION = re.compile(
    "|".join(f"(?P<{name}>(?<![A-Z]){pattern}(?![A-Z]))" for name, pattern in _NAMED_FRAMEWORKS)
)
_LEVEL_NUMBER = re.compile(r"(?<![0-9.])([0-9]{1,2})(?![0-9.])")
# The SCQF's broad placing of SVQs (an SVQ is credit-rated on its own and may sit a level higher).
_SVQ_TO_SCQF = {1: 4, 2: 5, 3: 6, 4: 8, 5: 11}
# Scottish qualification names and the SCQF level the framework gives them.
_SCOTTISH_NAMES = (
    (re.compile(r"(?<![A-Z])ADVANCED HIGHER(?![A-Z])"), lambda found: 7),
    (re.compile(r"(?<![A-Z])SCOTTISH BACCALAUREATE(?![A-Z])"), lambda found: 7),
    (re.compile(r"(?<![A-Z])NATIONAL ([1-5])(?![0-9])"), lambda found: int(found.group(1))),
    (re.compile(r"(?<![A-Z])INTERMEDIATE ([12])(?![0-9])"), lambda found: 3 + int(found.group(1))),
    (re.compile(r"(?<![A-Z])ACCESS ([1-3])(?![0-9])"), lambda found: int(found.group(1))),
    (re.compile(r"(?<![A-Z])(FOUNDATION|GENERAL|CREDIT)(?: LEVEL)? STANDARD GRADE(?![A-Z])"
                r"|(?<![A-Z])STANDARD GRADE \(?(FOUNDATION|GENERAL|CREDIT)(?![A-Z])"),
     lambda found: {"FOUNDATION": 3, "GENERAL": 4, "CREDIT": 5}[found.group(1) or found.group(2)]),
)
_LABEL_FILLER = frozenset("SQA SCOTTISH NQ COURSE AWARD UNIT LEVEL QUALIFICATION GRADE".split())
# The old CATS numbering (and universities' own points schemes): 1, 2, 3, M or C, I, H, M, D.
_CATS_LABELS = {"1": 4, "2": 5, "3": 6, "C": 4, "I": 5, "H": 6, "M": 7, "D": 8}
_FHEQ = range(4, 9)
_RANGES = {"FHEQ": _FHEQ, "SCQF": range(1, 13), "CQFW": range(1, 9), "RQF": range(1, 9), "EQF": range(1, 9)}


def place_level(text: str, numbering: str | None) -> dict[str, Any] | str:
    """The level a level text names, or why it cannot be placed. ``numbering`` is how a bare label is read
    (the credit block's SCQF, CQFW or CATS; None outside a credit block or in an ECTS block)."""
    upper = " ".join(re.sub(r"[^A-Z0-9/()]+", " ", text.upper()).split())
    mention = FRAMEWORK_MENTION.search(upper)
    if mention:
        framework = mention.lastgroup or ""
        number = _LEVEL_NUMBER.search(upper, mention.end()) or _LEVEL_NUMBER.search(upper)
        if not number:
            return f"it names the {framework} but no level number"
        value = int(number.group(1))
        if framework == "SVQ":
            if value not in _SVQ_TO_SCQF:
                return f"SVQs have levels 1 to 5, not {value}"
            return {"framework": "SCQF", "value": _SVQ_TO_SCQF[value]}
        return _within(framework, value)
    for pattern, scqf in _SCOTTISH_NAMES:
        found = pattern.search(upper)
        if found:
            return {"framework": "SCQF", "value": scqf(found)}
    words = [word for word in re.findall(r"[A-Z0-9]+", upper) if word not in _LABEL_FILLER]
    if words == ["HIGHER"]:
        return {"framework": "SCQF", "value": 6}
    label = "".join(words)
    if numbering in ("SCQF", "CQFW") and label.isdigit():
        return _within(numbering, int(label))
    if numbering == "CATS" and label in _CATS_LABELS:
        return {"framework": "FHEQ", "value": _CATS_LABELS[label]}
    if label.isdigit() and int(label) in _FHEQ:
        return {"framework": "FHEQ", "value": int(label)}
    if label.isdigit():
        value = int(label)
        examples = " or ".join(f"'{f} {value}'" for f in ("SCQF", "RQF") if value in _RANGES[f]) or "'SCQF 7'"
        return (f"a bare level {value} names no framework and the FHEQ's levels are 4 to 8: "
                f"name the framework (for example {examples})")
    return "no level number in a known framework, and not a qualification name we know"


def _within(framework: str, value: int) -> dict[str, Any] | str:
    levels = _RANGES[framework]
    if value not in levels:
        return f"the {framework} has no level {value} (its levels are {levels.start} to {levels.stop - 1})"
    return {"framework": framework, "value": value}



def hours(text: str) -> int | None:
    number = r"(?<![0-9.])([0-9]{1,5}(?:\.[0-9]{1,2})?)"
    found = re.search(rf"{number}\s*(?:hours?|hrs?|h)\b", text, re.I) or re.fullmatch(
        rf"\s*{number}\s*", text
    )
    if not found:
        return None
    hours = round(float(found.group(1)))
    return hours if hours >= 1 else None



# --- modes --------------------------------------------------------------------------------------------

_MODE_CODES = {
    "CM": "on-campus",
    "NC": "on-campus",
    "DS": "online-asynchronous",
    "ON": "online-asynchronous",
    "DA": "blended",
    "MM": "blended",
    "BL": "blended",
    "WB": "work-based",
}
_MODE_WORDS = (
    (re.compile(r"distance with attendance|blended|mixed|hybrid", re.I), "blended"),
    (re.compile(r"work[- ]?based|workplace", re.I), "work-based"),
    (re.compile(r"\b(live online|synchronous|webinar|virtual classroom)\b", re.I), "online-synchronous"),
    (re.compile(r"\bonline\b|\bdistance\b|e-?learning", re.I), "online-asynchronous"),
    (re.compile(r"campus|face[- ]to[- ]face|classroom", re.I), "on-campus"),
)


def mode_of(code: str, text: str) -> str | None:
    """The mode an attendanceMode code names (``code``: "" when not read by code), else its text's words."""
    code = code.strip().upper()
    if code in _MODE_CODES:
        return _MODE_CODES[code]
    return next((mode for pattern, mode in _MODE_WORDS if pattern.search(text)), None)


# --- dates and durations --------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, name in enumerate(
        "january february march april may june july august september october november december".split(),
        start=1,
    )
}

def parse_date(text: str) -> date | None:
    text = text.strip()
    patterns = (
        (r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ].*)?$", (1, 2, 3)),
        (r"^([0-9]{4})([0-9]{2})([0-9]{2})$", (1, 2, 3)),
        (r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$", (3, 2, 1)),  # UK order: day first
    )
    for pattern, (y, m, d) in patterns:
        found = re.match(pattern, text)
        if found:
            return _safe_date(found.group(y), found.group(m), found.group(d))
    words = re.findall(r"[a-z]+|[0-9]+", text.lower())
    month = next(
        (_MONTHS[name] for word in words for name in _MONTHS if len(word) >= 3 and name.startswith(word)),
        None,
    )
    year = next((w for w in words if w.isdigit() and len(w) == 4), None)
    day = next((w for w in words if w.isdigit() and len(w) <= 2), None)
    if month and year and day:
        return _safe_date(year, str(month), day)
    return None


def _safe_date(year: str, month: str, day: str) -> date | None:
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if found.year >= 1800 else None


def duration_days(text: str) -> int | None:
    iso = re.fullmatch(
        r"P(?:([0-9]{1,3})Y)?(?:([0-9]{1,4})M)?(?:([0-9]{1,4})W)?(?:([0-9]{1,5})D)?(?:T.*)?",
        text.strip().upper(),
    )
    if iso and any(iso.groups()):
        years, months, weeks, days = (int(g or 0) for g in iso.groups())
        total = years * 365 + months * 30 + weeks * 7 + days
        return total or None
    spoken = re.search(r"(?<![0-9])([0-9]{1,4})\s*(day|week|month|year)s?\b", text, re.I)
    if spoken:
        per = {"day": 1, "week": 7, "month": 30, "year": 365}[spoken.group(2).lower()]
        return int(spoken.group(1)) * per or None
    return None



# --- money and languages ------------------------------------------------------------------------------

_CURRENCY = {
    "£": "GBP",
    "€": "EUR",
    "$": "USD",
    "POUND": "GBP",
    "POUNDS": "GBP",
    "EURO": "EUR",
    "EUROS": "EUR",
}
_AMOUNT = r"(?<![0-9.,])([0-9]{1,3}(?:,[0-9]{3}){1,3}|[0-9]{1,9})(?:\.([0-9]{1,2}))?(?![0-9])"
_PRICE = re.compile(
    rf"(?:(£|€|\$|(?<![A-Za-z])(?:GBP|EUR|USD|CHF|CAD|AUD)(?![A-Za-z]))\s?{_AMOUNT})"
    rf"|(?:{_AMOUNT}\s?((?:GBP|EUR|USD|CHF|CAD|AUD|pounds?|euros?)(?![A-Za-z])))",
    re.I,
)
_FREE = re.compile(r"^\s*(free|free of charge|no charge|no cost|nil)\s*\.?\s*$", re.I)


def cost_of(text: str) -> dict[str, str] | None:
    """Amount and currency of a cost text; the text itself is kept as notes when it says more."""
    price = _PRICE.search(text)
    if price:
        symbol, whole, pence, whole2, pence2, word = price.groups()
        currency = (symbol or word).upper()
        amount = Decimal(f"{(whole or whole2).replace(',', '')}.{pence or pence2 or '0'}")
        cost = {
            "amount": str(amount.quantize(Decimal("0.01"))),
            "currency": _CURRENCY.get(currency, currency),
        }
        if text.strip() != price.group().strip():
            cost["notes"] = text.strip()
        return cost
    if _FREE.match(text):
        # Currency is immaterial for nothing; GBP because the directory is of UK providers.
        return {"amount": "0.00", "currency": "GBP", "notes": text.strip()}
    return None


_LANGUAGE_NAMES = {
    "english": "en",
    "welsh": "cy",
    "cymraeg": "cy",
    "gaelic": "gd",
    "scottish gaelic": "gd",
    "irish": "ga",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "chinese": "zh",
    "mandarin": "zh",
    "arabic": "ar",
    "japanese": "ja",
    "polish": "pl",
    "russian": "ru",
}
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def language_of(text: str) -> str | None:
    text = text.strip()
    if _BCP47.match(text):
        primary, _, rest = text.partition("-")
        return primary.lower() + (f"-{rest}" if rest else "")
    return _LANGUAGE_NAMES.get(text.lower())


# --- subjects -----------------------------------------------------------------------------------------

_JACS = re.compile(r"^[A-Z][0-9]{3}$")
_HECOS = re.compile(r"^10[0-9]{4}$")
_ISCED = re.compile(r"^[0-9]{2,4}$")
# LDCS: a one-letter area (``A``), a two-letter group with its full stop (``DB.``), a subject in it (``KC.3``).
_LDCS = re.compile(r"^[A-Z]{1,2}(?:\.[0-9]*)?$")
# Without a type naming LDCS only the full-stop shape is taken for one (JACS and HECoS codes never have it).
_LDCS_BARE = re.compile(r"^[A-Z]{2}\.[0-9]*$")
# "JACS3: G400", "HECoS 100366", "LDCS1: DB." (the OU's numbered LDCS subjects) written into the text
_LABELLED = re.compile(r"^(JACS(?:\s*3(?:\.0)?)?|HECOS|LDCS\s*[0-9]?|ISCED(?:-F)?)\s*[:\-]?\s*([\w.]+)$", re.I)
# A JACS code written before its name in the text: "G400 Computer science", "(G400) Computer science"
_CODE_FIRST = re.compile(r"^\(?([A-Za-z][0-9]{3})\)?(?:\s+|\s*[:\-]\s*)\S")



def subject_code(kind: str, identifier: str, text: str) -> dict[str, str] | None:
    # An identifier may be a code's URI (http://jacs.dataincubator.org/g400): its last segment is the code.
    if "/" in identifier:
        identifier = identifier.rstrip("/").rsplit("/", 1)[-1]
    candidates = [c for c in (identifier, text) if c]
    labelled = _LABELLED.match(text)
    if labelled:
        kind = kind or re.sub(r"[\s.0-9]", "", labelled.group(1).upper())
        candidates.append(labelled.group(2))
    if "JACS" in kind and (code_first := _CODE_FIRST.match(text)):
        candidates.append(code_first.group(1))
    for written in candidates:
        code = written.strip().upper()
        if "JACS" in kind or (not kind and _JACS.match(code)):
            if _JACS.match(code):
                return {"scheme": "JACS3", "code": code}
        elif "HECOS" in kind or (not kind and _HECOS.match(code)):
            if _HECOS.match(code):
                return {"scheme": "HECoS", "code": code}
        elif "LDCS" in kind:
            if _LDCS.match(code):
                return {"scheme": "LDCS", "code": code}
        elif not kind and (written is identifier or written.strip().isupper()) and _LDCS_BARE.match(code):
            return {"scheme": "LDCS", "code": code}
        elif "ISCED" in kind and _ISCED.match(code):
            return {"scheme": "ISCED-F", "code": code}
    return None

