"""The exchange's commands: ``climbing-frame audit verify`` checks the audit chain and its signed head and
exits non-zero when they do not check out; ``climbing-frame audit seal`` signs the chain written before
the keyed head existed (once, after the upgrade); ``climbing-frame exchange deliver`` sends the outbox now."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from directory.errors import AuditUnavailable, Conflict
from directory.instance import current_instance

from . import audit, jobs


@click.group("audit")
def audit_group() -> None:
    """The exchange's keyed, hash-chained audit log."""


@audit_group.command("verify")
@click.option("--expected-head", default=None, help="The head hash kept elsewhere (detects a restored copy).")
@with_appcontext
def verify(expected_head: str | None) -> None:
    """Check the signed head and every event's link from the start; exit 1 naming the first problem,
    2 when this instance has no audit key to check with."""
    instance = current_instance()
    with instance.readers() as session:
        try:
            result = audit.verify(session, expected_head=expected_head)
        except AuditUnavailable as exc:
            click.echo(f"cannot verify the audit chain: {exc.detail}", err=True)
            raise SystemExit(2) from None
    if not result.ok:
        where = f" at event {result.broken_at}" if result.broken_at is not None else ""
        click.echo(f"audit chain broken{where}: {result.reason}", err=True)
        raise SystemExit(1)
    click.echo(f"audit chain verified: {result.events} events, head {result.head}")


@audit_group.command("seal")
@with_appcontext
def seal() -> None:
    """Once, after upgrading to the keyed chain: check the events written before and sign their head."""
    instance = current_instance()
    try:
        with instance.sessions.begin() as session:
            result = audit.seal(session)
    except AuditUnavailable as exc:
        click.echo(f"cannot seal the audit chain: {exc.detail}", err=True)
        raise SystemExit(2) from None
    except Conflict as exc:
        raise click.ClickException(exc.detail) from None
    if not result.ok:
        where = f" at event {result.broken_at}" if result.broken_at is not None else ""
        click.echo(f"not sealed, the audit chain is broken{where}: {result.reason}", err=True)
        raise SystemExit(1)
    click.echo(f"audit chain sealed: {result.events} events written before the upgrade, head {result.head}")


@click.group("exchange")
def exchange_group() -> None:
    """The credit exchange's jobs, by hand."""


@exchange_group.command("deliver")
@with_appcontext
def deliver() -> None:
    """Send queued emails and due webhooks now."""
    report = jobs.deliver_outbox(current_instance())
    click.echo(f"{report}")


COMMANDS = [audit_group, exchange_group]
