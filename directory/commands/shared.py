"""What every package's commands share: the console, how a domain error ends a command, tables that survive
a pipe."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from ..errors import DomainError

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
