"""The `briefing` command: a thin shell over `generator.api`.

Exit status: 0 success, 2 bad input (each problem on its own line as
`file:line: message`), 1 anything else.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import click
from click.decorators import FC

from . import __version__
from .errors import BriefingError, Diagnostic, InputError, UsageError, WriteFailure

if TYPE_CHECKING:
    from .build import IncrementalRun
    from .documents import Outcome
    from .select import Length

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1
MAX_WARNINGS_SHOWN = 5
"""Past this, generate prints one line pointing at `briefing check` instead of every warning."""

briefs_option = click.option(
    "--briefs",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("briefs"),
    show_default=True,
    help="Knowledge-base folder.",
)
country_option = click.option("--country", help="Country folder to use when the knowledge base has several.")
format_option = click.option(
    "--format", "output_format", type=click.Choice(["pdf", "docx", "all"]), default="all", show_default=True
)


def out_option(help_text: str, default: Path = Path("output")) -> Callable[[FC], FC]:
    """--out, the folder a command works in."""
    return click.option(
        "--out",
        type=click.Path(path_type=Path, file_okay=False),
        default=default,
        show_default=True,
        help=help_text,
    )


def _shown(path: Path) -> Path:
    """Paths relative to where the user stands read best in messages.

    Made absolute without following symbolic links: a message names the link, not where it leads.
    """
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd())
    except ValueError:
        return path


def _count(number: int, plural: str) -> str:
    return f"{number} {plural if number != 1 else plural.removesuffix('s')}"


def _quiet() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context and context.find_root().params.get("quiet"))


def _color() -> bool | None:
    """None lets click colour only a terminal; NO_COLOR (no-color.org) turns it off."""
    return False if os.environ.get("NO_COLOR") else None


def _say(message: str) -> None:
    """A progress line on stdout; --quiet silences it."""
    if not _quiet():
        click.echo(message, color=_color())


def _report(diagnostics: list[Diagnostic], fatal: bool = False) -> None:
    """One line per problem on stderr; --quiet silences warnings unless they are fatal."""
    for diagnostic in diagnostics:
        warning = diagnostic.message.startswith("warning:")
        if warning and _quiet() and not fatal:
            continue
        line = f"{_shown(diagnostic.path)}:{diagnostic.line}: {diagnostic.message}"
        click.secho(line, err=True, fg="yellow" if warning else "red", color=_color())


def _report_briefly(diagnostics: list[Diagnostic]) -> None:
    """Warnings while generating: each when few, else one line that points at `check`."""
    if len(diagnostics) <= MAX_WARNINGS_SHOWN:
        _report(diagnostics)
    elif not _quiet():
        click.secho(
            f"warning: {len(diagnostics)} warnings about the knowledge base, e.g. stale facts; "
            "`briefing check` lists them",
            err=True,
            fg="yellow",
            color=_color(),
        )


class _Group(click.Group):
    """Turns every error the user can cause into lines on stderr and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as error:
            _report(error.diagnostics)
            count = len(error.diagnostics)
            click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except BriefingError as error:
            click.secho(f"error: {error}", err=True, fg="red", color=_color())
            sys.exit(EXIT_BAD_INPUT)
        except WriteFailure as failure:
            _cannot_write(failure)
        except OSError as error:
            where = f": {error.filename}" if error.filename else ""
            click.secho(f"error: {error.strerror or error}{where}", err=True, fg="red", color=_color())
            sys.exit(EXIT_FAILURE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def main(quiet: bool) -> None:
    """Tailored human-rights advocacy briefings from a YAML knowledge base."""


@main.command()
@briefs_option
@country_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (for CI).")
def check(briefs: Path, country: str | None, strict: bool) -> None:
    """Check the knowledge base; report every problem as file:line: message."""
    from .build import check as check_tree

    report = check_tree(briefs, country)
    _note_if_not_kept(report.kept)
    _report(report.warnings, fatal=strict)
    if strict and report.warnings:
        click.echo(f"{_count(len(report.warnings), 'warnings')}, fatal with --strict.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    _say(f"{_shown(briefs)}: {report.summary}")


def _note_if_not_kept(kept: bool) -> None:
    if not kept and not _quiet():
        click.echo("note: an input changed during the run; the next run will read everything again", err=True)


@main.command(name="list")
@briefs_option
@country_option
def list_command(briefs: Path, country: str | None) -> None:
    """List audiences, meetings, themes and how many items each has."""
    from .api import load_knowledge_base

    kb = load_knowledge_base(briefs, country).kb
    click.echo(f"{kb.country.name} ({kb.country.id})")
    click.echo("\nAudiences:")
    for audience in kb.audiences.values():
        click.echo(
            f"  {audience.id:<10} {audience.full_name} ({audience.language}, {audience.paper.upper()}, "
            f"{_count(len(kb.levers.get(audience.id, {})), 'levers')})"
        )
    click.echo("\nMeetings:")
    for meeting in kb.meetings.values():
        click.echo(f"  {meeting.id:<28} {meeting.date}  {meeting.audience:<7} {meeting.title}")
    theme_counts = Counter(
        theme
        for kind in ("facts", "cases", "recommendations", "responses")
        for item in getattr(kb, kind).values()
        for theme in item.themes
    )
    click.echo("\nThemes (items):")
    for theme in kb.themes.values():
        click.echo(f"  {theme.id:<20} {theme_counts[theme.id]:>3}  {theme.label}")
    click.echo(
        "\n"
        + ", ".join(
            _count(len(getattr(kb, kind)), kind)
            for kind in ("sources", "facts", "cases", "recommendations", "responses")
        )
    )


@main.command()
@click.argument("old")
@click.argument("new", required=False, default=None)
@click.option(
    "--distribution",
    type=click.Choice(["public", "restricted", "confidential"]),
    default="public",
    show_default=True,
    help="Highest sensitivity the report may show; changes above it are only counted.",
)
@briefs_option
@country_option
def diff(old: str, new: str | None, distribution: str, briefs: Path, country: str | None) -> None:
    """List facts, cases and recommendations added, removed or reworded, per audience.

    OLD and NEW are knowledge-base folders or git revisions (e.g. HEAD~3);
    NEW defaults to the --briefs folder as it is now.
    """
    from .api import load_knowledge_base
    from .diff import compare, format_report, knowledge_base_folder
    from .kb import model

    with (
        knowledge_base_folder(old, briefs) as old_folder,
        knowledge_base_folder(new or str(briefs), briefs) as new_folder,
    ):
        report = compare(
            load_knowledge_base(old_folder, country).kb,
            load_knowledge_base(new_folder, country).kb,
            model.Sensitivity(distribution),
        )
    for line in format_report(report, old, new or str(briefs)):
        click.echo(line)


@main.command()
@out_option("Folder the schemas are written to.", default=Path("schemas"))
def schema(out: Path) -> None:
    """Write JSON Schemas of every kind of knowledge-base file, for editors."""
    from .kb.schema import write_schemas

    for path in write_schemas(out):
        _say(f"wrote {_shown(path)}")


@main.command()
@briefs_option
@click.option("--write", is_flag=True, help="Make the changes; without it, only say what they would be.")
def migrate(briefs: Path, write: bool) -> None:
    """Move a knowledge base from the one-country layout to one folder per country.

    Levers leave the audience files for <country>/levers/<audience>.yaml,
    salutation: is dropped, and meetings/ moves into <country>/meetings/.
    Comments and formatting are kept; no existing file is ever overwritten.
    """
    from .migrate import apply, plan

    steps = plan(briefs)
    if not steps:
        _say(f"{_shown(briefs)}: nothing to do; already in the current layout")
        return
    for step in steps:
        click.echo(("" if write else "would: ") + step.description)
    if write:
        apply(steps)
        _say(f"{_shown(briefs)}: migrated; run 'briefing check' to confirm")
    else:
        _say("nothing written; run again with --write to make these changes")


@main.command()
@briefs_option
@country_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1; 0 picks a free one.",
)
def serve(briefs: Path, country: str | None, port: int) -> None:
    """Preview the briefings in a browser, updated each time a file is saved."""
    from .serve import serve as run_server

    with contextlib.suppress(KeyboardInterrupt):
        run_server(
            briefs,
            country,
            port,
            announce=lambda url: click.echo(f"Previewing {_shown(briefs)} at {url} (Ctrl-C to stop)"),
        )


@main.command()
@click.argument("meeting_file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--audience",
    "audiences",
    multiple=True,
    metavar="ID",
    help="Audience to brief (us, uk, eu, lender); repeat for several.",
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
    default=300,
    show_default=True,
    metavar="SECONDS",
    help="Stop rendering a document that takes longer than this.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Build the briefing as it would have read on that day.",
)
@briefs_option
@country_option
def generate(
    meeting_file: Path | None,
    audiences: tuple[str, ...],
    all_audiences: bool,
    output_format: Literal["pdf", "docx", "all"],
    out: Path,
    distribution: str | None,
    length: Length | None,
    recipient: str | None,
    recipients_file: Path | None,
    package: bool,
    archive: bool,
    jobs: int,
    force: bool,
    strict: bool,
    timeout: float,
    as_of: datetime.datetime | None,
    briefs: Path,
    country: str | None,
) -> None:
    """Write briefings to the output folder.

    Name a MEETING_FILE (e.g. briefs/kazakhstan/meetings/uk-fcdo.yaml), or
    choose audiences with --audience or --all. In a tree of several
    countries, a meeting names its own; --all without --country builds
    every country.
    """

    from .build import BuildOptions, country_runs
    from .render import FORMATS
    from .sensitivity import Sensitivity

    if not (meeting_file or audiences or all_audiences):
        raise click.UsageError("name a meeting file, or use --audience ID or --all")
    options = BuildOptions(
        briefs=briefs,
        country=country,
        meeting_file=meeting_file,
        audiences=audiences,
        all_audiences=all_audiences,
        formats=FORMATS if output_format == "all" else (output_format,),
        out=out,
        distribution=Sensitivity(distribution) if distribution else None,
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
    )
    failed = False
    with country_runs(options) as runs:
        for run in runs:
            failed |= _generate_country(run)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


def _generate_country(run: IncrementalRun) -> bool:
    """Build what was asked for one country of the tree; True if a document could not be written."""
    # Nothing the run depends on changed and its files are still as written:
    # say so without loading anything.
    if (unchanged := run.unchanged()) is not None:
        files, warnings = unchanged
        _report_briefly(warnings)
        for path in files:
            _say(f"unchanged {_shown(path)}")
        return False
    with run.session() as session:
        _report_briefly(session.checked.warnings)
        if not _quiet() and sys.stderr.isatty():
            with click.progressbar(length=session.documents, label="Rendering", file=sys.stderr, color=_color()) as bar:
                outcome = session.run(progress=lambda _: bar.update(1))
        else:
            outcome = session.run()
    for path in outcome.unchanged:
        _say(f"unchanged {_shown(path)}")
    for path in outcome.written:
        _say(f"wrote {_shown(path)}")
    for path, message in outcome.failed:
        click.secho(f"{_named(outcome, path)}: not written: {message}", err=True, fg="red", color=_color())
    if outcome.stopped:
        _cannot_write(outcome.stopped)
    if outcome.failed:
        return True
    _note_if_not_kept(run.remember(outcome, session.checked.warnings))
    return False


def _named(outcome: Outcome, path: Path) -> str:
    """A document as a message names it: a refused stamped copy by its number, as its file name spells the recipient."""
    if path in outcome.refused_copies:
        number, briefing = outcome.refused_copies[path]
        return f"copy {number} of {_shown(briefing)}"
    return str(_shown(path))


def _cannot_write(failure: WriteFailure) -> NoReturn:
    click.secho(f"error: cannot write {_shown(failure.path)}: {failure.reason}", err=True, fg="red", color=_color())
    sys.exit(EXIT_FAILURE)


@main.command()
@click.argument("meeting_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@briefs_option
@country_option
def record(meeting_file: Path, briefs: Path, country: str | None) -> None:
    """Start the record of a meeting: writes MEETING.record.yaml beside it, pre-filled.

    Refuses to replace a record that exists.
    """
    from .api import load_knowledge_base, meeting_country
    from .kb.validate import read_meeting_file
    from .records import write_skeleton

    kb = load_knowledge_base(briefs, country or meeting_country(briefs, meeting_file)).kb
    meeting = read_meeting_file(meeting_file, kb)
    _say(f"wrote {_shown(write_skeleton(meeting_file, meeting))}")


@main.command()
@click.argument("record_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@format_option
@out_option("Folder the letter is written to.")
@click.option(
    "--distribution",
    type=click.Choice(["public", "restricted"]),
    default="restricted",
    show_default=True,
    help="Highest sensitivity the letter may show; it goes to the counterpart, so never confidential.",
)
@briefs_option
@country_option
def letter(
    record_file: Path, output_format: str, out: Path, distribution: str, briefs: Path, country: str | None
) -> None:
    """Write the follow-up letter of a meeting from its RECORD_FILE (X.record.yaml), as PDF and DOCX.

    It thanks the counterpart and restates their commitments and our asks.
    """
    from . import api
    from .kb import model

    # The record sits beside its meeting, which says whose country it is.
    from .kb.layout import meeting_path
    from .records import record_of

    kb = api.load_knowledge_base(briefs, country or api.meeting_country(briefs, meeting_path(record_file))).kb
    formats = [fmt for fmt in api.FORMATS if output_format in ("all", fmt)]
    outcome = api.write_letter(kb, record_of(kb, record_file), model.Sensitivity(distribution), formats, out)
    for path in outcome.written:
        _say(f"wrote {_shown(path)}")
    for path, message in outcome.failed:
        click.secho(f"{_shown(path)}: not written: {message}", err=True, fg="red", color=_color())
    if outcome.failed:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.option("--overdue", is_flag=True, help="Only what is past its date.")
@click.option("--audience", metavar="ID", help="Only meetings with this audience.")
@briefs_option
@country_option
def followups(overdue: bool, audience: str | None, briefs: Path, country: str | None) -> None:
    """List their open commitments and our open actions across meeting records, overdue first."""
    from .api import check_every_country, load_knowledge_base
    from .clock import build_date
    from .kb import model
    from .records import followups as open_followups
    from .records import in_order
    from .withholding import name_guard

    # Without --country, the records of every country in the tree.
    kbs = [load_knowledge_base(briefs, country).kb] if country else [c.kb for c in check_every_country(briefs)]
    audiences = sorted({audience_id for kb in kbs for audience_id in kb.audiences})
    if audience is not None and audience not in audiences:
        raise UsageError(f"no audience '{audience}'; choose one of {', '.join(audiences)}")
    entries = in_order(
        entry
        # Only the people every copy may name: this list ends up on screens and in mail.
        for kb in kbs
        for entry in open_followups(
            kb, build_date(), name_guard(kb, model.Sensitivity.PUBLIC), audience=audience, overdue_only=overdue
        )
    )
    rows = [
        [
            entry.due.isoformat(),
            "overdue" if entry.overdue else "open",
            "theirs" if entry.kind == "commitment" else "ours",
            entry.who,
            entry.what,
            entry.meeting,
        ]
        for entry in entries
    ]
    if not rows:
        _say("Nothing overdue." if overdue else "Nothing open.")
        return
    for line in _table(["due", "status", "side", "who", "what", "meeting"], rows):
        click.echo(line)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns aligned on the widest cell; the last column runs free."""
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header) - 1)]
    return [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]).rstrip()
        for row in [header, *rows]
    ]


@main.command()
@out_option("Folder to check.")
def verify(out: Path) -> None:
    """Check the output folder against its manifest.

    Re-hashes every recorded file and every file in the folder, and lists the
    missing, changed and unrecorded ones; exit status 2 if there are any.
    """
    from .publish import verify as verify_folder

    report = verify_folder(out)
    for label, names in (("missing", report.missing), ("changed", report.changed), ("unrecorded", report.unrecorded)):
        for name in names:
            click.secho(f"{label:<10}  {_shown(out / name)}", fg="red", color=_color())
    summary = (
        f"{_shown(out)}: {_count(report.recorded, 'recorded files')}; {len(report.missing)} missing, "
        f"{len(report.changed)} changed, {len(report.unrecorded)} unrecorded."
    )
    if not report.ok:
        click.echo(summary)
        sys.exit(EXIT_BAD_INPUT)
    _say(summary)
