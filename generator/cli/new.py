"""`briefing new country` and `briefing new meeting`: start files that pass `check` as written."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from generator.cli.shell import briefs_option, main, say, shown


@main.group()
def new() -> None:
    """Start the files of a new country or meeting, with comments on each field."""


@new.command()
@click.argument("country_id", metavar="ID")
@click.option("--name", help='The full name, e.g. "Republic of Freedonia" (default: the id in capitals).')
@briefs_option
def country(country_id: str, name: str | None, briefs: Path) -> None:
    """Start the folder of a new country ID: country.yaml and an empty file of each kind.

    Refuses to replace a file that exists.
    """
    from generator import api

    started = api.new_country(briefs, country_id, name)
    for path in started.written:
        say(f"wrote {shown(path)}")
    if started.needs_audiences:
        say(f"  {shown(briefs / 'audiences')} holds no audience yet: add one (docs/knowledge-base.md) before 'check'")
    say(f"next: briefing source add FILE --id ID --country {country_id}")


@new.command()
@click.option("--country", required=True, help="The country folder the meeting belongs to.")
@click.option("--audience", required=True, metavar="ID", help="Whose officials we meet: a file in audiences/.")
@click.option("--date", "date", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD")
@click.option("--title", help="The briefing's title (default: Meeting with the audience's addressee).")
@click.option("--id", "meeting_id", help="The meeting's id and file name (default: AUDIENCE-DATE).")
@briefs_option
def meeting(
    country: str, audience: str, date: datetime.datetime, title: str | None, meeting_id: str | None, briefs: Path
) -> None:
    """Start <country>/meetings/<id>.yaml for a meeting with AUDIENCE on DATE.

    Refuses to replace a file that exists.
    """
    from generator import api

    path = api.new_meeting(briefs, country, audience, date.date(), title, meeting_id)
    say(f"wrote {shown(path)}")
    say(f"next: fill in its place and purpose, then: briefing generate {shown(path)}")
