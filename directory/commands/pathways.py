"""``climbing-frame pathways``: consortium pathways from administrators (member pathways come from feeds)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..errors import DomainError
from ..identity.identity import OPERATOR
from ..instance import current_instance
from ..pathways import consortium, service


@click.group("pathways")
def pathways_group() -> None:
    """Pathways to an award: consortium pathways added here, members' pathways from their feeds."""


@pathways_group.command("add")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="A pathway as JSON (docs/feed-format.md, Pathways), with awarding: {id: <provider id>}.")
@with_appcontext
def add_command(path: Path) -> None:
    """Add or replace a consortium pathway."""
    instance = current_instance()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{path}: not valid JSON: {exc}") from None
    try:
        saved = consortium.add(instance.sessions, instance.index_changes, OPERATOR, raw)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"pathway {saved.pathway_id} {saved.state} ({saved.reindexed} courses re-indexed)")


@pathways_group.command("withdraw")
@click.argument("pathway_id")
@with_appcontext
def withdraw_command(pathway_id: str) -> None:
    """Withdraw a consortium pathway (members withdraw theirs by leaving it out of their feed)."""
    instance = current_instance()
    try:
        reindexed = consortium.withdraw(instance.sessions, instance.index_changes, OPERATOR, pathway_id)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"pathway {pathway_id} withdrawn ({reindexed} courses re-indexed)")


@pathways_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--all", "include_withdrawn", is_flag=True, help="Withdrawn pathways too.")
@with_appcontext
def list_command(as_json: bool, include_withdrawn: bool) -> None:
    """Every pathway: id, awarding member, source, status, title."""
    instance = current_instance()
    with instance.readers() as session:
        rows = [{"id": p.id, "awarding": p.awarding_provider_id, "source": p.source.value,
                 "status": p.status.value, "title": p.title}
                for p in service.list_pathways(session, include_withdrawn=include_withdrawn)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['awarding']}\t{row['source']}\t{row['status']}\t{row['title']}")
