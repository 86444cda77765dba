"""`briefing list`: the audiences, meetings and themes of a knowledge base, with counts."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.shell import briefs_option, count, country_option, main


@main.command(name="list")
@briefs_option
@country_option
def list_command(briefs: Path, country: str | None) -> None:
    """List audiences, meetings, themes and how many items each has."""
    from generator import api

    inventory = api.inventory(briefs, country)
    click.echo(f"{inventory.country_name} ({inventory.country_id})")
    click.echo("\nAudiences:")
    for audience in inventory.audiences:
        click.echo(
            f"  {audience.id:<10} {audience.full_name} ({audience.language}, {audience.paper.upper()}, "
            f"{count(audience.levers, 'levers')})"
        )
    click.echo("\nMeetings:")
    for meeting in inventory.meetings:
        click.echo(f"  {meeting.id:<28} {meeting.date}  {meeting.audience:<7} {meeting.title}")
    click.echo("\nThemes (items):")
    for theme in inventory.themes:
        click.echo(f"  {theme.id:<20} {theme.items:>3}  {theme.label}")
    click.echo("\n" + ", ".join(count(number, kind) for kind, number in inventory.totals.items()))
