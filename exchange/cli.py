"""The exchange's commands: ``climbing-frame audit verify`` walks the audit chain and exits non-zero
when it is broken; ``climbing-frame exchange deliver`` sends the outbox now."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from . import audit, jobs


@click.group("audit")
def audit_group() -> None:
    """The exchange's hash-chained audit log."""


@audit_group.command("verify")
@click.option("--expected-head", default=None, help="The head hash kept elsewhere (detects truncation).")
@with_appcontext
def verify(expected_head: str | None) -> None:
    """Check every event's hash link from the start; exit 1 naming the first broken event."""
    instance = current_app.extensions["climbing_frame"]
    with instance.readers() as session:
        result = audit.verify(session, expected_head=expected_head)
    if not result.ok:
        click.echo(f"audit chain broken at event {result.broken_at}: {result.reason}", err=True)
        raise SystemExit(1)
    click.echo(f"audit chain verified: {result.events} events, head {result.head}")


@click.group("exchange")
def exchange_group() -> None:
    """The credit exchange's jobs, by hand."""


@exchange_group.command("deliver")
@with_appcontext
def deliver() -> None:
    """Send queued emails and due webhooks now."""
    report = jobs.deliver_outbox(current_app.extensions["climbing_frame"])
    click.echo(f"{report}")


COMMANDS = [audit_group, exchange_group]
