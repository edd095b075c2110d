"""The run report as one JSON-ready object: what the API answers and `harvest report --json` prints.

How the counts add up (``counts``), for every run that read a document:

- ``seen`` is the number of course records in the document, and each lands in exactly one bucket:
  ``seen = new + changed + unchanged + quarantined + marked_withdrawn``. ``quarantined`` counts course
  records only (invalid, unusable, duplicate ids); ``marked_withdrawn`` the records that say
  ``"status": "withdrawn"``.
- ``withdrawn`` is not a bucket of ``seen``: it counts the catalogue's active courses this run withdrew,
  those missing from the document and those marked withdrawn in it (0 while a held run's withdrawals wait;
  confirming them sets it). A record marked withdrawn for a course that was not active withdraws nothing.
- Pathways are counted apart: ``pathways.seen`` pathways in the document, ``pathways.quarantined`` of them
  rejected. Their quarantine entries are in the same list as the courses', with record ids ``pathway:ID``.
- A run that repeats the last successful one (same bytes, or 304 Not Modified) repeats its buckets, with
  ``new`` and ``changed`` moved to ``unchanged``. A failed run read nothing: every count is 0.
"""

from __future__ import annotations

from typing import Any

from .models import HarvestRun, QuarantineEntry


def run_as_dict(run: HarvestRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "feed": run.feed_id,
        "provider_id": run.provider_id,
        "trigger": run.trigger,
        "started": run.started.isoformat(),
        "finished": run.finished.isoformat(),
        "outcome": run.outcome.value,
        "http_status": run.http_status,
        "counts": {
            "seen": run.seen or 0,
            "new": run.new or 0,
            "changed": run.changed or 0,
            "unchanged": run.unchanged or 0,
            "withdrawn": run.withdrawn or 0,
            "quarantined": run.quarantined or 0,
            "marked_withdrawn": run.marked_withdrawn or 0,
            "pathways": {"seen": run.pathways_seen or 0, "quarantined": run.pathways_quarantined or 0},
        },
        "errors": list(run.errors or []),
        "held_withdrawals": list(run.held_withdrawals or []),
        "withdrawals_confirmed": run.withdrawals_confirmed.isoformat() if run.withdrawals_confirmed else None,
        "completeness": {"mean": run.completeness_mean, "least_complete": list(run.incomplete or [])},
        "unmapped": list(run.unmapped or []),
    }


def quarantine_as_dict(entry: QuarantineEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "run_id": entry.run_id,
        "feed": entry.feed_id,
        "provider_id": entry.provider_id,
        "record_id": entry.record_id,
        "field": entry.field,
        "reason": entry.reason,
        "problems": entry.problems,
        "excerpt": entry.excerpt,
        "created": entry.created.isoformat() if entry.created else None,
    }
