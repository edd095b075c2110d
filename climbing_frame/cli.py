"""The ``climbing-frame`` command: Flask's CLI group with every package's commands. Commands parse
arguments, call a service and print; they hold no business logic."""

from __future__ import annotations

import os
from datetime import UTC

import click
from flask import current_app
from flask.cli import FlaskGroup, NoAppException, with_appcontext

from directory import settings as settings_module
from directory.commands import identity as identity_cli
from directory.commands.overlaps import overlaps_group
from directory.commands.pathways import pathways_group
from directory.commands.search import fill_empty_index, reindex_command
from directory.commands.shared import fail
from directory.errors import DomainError, SettingsError
from directory.instance import Instance, current_instance
from exchange import cli as exchange_cli
from exchange import jobs as exchange_jobs
from harvester import cli as harvester_cli
from harvester import registry

from . import demo_exchange
from .app import create_app
from .migrate import current, downgrade, upgrade


def _app_for_a_command():
    """The app, or a one-line error naming the setting at fault (never a traceback) and a non-zero exit."""
    try:
        return create_app()
    except SettingsError as exc:
        raise NoAppException(str(exc)) from None  # Flask prints it without a traceback, even under --help


@click.group(cls=FlaskGroup, create_app=_app_for_a_command, add_default_commands=True,
             load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """Climbing Frame: the consortium's micro-credential directory and credit exchange."""


# --- settings and database --------------------------------------------------------------------


@main.command("settings")
def show_settings() -> None:
    """List every setting, its environment variable, default and meaning."""
    for name, env, default, doc in settings_module.describe():
        click.echo(f"{env}  ({name} in the settings file; default: {default!s:.60})\n    {doc}")


@main.group("db")
def db_group() -> None:
    """Create or migrate the relational schema (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Create or migrate the schema to REVISION (default: the newest)."""
    upgrade(current_instance().engine, revision)
    click.echo(f"database at {revision}: {current_instance().settings.sqlalchemy_url.split('@')[-1]}")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate the schema back to REVISION."""
    downgrade(current_instance().engine, revision)


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Print the schema revision of the database."""
    click.echo(current(current_instance().engine) or "(empty database)")


@main.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler process: every feed harvested at its interval (stop with Ctrl-C)."""
    from apscheduler.triggers.interval import IntervalTrigger

    from harvester.scheduler import run_scheduler

    # Overlaps follow harvests a few minutes behind (Instance.refresh_overlaps), outside the runs themselves.
    overlap_job = ("refresh-overlaps", Instance.refresh_overlaps, IntervalTrigger(minutes=2, timezone=UTC))
    instance = current_instance()
    fill_empty_index(instance)
    run_scheduler(instance, extra_jobs=[*exchange_jobs.scheduled(), overlap_job])


@main.command("demo")
@click.option("--port", default=5000, show_default=True, help="Where the directory is served.")
@click.option("--feeds-port", default=8765, show_default=True, help="Where the demo feeds are served.")
@click.option("--no-serve", is_flag=True, help="Set up and harvest, then stop (for scripts).")
@with_appcontext
def demo_command(port: int, feeds_port: int, no_serve: bool) -> None:
    """Set up the demo consortium: migrate, serve its feeds locally, harvest them, serve the directory."""
    from harvester.feedserver import serve_folder

    instance = current_instance()
    if not instance.settings.harvest_allow_private:
        raise click.ClickException("the demo feeds are served on 127.0.0.1: set CF_HARVEST_ALLOW_PRIVATE=1")
    demo = instance.settings.config_dir / "demo"
    upgrade(instance.engine)
    server, base_url = serve_folder(demo / "feeds", port=feeds_port)
    click.echo(f"demo feeds served at {base_url}")
    try:
        specs = registry.read_feeds_file(demo / "feeds.toml", base_url)
        with instance.sessions.begin() as session:
            registry.sync_feeds(session, specs, allow_private=True)
    except DomainError as exc:
        fail(exc)
    harvester_cli.harvest_feeds([spec.provider_id for spec in specs], as_json=False, jobs=min(2, os.cpu_count() or 1))
    fill_empty_index(instance)  # unchanged feeds index nothing: an index made anew must be filled
    try:
        with instance.sessions.begin() as session:
            awarded, in_force = demo_exchange.set_up(session, demo / "exchange.toml")
    except DomainError as exc:
        fail(exc)
    click.echo(f"exchange: {awarded} awards, agreements in force: {', '.join(map(str, in_force)) or 'none'}")
    if no_serve:
        server.shutdown()
        return
    click.echo(f"the directory is at http://127.0.0.1:{port}/ (Ctrl-C stops it)")
    # Not app.run(): Flask ignores it inside its own CLI. The development server is enough for a demo.
    from werkzeug.serving import run_simple

    run_simple("127.0.0.1", port, current_app._get_current_object(), threaded=True)


main.add_command(reindex_command)
for _group in harvester_cli.GROUPS:
    main.add_command(_group)
main.add_command(overlaps_group)
main.add_command(pathways_group)
main.add_command(exchange_cli.audit_group)
main.add_command(exchange_cli.exchange_group)
for _command in identity_cli.COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    main()
