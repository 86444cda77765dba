"""`briefing diff`: what changed between two states of a knowledge base, per audience."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.shell import briefs_option, country_option, main


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
    from generator import api

    for line in api.diff_report(old, new, briefs, country, distribution):
        click.echo(line)
