"""`briefing check`: every mistake in the knowledge base, as file:line: message."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from generator.cli.shell import (
    EXIT_BAD_INPUT,
    briefs_option,
    color,
    count,
    country_option,
    is_quiet,
    main,
    note_if_not_kept,
    report,
    say,
    shown,
)
from generator.core.errors import Diagnostic, InputError
from generator.core.kinds import KINDS


@main.command()
@briefs_option
@country_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (for CI).")
@click.option(
    "--only",
    multiple=True,
    type=click.Choice(KINDS),
    metavar="KIND",
    help=f"Show only the problems of this kind; repeat it for several. Kinds: {', '.join(KINDS)}.",
)
def check(briefs: Path, country: str | None, strict: bool, only: tuple[str, ...]) -> None:
    """Check the knowledge base; report every problem as file:line: message, then each kind of warning
    with what to do about it."""
    from generator import api

    try:
        checked = api.check(briefs, country)
    except InputError as error:
        _refuse(error.diagnostics, only)
    note_if_not_kept(checked.kept)
    warnings = _of_kinds(checked.warnings, only)
    report(warnings, fatal=strict)
    summary = [(kind, line) for kind, line in checked.summary if not only or kind in only]
    if summary and (strict or not is_quiet()):
        click.secho("Warnings by kind (--only KIND shows one kind):", err=True, fg="yellow", color=color())
        for kind, line in summary:
            click.secho(f"  {kind}: {line}", err=True, fg="yellow", color=color())
    if strict and checked.warnings:
        click.echo(f"{count(len(checked.warnings), 'warnings')}, fatal with --strict.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    countries = "); ".join(
        f"{each.country} is valid (" + ", ".join(count(number, kind) for kind, number in each.counts.items())
        for each in checked.valid
    )
    filtered = f", {len(warnings)} shown with --only" if only else ""
    say(f"{shown(briefs)}: {countries}; {count(len(checked.warnings), 'warnings')}{filtered}).")
    for path, tally in checked.translations:
        say(f"{shown(Path(path))}: {tally}")


def _of_kinds(diagnostics: list[Diagnostic], only: Sequence[str]) -> list[Diagnostic]:
    return [diagnostic for diagnostic in diagnostics if not only or diagnostic.kind in only]


def _refuse(errors: list[Diagnostic], only: Sequence[str]) -> NoReturn:
    """The errors of the kinds asked for, and a count of every error: a filter never hides that the
    knowledge base cannot be used."""
    selected = _of_kinds(errors, only)
    report(selected)
    other = [kind for kind in KINDS if any(error.kind == kind for error in errors if error not in selected)]
    hidden = f"; {len(errors) - len(selected)} of other kinds not shown ({', '.join(other)})" if other else ""
    click.echo(f"{count(len(errors), 'problems')} found{hidden}.", err=True)
    sys.exit(EXIT_BAD_INPUT)
