"""The harvester's commands (``climbing-frame feeds ...`` and ``climbing-frame harvest ...``): each parses its
arguments, calls a harvester service and prints; the composition root adds the groups to the command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from directory.commands.shared import console, fail, print_table
from directory.errors import Conflict, DomainError
from directory.instance import current_instance

from . import check, mapping, pipeline, registry
from .environment import harvest_environment
from .parallel import harvest_in_parallel
from .web.schemas import present_quarantine_record, present_run

# --- feeds --------------------------------------------------------------------------------------


@click.group("feeds")
def feeds_group() -> None:
    """The feed registry."""


@feeds_group.command("add")
@click.option("--provider-id", required=True,
              help="The member's id (its UKPRN where it has one); also the id of its first feed.")
@click.option("--id", "feed_id", default=None,
              help="The feed's own id: required for a member's second and later feeds (one per system).")
@click.option("--aggregator", is_flag=True,
              help="The documents list several providers (a federation's feed): each one's courses go to the "
                   "member it is; providers outside the consortium are reported, not imported.")
@click.option("--name", required=True, help="The provider's name.")
@click.option("--url", required=True, help="Where the feed is published.")
@click.option("--format", "format_name", default="native", show_default=True,
              type=click.Choice(["native", "xcri-cap"]))
@click.option("--every", default=None, help="Harvest interval, e.g. 30m, 6h, 1d (default: setting).")
@click.option("--alias", "aliases", multiple=True,
              help="Another identifier the member's documents carry (web address, code); repeatable.")
@with_appcontext
def feeds_add(provider_id: str, feed_id: str | None, aggregator: bool, name: str, url: str, format_name: str,
              every: str | None, aliases: tuple[str, ...]) -> None:
    instance = current_instance()
    spec = registry.FeedSpec(provider_id, name, url, format_name,
                             every or instance.settings.harvest_default_interval, aliases=aliases, id=feed_id,
                             aggregator=aggregator)
    try:
        with instance.sessions.begin() as session:
            feed = registry.add_feed(session, spec, allow_private=instance.settings.harvest_allow_private)
    except DomainError as exc:
        fail(exc)
    kind = ", aggregator" if aggregator else ""
    click.echo(f"feed {feed.id} of member {provider_id} added: {url} ({format_name}{kind}, every {spec.every})")


@feeds_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def feeds_list(as_json: bool) -> None:
    with current_instance().sessions() as session:
        rows = [{"id": f.id, "provider_id": f.provider_id, "aggregator": f.aggregator, "name": f.name, "url": f.url,
                 "format": f.format,
                 "every_seconds": f.interval_seconds, "enabled": f.enabled,
                 "aliases": registry.feed_aliases(session, f)} for f in registry.list_feeds(session)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    print_table(("id", "member", "name", "format", "every", "url", "aliases"),
                 [(row["id"], row["provider_id"] + (" (aggregator)" if row["aggregator"] else ""), row["name"],
                   row["format"], f"{row['every_seconds'] // 60} min", row["url"] or "",
                   " ".join(row["aliases"])) for row in rows])


@feeds_group.command("show")
@click.argument("feed_id")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def feeds_show(feed_id: str, as_json: bool) -> None:
    """One feed and the identifiers its member's documents may carry (aliases, with their schemes)."""
    try:
        with current_instance().sessions() as session:
            feed = registry.get_feed(session, feed_id)
            aliases = [{"value": value, "scheme": scheme} for value, scheme in registry.feed_identifiers(session, feed)]
            profile = registry.stored_profile(feed)
            row = {"id": feed.id, "provider_id": feed.provider_id, "aggregator": feed.aggregator, "name": feed.name,
                   "url": feed.url, "format": feed.format, "every_seconds": feed.interval_seconds,
                   "enabled": feed.enabled, "aliases": aliases,
                   "other_feeds": [f.id for f in registry.member_feeds(session, feed.provider_id) if f.id != feed.id],
                   "mapping": profile.to_table() if not profile.is_empty else None}
    except DomainError as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps(row, indent=2))
        return
    for key in ("id", "provider_id", "aggregator", "name", "url", "format", "every_seconds", "enabled"):
        click.echo(f"{key}: {row[key] if row[key] is not None else ''}")
    click.echo(f"member's other feeds: {' '.join(row['other_feeds']) or '(none)'}")
    click.echo("aliases:" + "".join(f"\n  {a['value']} ({a['scheme']})" for a in aliases))
    if profile.is_empty:
        click.echo("mapping: (no mapping profile)")
    else:
        click.echo("mapping:\n" + "".join(f"  {line}\n" if line else "\n"
                                           for line in profile.to_toml("feed.mapping.").splitlines()).rstrip())


