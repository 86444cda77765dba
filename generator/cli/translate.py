"""`briefing translate`: the country's PO file for a language, created or brought up to date."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.shell import briefs_option, country_option, main, say, shown


@main.command()
@click.argument("language", metavar="LANG")
@briefs_option
@country_option
def translate(language: str, briefs: Path, country: str | None) -> None:
    """Create or update <country>/translations/LANG.po with every text a briefing prints.

    New English is added untranslated; changed English keeps its translation, marked fuzzy with the
    earlier English; an item no longer in the knowledge base leaves an obsolete entry. No translation
    is ever overwritten.
    """
    from generator import api

    path, counts = api.translate(briefs, country, language)
    say(f"wrote {shown(path)}: {counts.tally()}")
