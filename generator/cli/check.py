"""`briefing check`: every mistake in the knowledge base, as file:line: message."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.shell import (
    EXIT_BAD_INPUT,
    briefs_option,
    count,
    country_option,
    main,
    note_if_not_kept,
    report,
    say,
    shown,
)


@main.command()
@briefs_option
@country_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (for CI).")
def check(briefs: Path, country: str | None, strict: bool) -> None:
    """Check the knowledge base; report every problem as file:line: message."""
    from generator import api

    checked = api.check(briefs, country)
    note_if_not_kept(checked.kept)
    report(checked.warnings, fatal=strict)
    if strict and checked.warnings:
        click.echo(f"{count(len(checked.warnings), 'warnings')}, fatal with --strict.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    countries = "); ".join(
        f"{each.country} is valid (" + ", ".join(count(number, kind) for kind, number in each.counts.items())
        for each in checked.valid
    )
    say(f"{shown(briefs)}: {countries}; {count(len(checked.warnings), 'warnings')}).")