@feeds_group.command("mapping")
@click.argument("feed_id")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--clear", is_flag=True, help="Remove the feed's mapping profile.")
@click.option("--show", is_flag=True, help="Print the feed's mapping profile as TOML (the default with no FILE).")
@with_appcontext
def feeds_mapping(feed_id: str, path: Path | None, clear: bool, show: bool) -> None:
    """Set FEED_ID's mapping profile from FILE (TOML: [credit_schemes."..."], [levels], [defaults],
    [subjects], [listing], [qualifications] at the top level), or --clear it, or --show it. A changed
    profile sorts the feed's last document again at once, without fetching it, and prints the new counts.
    A refused profile changes nothing (exit 1, naming the key and its line)."""
    instance = current_instance()
    if path is not None and clear:
        raise click.ClickException("give a FILE or --clear, not both")
    if path is None and not clear:
        try:
            with instance.sessions() as session:
                profile = registry.stored_profile(registry.get_feed(session, feed_id))
        except DomainError as exc:
            fail(exc)
        click.echo(profile.to_toml().rstrip() if not profile.is_empty else f"feed {feed_id} has no mapping profile")
        return
    try:
        if clear:
            profile = mapping.EMPTY
        else:
            text = _read_text(path)
            profile = mapping.parse_profile_text(text, source=str(path), vocab=instance.vocab)
        run = pipeline.change_profile(harvest_environment(instance), feed_id, profile)
    except Conflict as exc:  # stored, but a run of the feed is under way: the next run sorts with it
        click.echo(f"feed {feed_id}: mapping profile stored; not sorted again now ({exc.detail}); the feed's next "
                   "run uses it")
        return
    except DomainError as exc:
        fail(exc)
    what = "cleared" if clear else "stored"
    if run is None:
        click.echo(f"feed {feed_id}: mapping profile {what} (no run has read a document yet, or the profile is "
                   "the same: nothing to sort again)")
    else:
        click.echo(f"feed {feed_id}: mapping profile {what}; its last document sorted again (run {run.id}, "
                   f"{run.outcome.value}):")
        click.echo(_counts_line(present_run(run)["counts"]))
        _print_unmapped(run.unmapped_values or [])
    if show and not profile.is_empty:
        click.echo(profile.to_toml().rstrip())


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: cannot read it: {exc}") from None


def _counts_line(counts: dict) -> str:
    listable = counts["new"] + counts["changed"] + counts["unchanged"]
    return (f"  seen {counts['seen']}, listable {listable} (new {counts['new']}, changed {counts['changed']}, "
            f"unchanged {counts['unchanged']}), quarantined {counts['quarantined']}, "
            f"withdrawn {counts['withdrawn']}"
            + (f", qualifications {counts['qualifications']}" if counts.get("qualifications") else ""))


def _print_qualifications(found: list[dict]) -> None:
    """Records describing a whole qualification: not courses, offered to the awards register."""
    if not found:
        return
    click.echo("qualifications (not listed as courses; offered to the awards register for the member to confirm):")
    for q in found:
        level = q.get("level") or {}
        credit = q.get("total_credit", q.get("credit")) or {}
        level_text = f"{level['framework']} {level['value']}" if level else "no level"
        credit_text = "no credit" if not credit else f"{credit['value']} {credit['system']}" if credit.get("system") \
            else f"{credit['value']} points of the feed's own scheme {credit.get('scheme')!r}"
        click.echo(f"  {q['id']} {q['title']!r}: {level_text}, {credit_text}"
                   + (f"; {q['course']}" if q.get("course") else ""))
        click.echo(f"      why: {q['reason']}")


def _print_unmapped(unmapped: list[dict], heading: str = "values no profile maps yet") -> None:
    """Each unmapped value with its count, examples and the profile line that would map it."""
    if not unmapped:
        return
    click.echo(f"{heading}:")
    for group in unmapped:
        value = "(none given)" if group["value"] is None else json.dumps(group["value"], ensure_ascii=False)
        examples = ", ".join(group.get("examples") or [])
        records = "record" if group["count"] == 1 else "records"
        click.echo(f"  {group['field']} {value}: {group['count']} {records}" + (f" (e.g. {examples})" if examples else ""))
        if group.get("profile_line"):
            click.echo(f"      {group['profile_line']}")


