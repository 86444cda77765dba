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
from typing import NoReturn

import click

from . import __version__
from .errors import BriefingError, Diagnostic, InputError, WriteFailure

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

    def invoke(self, ctx: click.Context):  # type: ignore[override]
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


YAML_SUFFIXES = (".yaml", ".yml")


@main.command()
@briefs_option
@country_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (for CI).")
def check(briefs: Path, country: str | None, strict: bool) -> None:
    """Check the knowledge base; report every problem as file:line: message."""
    from . import cache
    from .clock import build_date

    # Answered from the last valid run when no file changed: a re-check then
    # costs no YAML parsing and no model building.
    command = ["check", briefs.resolve(), country]
    date = build_date()

    def inputs() -> str:
        return cache.inputs_key(date, cache.tree_digest([briefs], YAML_SUFFIXES))

    before = inputs()
    result = cache.recall(command, before, _is_check_result)
    if result is None:
        from .api import check_every_country, load_knowledge_base

        every = [load_knowledge_base(briefs, country, date)] if country else check_every_country(briefs, date)
        warnings = list(dict.fromkeys(warning for checked in every for warning in checked.warnings))
        summaries = [
            f"{checked.kb.country.name} is valid ("
            + ", ".join(
                _count(len(getattr(checked.kb, kind)), kind)
                for kind in ("sources", "facts", "cases", "recommendations", "responses", "audiences", "meetings")
            )
            for checked in every
        ]
        tally = _count(len(warnings), "warnings")
        result = {
            "warnings": _warning_rows(warnings),
            "summary": f"{summaries[0]}; {tally})." if len(summaries) == 1 else "); ".join(summaries) + f"); {tally}.",
        }
        _record(command, before, inputs, result)
    warnings = [Diagnostic(Path(path), line, message) for path, line, message in result["warnings"]]
    _report(warnings, fatal=strict)
    if strict and warnings:
        click.echo(f"{_count(len(warnings), 'warnings')}, fatal with --strict.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    _say(f"{_shown(briefs)}: {result['summary']}")


def _warning_rows(warnings: list[Diagnostic]) -> list[list[object]]:
    return [[str(d.path), d.line, d.message] for d in warnings]


def _is_warning_rows(rows: object) -> bool:
    return isinstance(rows, list) and all(
        isinstance(row, list)
        and len(row) == 3
        and isinstance(row[0], str)
        and type(row[1]) is int
        and isinstance(row[2], str)
        for row in rows
    )


def _is_check_result(result: dict[str, object]) -> bool:
    return _is_warning_rows(result.get("warnings")) and isinstance(result.get("summary"), str)


def _is_generate_result(result: dict[str, object]) -> bool:
    files = result.get("files")
    return (
        _is_warning_rows(result.get("warnings"))
        and isinstance(files, dict)
        and bool(files)
        and all(isinstance(path, str) and isinstance(digest, str) for path, digest in files.items())
    )


def _record(command: list[object], inputs: str, inputs_now: Callable[[], str], result: dict[str, object]) -> None:
    """Keep a run's result for the next run, unless an input changed while it ran.

    A file edited mid-run may have been read before or after the edit; a result
    recorded under either state could then answer for the other.
    """
    from . import cache

    if inputs_now() != inputs:
        if not _quiet():
            click.echo("note: an input changed during the run; the next run will read everything again", err=True)
        return
    cache.remember(command, inputs, result)


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
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("schemas"),
    show_default=True,
    help="Folder the schemas are written to.",
)
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
@click.option("--format", "output_format", type=click.Choice(["pdf", "docx", "all"]), default="all", show_default=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output"),
    show_default=True,
    help="Folder the briefings are written to.",
)
@click.option(
    "--distribution",
    type=click.Choice(["public", "restricted", "confidential"]),
    help="Highest sensitivity the output may show (default: the meeting's, else public).",
)
@click.option("--length", type=click.Choice(["full", "one-page"]), help="Full brief or one-page leave-behind.")
@click.option("--recipient", metavar="NAME", help='Stamp "Prepared for NAME" on this copy.')
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
    output_format: str,
    out: Path,
    distribution: str | None,
    length: str | None,
    recipient: str | None,
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
    from .kb.load import country_dirs

    if not (meeting_file or audiences or all_audiences):
        raise click.UsageError("name a meeting file, or use --audience ID or --all")
    countries: list[str | None] = [country]
    if country is None and len(country_dirs(briefs)) > 1:
        if meeting_file is not None:
            from .api import meeting_country

            countries = [meeting_country(briefs, meeting_file)]
        elif all_audiences and not audiences:
            countries = [folder.name for folder in country_dirs(briefs)]
    for each in countries:
        _generate_country(
            meeting_file,
            audiences,
            all_audiences,
            output_format,
            out,
            distribution,
            length,
            recipient,
            jobs,
            force,
            strict,
            timeout,
            as_of,
            briefs,
            each,
        )


