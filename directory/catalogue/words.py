"""Course facts in plain words, as the QAA statement asks: no unexplained acronyms."""

from __future__ import annotations

from typing import Any

from .vocab import EQF_LEVEL_SHORT

FRAMEWORK_NAMES = {
    "FHEQ": "Framework for Higher Education Qualifications (England, Wales, Northern Ireland)",
    "SCQF": "Scottish Credit and Qualifications Framework",
    "CQFW": "Credit and Qualifications Framework for Wales",
    "EQF": "European Qualifications Framework",
}
MODE_WORDS = {
    "online-synchronous": "online, live sessions",
    "online-asynchronous": "online, study in your own time",
    "on-campus": "on campus",
    "work-based": "work-based",
    "blended": "blended (online and on campus)",
}


def _number(value: float) -> str:
    return f"{value:g}"


def credit_words(credit: dict[str, Any]) -> str:
    """'15 credits (7.5 ECTS)': UK credit first, European credit in brackets."""
    return f"{_number(credit['cats'])} credits ({_number(credit['ects'])} ECTS)"


def level_words(level: dict[str, Any]) -> str:
    return EQF_LEVEL_SHORT.get(level["eqf"], f"European level {level['eqf']}")


def credit_and_level(credit: dict[str, Any], level: dict[str, Any]) -> str:
    """'15 credits (7.5 ECTS), master's level'."""
    return f"{credit_words(credit)}, {level_words(level)}"


def mode_words(modes: list[str]) -> str:
    return "; ".join(MODE_WORDS.get(m, m) for m in modes)


def next_start_words(schedule: dict[str, Any] | None, today_iso: str) -> str:
    if not schedule:
        return "start dates not published"
    if schedule["type"] == "learner-led":
        return "start any time"
    upcoming = [p["start"] for p in schedule["presentations"] if p["start"] >= today_iso]
    return f"next start {upcoming[0]}" if upcoming else "no upcoming start date"
