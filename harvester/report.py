"""The run report as one JSON-ready object: what the API answers and `harvest report --json` prints."""

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
