"""`briefing migrate`: move a tree from the one-country layout."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.shell import briefs_option, main, say, shown


@main.command()
@briefs_option
@click.option("--write", is_flag=True, help="Make the changes; without it, only say what they would be.")
def migrate(briefs: Path, write: bool) -> None:
    """Move a knowledge base from the one-country layout to one folder per country.

    Levers leave the audience files for <country>/levers/<audience>.yaml,
    salutation: is dropped, and meetings/ moves into <country>/meetings/.
    A source's document: becomes archive: <country>/sources/<id>.txt with its
    sha256 when the text is in that folder under its old name, and is dropped
    otherwise. Comments and formatting are kept; no existing file is ever
    overwritten.
    """
    from generator import api

    steps = api.migration_plan(briefs)
    if not steps:
        say(f"{shown(briefs)}: nothing to do; already in the current layout")
        return
    for step in steps:
        click.echo(("" if write else "would: ") + step.description)
    if write:
        api.migrate(steps)
        say(f"{shown(briefs)}: migrated; run 'briefing check' to confirm")
    else:
        say("nothing written; run again with --write to make these changes")
