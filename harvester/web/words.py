"""Run times and outcomes in plain words, for the harvest pages."""

from __future__ import annotations

from datetime import datetime

from .schemas import present_run

OUTCOME_WORDS = {"succeeded": "succeeded", "failed": "failed", "held": "held for confirmation",
                 "partial": "partly succeeded"}
_UNITS = ((86400, "day"), (3600, "hour"), (60, "minute"))


def when(moment: datetime | None) -> str:
    """One date style with the rest of the site (07 December 2026), with the time of day in UTC."""
    return moment.strftime("%d %B %Y, %H:%M UTC") if moment else ""


def age(moment: datetime, now: datetime) -> str:
    """How long ago (or, for a time to come, how soon): "3 hours ago", "in 20 minutes", "just now"."""
    seconds = int((now - moment).total_seconds())
    later, seconds = seconds < 0, abs(seconds)
    for size, unit in _UNITS:
        if seconds >= size:
            count = seconds // size
            amount = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {amount}" if later else f"{amount} ago"
    return "now" if later else "just now"


def outcome(value: str) -> str:
    return OUTCOME_WORDS.get(value, value)


def interval(seconds: int) -> str:
    for size, unit in _UNITS:
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def every_text(seconds: int) -> str:
    """The interval as the form takes it back (6h, 30m, 1d)."""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def run_rows(runs) -> list[dict]:
    """Runs as the run tables show them: the report's dict, with the finish time kept as a datetime."""
    return [{**present_run(run), "finished_at": run.finished} for run in runs]


def problem_rows(records: list[dict]) -> list[dict]:
    """Every problem of every quarantined record (``report.present_quarantine_record``), one row each."""
    return [{"course_id": r["course_id"], "title": r["title"], "field": p.get("field"), "value": p.get("value"),
             "reason": p.get("reason")} for r in records for p in r["problems"]]