def _generate_country(
    meeting_file: Path | None,
    audiences: tuple[str, ...],
    all_audiences: bool,
    output_format: str,
    out: Path,
    distribution: str | None,
    length: str | None,
    recipient: str | None,
    jobs: int,
    force: bool,
    strict: bool,
    timeout: float,
    as_of: datetime.datetime | None,
    briefs: Path,
    country: str | None,
) -> None:
    """Generate what was asked for one country of the tree (the only one when `country` is None)."""
    from . import cache
    from .clock import build_date

    # When neither the command nor any input changed and the files it wrote
    # are still as written, there is nothing to do: say so without loading.
    command = [
        "generate",
        meeting_file and meeting_file.resolve(),
        sorted(audiences),
        all_audiences,
        output_format,
        out.resolve(),
        distribution,
        length,
        recipient,
        briefs.resolve(),
        country,
        strict,
    ]
    # The briefing's own date: staleness is judged on it, and it stands on the page.
    date = as_of.date() if as_of else build_date()

    def inputs(templates: str) -> str:
        return cache.inputs_key(
            date,
            cache.country_digest(briefs, country, YAML_SUFFIXES),
            templates,
            meeting_file and cache.file_digest(meeting_file),
        )

    before = inputs(cache.templates_digest())
    last = cache.recall(command, before, _is_generate_result)
    if not force and last and _still_as_written(out, last["files"]):
        _report_briefly([Diagnostic(Path(path), line, message) for path, line, message in last["warnings"]])
        for path in last["files"]:
            _say(f"unchanged {_shown(Path(path))}")
        return

    from . import api
    from .kb import model

    # Workers fork now and load WeasyPrint while this process reads the YAML;
    # no more of them than there will be documents, and none for --jobs 1.
    audience_count = len(list((briefs / "audiences").glob("*.y*ml"))) if all_audiences else len(audiences)
    documents = (audience_count + bool(meeting_file)) * (1 if output_format != "all" else 2)
    with api.RenderPool(min(jobs, documents) if jobs > 1 else 0, timeout=timeout) as pool:
        checked = api.load_knowledge_base(briefs, country, today=date)
        _report_briefly(checked.warnings)
        kb = checked.kb
        requests = api.requests_for(
            kb,
            audiences=list(kb.audiences) if all_audiences else audiences,
            meeting_file=meeting_file,
            distribution=model.Sensitivity(distribution) if distribution else None,
            length=length,
            recipient=recipient,
            as_of=date if as_of else None,
        )
        formats = api.FORMATS if output_format == "all" else (output_format,)
        if not _quiet() and sys.stderr.isatty():
            with click.progressbar(
                length=len(requests) * len(formats), label="Rendering", file=sys.stderr, color=_color()
            ) as bar:
                outcome = api.generate(
                    kb,
                    requests,
                    formats,
                    out,
                    date,
                    pool=pool,
                    force=force,
                    progress=lambda _: bar.update(1),
                    strict=strict,
                )
        else:
            outcome = api.generate(kb, requests, formats, out, date, pool=pool, force=force, strict=strict)
    for path in outcome.unchanged:
        _say(f"unchanged {_shown(path)}")
    for path in outcome.written:
        _say(f"wrote {_shown(path)}")
    for path, message in outcome.failed:
        click.secho(f"{_shown(path)}: not written: {message}", err=True, fg="red", color=_color())
    if outcome.stopped:
        _cannot_write(outcome.stopped)
    if outcome.failed:
        sys.exit(EXIT_BAD_INPUT)
    # Re-read, not the digest cached for this process: a template edited mid-run counts too.
    _record(
        command,
        before,
        lambda: inputs(cache.read_templates_digest()),
        {
            "files": {str(path): digest for path, digest in sorted(outcome.sha256.items())},
            "warnings": _warning_rows(checked.warnings),
        },
    )


def _still_as_written(out: Path, digests: dict[str, str]) -> bool:
    """The files a past run wrote are unchanged on disk and the manifest still records them so."""
    from . import manifest

    return all(manifest.file_sha256(Path(path)) == digest for path, digest in digests.items()) and manifest.records(
        out, digests
    )


def _cannot_write(failure: WriteFailure) -> NoReturn:
    click.secho(f"error: cannot write {_shown(failure.path)}: {failure.reason}", err=True, fg="red", color=_color())
    sys.exit(EXIT_FAILURE)


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output"),
    show_default=True,
    help="Folder to check.",
)
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
