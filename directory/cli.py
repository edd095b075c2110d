"""What every command of ``climbing-frame`` shares (the console, how a domain error ends a command, tables
that survive a pipe), and the directory's own ``reindex`` command. Commands parse arguments, call a
service and print; they hold no business logic. The command itself is ``climbing_frame.cli``."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .errors import DomainError
from .indexing import reindex as rebuild_index
from .indexing import reindex_if_needed
from .instance import Instance, current_instance
from .search.journal import RebuildRunning

console = Console(stderr=True)


def fail(exc: DomainError) -> None:
    raise click.ClickException(exc.detail)


def print_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A table on a terminal; otherwise (a pipe, a file, a test) tab-separated lines with a header line, so
    that nothing is cut to a guessed width and every line splits on tabs."""
    if sys.stdout.isatty():
        table = Table(*headers)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
        return
    for line in (headers, *rows):
        click.echo("\t".join(" ".join(cell.split()) for cell in line))


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