@feeds_group.command("check")
@click.argument("source")
@click.option("--format", "format_name", default=None, type=click.Choice(["native", "xcri-cap"]),
              help="The document's format (default: detected from its content).")
@click.option("--mapping", "mapping_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="A mapping profile (TOML, the tables of [feed.mapping] at the top level) to apply.")
@click.option("--provider-id", default=None, help="Check the document's provider against this member.")
@click.option("--aggregator", is_flag=True,
              help="Read it as an aggregator feed's: each provider's records to its member, the records of "
                   "providers outside the consortium counted as not imported.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def feeds_check(source: str, format_name: str | None, mapping_path: Path | None, provider_id: str | None,
                aggregator: bool, as_json: bool) -> None:
    """Dry run: what a harvest would make of SOURCE (a URL or a file), with nothing stored: counts (seen,
    listable, quarantined), every value no profile maps with the line that would map it, and every problem."""
    instance = current_instance()
    try:
        profile = mapping.EMPTY
        if mapping_path is not None:
            profile = mapping.parse_profile_text(_read_text(mapping_path), source=str(mapping_path),
                                                 vocab=instance.vocab)
        body, content_type = check.fetch_source(source, instance.settings)
        with instance.readers() as session:
            found = check.check_document(instance.vocab, body, format_name=format_name, profile=profile,
                                         provider_id=provider_id, session=session, settings=instance.settings,
                                         content_type=content_type, aggregator=aggregator)
    except DomainError as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps(found.as_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{source} ({found.format}): seen {found.seen}, listable {found.listable}, "
               f"quarantined {found.quarantined}" + (f", marked withdrawn {found.marked_withdrawn}"
                                                     if found.marked_withdrawn else "")
               + (f", qualifications {len(found.qualifications)}" if found.qualifications else "")
               + (f", not imported {found.not_imported}" if found.not_imported else ""))
    _print_outsiders(found.outsiders)
    if found.provider_check is not None:
        click.echo(f"provider: {found.provider_check}")
    _print_unmapped(found.unmapped)
    _print_qualifications(found.qualifications)
    if found.problems:
        click.echo("problems:")
        print_table(("course_id", "title", "field", "value", "reason"),
                     [(p.course_id or "(no id)", p.title or "", p.field,
                       "" if p.value is None else json.dumps(p.value, ensure_ascii=False), p.reason)
                      for p in found.problems])


@feeds_group.command("alias")
@click.argument("feed_id")
@click.argument("identifiers", nargs=-1, required=True)
@with_appcontext
def feeds_alias(feed_id: str, identifiers: tuple[str, ...]) -> None:
    """Add IDENTIFIERS (web address, code...) to the member of FEED_ID: documents naming any are its."""
    try:
        with current_instance().sessions.begin() as session:
            aliases = registry.alias_feed(session, feed_id, list(identifiers))
    except DomainError as exc:
        fail(exc)
    click.echo(f"feed {feed_id} aliases: {' '.join(aliases)}")


@feeds_group.command("remove")
@click.argument("feed_id")
@with_appcontext
def feeds_remove(feed_id: str) -> None:
    """Stop harvesting FEED_ID (its courses and history stay)."""
    try:
        with current_instance().sessions.begin() as session:
            registry.remove_feed(session, feed_id)
    except DomainError as exc:
        fail(exc)
    click.echo(f"feed {feed_id} removed")


@feeds_group.command("sync")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A TOML file of [[feed]] tables (default: the feeds_file setting).")
@click.option("--base-url", default=None, help="Serve 'file' entries from this URL (the demo).")
@with_appcontext
def feeds_sync(path: Path | None, base_url: str | None) -> None:
    """Add or update the feeds listed in a deployment's feeds file."""
    instance = current_instance()
    path = path or (Path(instance.settings.feeds_file) if instance.settings.feeds_file else None)
    if path is None:
        raise click.ClickException("no feeds file: pass --file or set CF_FEEDS_FILE")
    try:
        specs = registry.read_feeds_file(path, base_url, vocab=instance.vocab)
        with instance.sessions.begin() as session:
            synced = registry.sync(session, specs, allow_private=instance.settings.harvest_allow_private)
    except DomainError as exc:
        fail(exc)
    click.echo(f"{len(synced.feeds)} feeds registered from {path}")
    # A changed profile sorts the feed's last document again now, not at its next harvest.
    env = harvest_environment(instance)
    for feed_id in synced.reprofiled:
        try:
            run = pipeline.resort(env, feed_id)
        except DomainError as exc:
            click.echo(f"feed {feed_id}: mapping profile changed; {exc.detail}")
            continue
        click.echo(f"feed {feed_id}: mapping profile changed; its last document sorted again (run {run.id}):")
        click.echo(_counts_line(present_run(run)["counts"]))


# --- harvesting ---------------------------------------------------------------------------------


# A held run is not a failure, but a monitor must not take it for a success either.
HELD_EXIT_STATUS = 3


@click.group("harvest", invoke_without_command=True)
@click.option("--feed", "feed_id", default=None, help="Only this feed (default: every enabled feed).")
@click.option("--json", "as_json", is_flag=True, help="Print the run reports as JSON.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Feeds harvested at once, in worker processes (e.g. the number of cores).")
@click.pass_context
@with_appcontext
def harvest_group(ctx: click.Context, feed_id: str | None, as_json: bool, jobs: int) -> None:
    """Harvest feeds now (`harvest report`, `harvest confirm`, `harvest reject` and `harvest unlock` are
    subcommands).

    \b
    Exit status, for monitors:
      0  every run succeeded
      1  a run failed, or a feed could not be harvested (e.g. another run holds it)
      3  no run failed, but a run is held: its withdrawals wait for `harvest confirm RUN_ID`
         (or `harvest reject RUN_ID`)
    """
    if ctx.invoked_subcommand is not None:
        return
    with current_instance().sessions() as session:
        feed_ids = [feed_id] if feed_id else [f.id for f in registry.list_feeds(session) if f.enabled]
    if not feed_ids:
        raise click.ClickException("no feeds registered: add one with `climbing-frame feeds add`")
    reports = harvest_feeds(feed_ids, as_json, jobs)
    if any(report["outcome"] == "failed" for report in reports) or len(reports) < len(feed_ids):
        sys.exit(1)
    if any(report["outcome"] == "held" for report in reports):
        sys.exit(HELD_EXIT_STATUS)


def harvest_feeds(feed_ids: list[str], as_json: bool, jobs: int = 1) -> list[dict]:
    """Harvest feeds one after another (a progress bar per feed), or ``jobs`` at a time in worker
    processes: validation is CPU work, and the store and the index take one writer at a time anyway."""
    reports: list[dict] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=as_json) as bar:
        if jobs > 1 and len(feed_ids) > 1:
            task = bar.add_task(f"{len(feed_ids)} feeds, {jobs} at a time", total=len(feed_ids))
            for fid, outcome in harvest_in_parallel(current_instance(), feed_ids, jobs):
                if isinstance(outcome, str):
                    console.print(f"[red]feed {fid}: {outcome}")
                else:
                    reports.append(outcome)
                bar.advance(task)
        else:
            env = harvest_environment(current_instance())
            for fid in feed_ids:
                task = bar.add_task(f"feed {fid}", total=None)
                try:
                    run = pipeline.harvest(env, fid, progress=lambda done, total, t=task: bar.update(
                        t, completed=done, total=total))
                except DomainError as exc:
                    console.print(f"[red]feed {fid}: {exc.detail}")
                    continue
                bar.update(task, description=f"feed {fid}: {run.outcome.value}")
                reports.append(present_run(run))
    _print_reports(reports, as_json)
    # A small run's overlaps were computed with its commit (directory.indexing); a large one's follow here.
    changed = sum(report["counts"][k] for report in reports for k in ("new", "changed", "withdrawn"))
    deferred = current_instance().refresh_overlaps()
    if (changed or deferred) and not as_json:
        click.echo(f"overlaps brought up to date for {max(changed, deferred)} courses")
    return reports


