"""`briefing cite`: a few words of an archived source, printed as a whole-sentence citation to paste."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.shell import briefs_option, country_option, main


@main.command()
@click.argument("source_id", metavar="ID")
@click.argument("words")
@country_option
@briefs_option
def cite(source_id: str, words: str, country: str | None, briefs: Path) -> None:
    """Find WORDS in source ID's archived text and print the sentence as a citation.

    Line breaks, quote and dash characters and soft hyphens in the archive do
    not count. The YAML printed goes under a fact's 'sources:', with the page
    for a PDF. When the words are not there, the closest sentences are shown.
    """
    from generator import api

    click.echo(api.citation_yaml(api.cite(briefs, country, source_id, words)), nl=False)
