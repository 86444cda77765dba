"""`briefing generate`: briefings for meetings or audiences, written to the output folder."""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from generator.cli.shell import (
    EXIT_BAD_INPUT,
    briefs_option,
    cannot_write,
    color,
    complain,
    country_option,
    format_option,
    is_quiet,
    main,
    note_if_not_kept,
    out_option,
    report_briefly,
    say,
    shown,
)

if TYPE_CHECKING:
    from generator.api import IncrementalRun, Outcome
    from generator.render import Format


@main.command()
@click.argument("meeting_file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--audience",
    "audiences",
    multiple=True,
    metavar="ID",
    help="Audience to brief (us, uk, eu, lender, world-bank, ebrd); repeat for several.",
)
@click.option("--all", "all_audiences", is_flag=True, help="Every audience in the knowledge base.")
@format_option
@out_option("Folder the briefings are written to.")
@click.option(
    "--distribution",
    type=click.Choice(["public", "restricted", "confidential"]),
    help="Highest sensitivity the output may show (default: the meeting's, else public).",
)
@click.option("--length", type=click.Choice(["full", "one-page"]), help="Full brief or one-page leave-behind.")
@click.option("--recipient", metavar="NAME", help='Stamp "Prepared for NAME" on this copy.')
@click.option(
    "--recipients",
    "recipients_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="One stamped copy per person listed: a .txt, one name per line, or a .csv with name, organisation, email.",
)
@click.option("--package", is_flag=True, help="Also write one zip per briefing with its copies and a cover note.")
@click.option("--archive", is_flag=True, help="Also write a PDF/A copy of each briefing for the records.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="cores",
    help="Documents rendered at once.",
)
@click.option("--force", is_flag=True, help="Render every document even if nothing it depends on changed.")
@click.option(
    "--strict", is_flag=True, help="Refuse to write a briefing that prints a stale fact or one past its review date."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop rendering a document that takes longer than this "
    "(default: BRIEFING_TIMEOUT, else [limits] timeout in briefing.toml, else 300).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Build the briefing as it would have read on that day.",
)
@click.option("--language", metavar="LANG", help="Write the briefings in LANG (default: each audience's language).")
@briefs_option
@country_option
def generate(
    meeting_file: Path | None,
    audiences: tuple[str, ...],
    all_audiences: bool,
    formats: tuple[Format, ...],
    out: Path,
    distribution: str | None,
    length: Literal["full", "one-page"] | None,
    recipient: str | None,
    recipients_file: Path | None,
    package: bool,
    archive: bool,
    jobs: int,
    force: bool,
    strict: bool,
    timeout: float | None,
    as_of: datetime.datetime | None,
    language: str | None,
    briefs: Path,
    country: str | None,
) -> None:
    """Write briefings to the output folder.

    Name a MEETING_FILE (e.g. briefs/kazakhstan/meetings/uk-fcdo.yaml), or
    choose audiences with --audience or --all. In a tree of several
    countries, a meeting names its own; --all without --country builds
    every country.
    """
    from generator.render import engine_process

    # Rendered in this process: WeasyPrint is imported by a process of its own meanwhile.
    with engine_process.serving(_one_pdf(meeting_file, audiences, all_audiences, formats, recipients_file, archive)):
        from generator import api

        if not (meeting_file or audiences or all_audiences):
            raise click.UsageError("name a meeting file, or use --audience ID or --all")
        if meeting_file is not None:
            api.require_meeting_file(briefs, meeting_file)
        options = api.BuildOptions(
            briefs=briefs,
            country=country,
            meeting_file=meeting_file,
            audiences=audiences,
            all_audiences=all_audiences,
            formats=formats,
            out=out,
            distribution=api.Sensitivity(distribution) if distribution else None,
            length=length,
            recipient=recipient,
            recipients_file=recipients_file,
            package=package,
            archive=archive,
            jobs=jobs,
            force=force,
            strict=strict,
            timeout=timeout,
            as_of=as_of.date() if as_of else None,
            language=language,
        )
        failed = False
        with api.country_runs(options) as runs:
            for run in runs:
                failed |= _generate_country(run)
        if failed:
            sys.exit(EXIT_BAD_INPUT)


def _one_pdf(
    meeting_file: Path | None,
    audiences: tuple[str, ...],
    all_audiences: bool,
    formats: tuple[Format, ...],
    recipients_file: Path | None,
    archive: bool,
) -> bool:
    """Whether the command line asks for one PDF, which renders in this process (see `build.incremental.Workers`)."""
    briefings = (meeting_file is not None) + len(audiences)
    return briefings == 1 and not all_audiences and formats == ("pdf",) and recipients_file is None and not archive


def _generate_country(run: IncrementalRun) -> bool:
    """Build what was asked for one country of the tree; True if a document could not be written."""
    # Nothing the run depends on changed and its files are still as written:
    # say so without loading anything.
    if (unchanged := run.unchanged()) is not None:
        files, warnings = unchanged
        report_briefly(warnings)
        for path in files:
            say(f"unchanged {shown(path)}")
        return False
    with run.session() as session:
        report_briefly(session.checked.warnings)
        if not is_quiet() and sys.stderr.isatty():
            with click.progressbar(length=session.documents, label="Rendering", file=sys.stderr, color=color()) as bar:
                outcome = session.run(progress=lambda _: bar.update(1))
        else:
            outcome = session.run()
    for path in outcome.unchanged:
        say(f"unchanged {shown(path)}")
    for path in outcome.written:
        say(f"wrote {shown(path)}")
    for path, cut in sorted(outcome.cut.items()):
        say(f"{shown(path)}: left out to fit its pages: {', '.join(cut)}")
    for path, message in outcome.failed:
        complain(f"{_named(outcome, path)}: not written: {message}")
    if outcome.stopped:
        cannot_write(outcome.stopped)
    if outcome.failed:
        return True
    note_if_not_kept(run.remember(outcome, session.checked.warnings))
    return False


def _named(outcome: Outcome, path: Path) -> str:
    """A document as a message names it: a refused stamped copy by its number, as its file name spells the recipient."""
    if path in outcome.refused_copies:
        number, briefing = outcome.refused_copies[path]
        return f"copy {number} of {shown(briefing)}"
    return str(shown(path))