# Quarantined records listed under the plain report (per run); --json gives them all.
QUARANTINE_LISTED = 20


@harvest_group.command("report")
@click.option("--feed", "feed_id", default=None, help="Only this feed's latest run.")
@click.option("--json", "as_json", is_flag=True,
              help="The run as the API's run object, with its quarantined records (`quarantine`).")
@with_appcontext
def harvest_report(feed_id: str | None, as_json: bool) -> None:
    """Print the latest run report (of each feed, or of one), with the records it quarantined and why."""
    with current_instance().sessions() as session:
        feed_ids = [feed_id] if feed_id else [f.id for f in registry.list_feeds(session)]
        runs = [r for fid in feed_ids for r in pipeline.latest_runs(session, fid, 1, 1).results]
        reports = [{**present_run(run), "quarantine": [present_quarantine_record(e) for e in
                                                       pipeline.run_quarantine(session, run.id)]} for run in runs]
    if feed_id and not runs:
        raise click.ClickException(f"feed {feed_id} has no runs yet")
    if as_json and feed_id:
        click.echo(json.dumps(reports[0], indent=2))
        return
    _print_reports(reports, as_json)
    if not as_json:
        _print_quarantine(reports)


def _print_quarantine(reports: list[dict]) -> None:
    for report in reports:
        if report.get("qualifications"):
            click.echo(f"\nfeed {report['feed']} (run {report['id']}):")
            _print_qualifications(report["qualifications"])
        records = report["quarantine"]
        if not records:
            continue
        click.echo(f"\nfeed {report['feed']} (run {report['id']}): {len(records)} records quarantined")
        _print_unmapped(report.get("unmapped") or [])
        for record in records[:QUARANTINE_LISTED]:
            title = f" {record['title']!r}" if record["title"] else ""
            for problem in record["problems"]:
                value = "" if problem["value"] is None else f" = {json.dumps(problem['value'], ensure_ascii=False)}"
                click.echo(f"  {record['course_id'] or '(no id)'}{title}: {problem['field']}{value}: "
                           f"{problem['reason']}")
        if len(records) > QUARANTINE_LISTED:
            click.echo(f"  ... and {len(records) - QUARANTINE_LISTED} more "
                       f"(all of them: climbing-frame harvest report --feed {report['feed']} --json)")


