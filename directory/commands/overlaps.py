"""``climbing-frame overlaps``: recompute overlap annotations (the harvest keeps them current; this
rebuilds them all, e.g. after the detection parameters change)."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..instance import current_instance
from ..overlaps import service

console = Console(stderr=True)


@click.group("overlaps")
def overlaps_group() -> None:
    """Overlap annotations: pairs of courses whose content would count twice."""


@overlaps_group.command("recompute")
@with_appcontext
def recompute_command() -> None:
    """Recompute every overlap of the active catalogue (decisions on unchanged pairs are kept)."""
    instance = current_instance()
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("overlaps", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        with instance.sessions.begin() as session:
            result = service.recompute_all(session, progress=progress)
    click.echo(f"{result.courses} courses, {result.candidates} candidate pairs, {result.detected} overlaps "
               f"({result.added} new, {result.removed} removed, {result.reflagged} flagged again) "
               f"in {time.perf_counter() - started:.1f}s")
