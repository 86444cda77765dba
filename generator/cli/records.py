"""After a meeting: `briefing record`, `briefing letter` and `briefing followups`."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.shell import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    briefs_option,
    complain,
    country_option,
    format_option,
    main,
    out_option,
    say,
    shown,
)

if TYPE_CHECKING:
    from generator.render import Format


@main.command()
@click.argument("meeting_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@briefs_option
@country_option
def record(meeting_file: Path, briefs: Path, country: str | None) -> None:
    """Start the record of a meeting: writes MEETING.record.yaml beside it, pre-filled.

    Refuses to replace a record that exists.
    """
    from generator import api

    say(f"wrote {shown(api.start_record(meeting_file, briefs, country))}")


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
@click.option("--language", metavar="LANG", help="Write the letter in LANG (default: the audience's language).")
@click.option(
    "--strict", is_flag=True, help="Refuse to write a letter in another language that prints text not yet translated."
)
@briefs_option
@country_option
def letter(
    record_file: Path,
    formats: tuple[Format, ...],
    out: Path,
    distribution: str,
    language: str | None,
    strict: bool,
    briefs: Path,
    country: str | None,
) -> None:
    """Write the follow-up letter of a meeting from its RECORD_FILE (X.record.yaml), as PDF and DOCX.

    It thanks the counterpart and restates their commitments and our asks, in the audience's language or in
    --language LANG, as a briefing is: the record, the asks, the meeting and the team's name then come from
    the country's translations/LANG.po (`briefing translate LANG`).
    """
    from generator import api

    outcome = api.letter_from_record(
        record_file,
        briefs,
        country,
        api.Sensitivity(distribution),
        formats,
        out,
        language=language,
        strict=strict,
    )
    for path in outcome.written:
        say(f"wrote {shown(path)}")
    for path, message in outcome.failed:
        complain(f"{shown(path)}: not written: {message}")
    if outcome.failed:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.option("--overdue", is_flag=True, help="Only what is past its date.")
@click.option("--audience", metavar="ID", help="Only meetings with this audience.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Judge what is overdue on this day instead of the build date.",
)
@briefs_option
@country_option
def followups(
    overdue: bool, audience: str | None, as_of: datetime.datetime | None, briefs: Path, country: str | None
) -> None:
    """List their open commitments and our open actions across meeting records, overdue first.

    Exits 1 when anything is overdue, so a script or a cron job can tell.
    """
    from generator import api

    rows = [
        [
            entry.due.isoformat(),
            "overdue" if entry.overdue else "open",
            "theirs" if entry.kind == "commitment" else "ours",
            entry.who,
            entry.what,
            entry.meeting,
        ]
        for entry in api.open_followups(
            briefs, country, audience=audience, overdue_only=overdue, today=as_of.date() if as_of else None
        )
    ]
    if not rows:
        say("Nothing overdue." if overdue else "Nothing open.")
        return
    for line in _table(["due", "status", "side", "who", "what", "meeting"], rows):
        click.echo(line)
    if any(row[1] == "overdue" for row in rows):
        sys.exit(EXIT_FAILURE)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns aligned on the widest cell; the last column runs free."""
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header) - 1)]
    return [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]).rstrip()
        for row in [header, *rows]
    ]