@harvest_group.command("confirm")
@click.argument("run_id", type=int)
@with_appcontext
def harvest_confirm(run_id: int) -> None:
    """Apply the withdrawals that held run RUN_ID is waiting for (or the run a repeat of it names)."""
    try:
        run = pipeline.confirm_withdrawals(harvest_environment(current_instance()), run_id)
    except DomainError as exc:
        fail(exc)
    click.echo(f"run {run.id}: {run.withdrawn} courses withdrawn")


@harvest_group.command("reject")
@click.argument("run_id", type=int)
@with_appcontext
def harvest_reject(run_id: int) -> None:
    """Drop the withdrawals that held run RUN_ID is waiting for: the courses stay active (recorded on the
    run). Runs of the unchanged feed then succeed; a changed feed is judged afresh."""
    try:
        run = pipeline.reject_withdrawals(harvest_environment(current_instance()), run_id)
    except DomainError as exc:
        fail(exc)
    click.echo(f"run {run.id}: withdrawals rejected; {len(run.held_withdrawals)} courses stay active")


@harvest_group.command("unlock")
@click.argument("feed_id")
@with_appcontext
def harvest_unlock(feed_id: str) -> None:
    """Clear FEED_ID's lease when the run holding it is gone (administrators), recording that run as failed.

    A crashed run's lease expires by itself after `harvest_lease_seconds`; this clears it at once. A run
    that is in fact still working writes nothing after this."""
    try:
        run = pipeline.unlock(harvest_environment(current_instance()), feed_id)
    except DomainError as exc:
        fail(exc)
    if run is None:
        click.echo(f"feed {feed_id}: no run holds it; nothing changed")
    else:
        click.echo(f"feed {feed_id}: lease cleared; the run that held it is recorded as failed (run {run.id})")


def _print_reports(reports: list[dict], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(reports, indent=2))
        return
    rows = []
    for report in reports:
        counts = report["counts"]
        mean = report["completeness"]["mean"]
        rows.append((str(report["id"]), report["feed"], report["outcome"], str(report["http_status"] or ""),
                     *(str(counts[k]) for k in ("seen", "new", "changed", "unchanged", "withdrawn", "quarantined")),
                     f"{mean:.0%}" if mean is not None else ""))
    print_table(("run", "feed", "outcome", "http", "seen", "new", "changed", "unchanged", "withdrawn",
                  "quarantined", "complete"), rows)
    # Reasons in full, one a line: a table column would cut them short.
    for report in reports:
        for error in report["errors"]:
            click.echo(f"feed {report['feed']} (run {report['id']}): {error}")
        _print_outsiders(report.get("outsiders") or [], f"feed {report['feed']} (run {report['id']}): ")


def _print_outsiders(outsiders: list[dict], prefix: str = "") -> None:
    """Providers outside the consortium an aggregator's document listed: not imported, and how to admit one."""
    for outsider in outsiders:
        click.echo(f"{prefix}not imported: {outsider['courses']} courses of {outsider['name']!r}, a provider "
                   f"outside the consortium (identifiers: {', '.join(outsider['identifiers'])}); to admit it as a "
                   f"member's: {outsider['command']}")





GROUPS = (feeds_group, harvest_group)
