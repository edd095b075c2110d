"""The search index's commands: ``climbing-frame reindex``, and the fill of an empty or outdated index that
the scheduler and the demo run before they start."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import RebuildRunning
from ..indexing import reindex as rebuild_index
from ..indexing import reindex_if_needed
from ..instance import Instance, current_instance
from .shared import console, fail


def fill_empty_index(instance: Instance) -> None:
    """An index of an older schema (it serves meanwhile) or lost is rebuilt from the store before work starts."""
    try:
        with instance.readers() as session:
            done = reindex_if_needed(session, instance.search)
    except RebuildRunning as exc:
        click.echo(f"{exc.detail}: it brings the index up to date")
        return
    if done is not None:
        click.echo(done)


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database (the source of truth), beside the live index, which keeps
    serving and taking writes until the new one, with every write made meanwhile, is swapped in."""
    instance = current_instance()
    with Progress(TextColumn("reindex"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("reindex", total=None)
        try:
            with instance.readers() as session:
                count = rebuild_index(session, instance.search,
                                      progress=lambda done, total: bar.update(task, completed=done, total=total))
        except RebuildRunning as exc:
            fail(exc)
    click.echo(f"{count} courses indexed with {instance.settings.search_backend}")
