"""`briefing source add`: archive a document as a new source and start its sources.yaml entry."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.shell import briefs_option, country_option, main, say, shown


@main.group()
def source() -> None:
    """Manage the documents a knowledge base cites."""


@source.command()
@click.argument("document", metavar="FILE")
@click.option("--id", "source_id", required=True, help="The new source's id, e.g. hrw-2021-annual-report.")
@country_option
@briefs_option
def add(document: str, source_id: str, country: str | None, briefs: Path) -> None:
    """Archive FILE (PDF, saved web page, DOCX or text, or an http(s) address) as a new source.

    The original and its extracted text are kept in <country>/sources/, and an
    entry is added to sources.yaml with what the document's metadata gives;
    the fields it leaves blank are reported by 'briefing check' until filled in.
    The new source is confidential until you lower its sensitivity.
    """
    from generator import api

    added = api.add_source(briefs, country, document, source_id)
    for path in (added.original, added.archive):
        if path is not None:
            say(f"wrote {shown(path)}")
    say(f"added {added.source_id} to {shown(added.sources_file)}:{added.line}")
    if added.filled:
        say(f"  from the document's metadata, to check: {', '.join(added.filled)}")
    if added.blanks:
        say(f"  to fill in: {', '.join(added.blanks)} ('briefing check' reports them until you do)")
    say("  sensitivity: confidential until you have read it; then restricted or public")
    say(f'next: briefing cite {added.source_id} "a few words"')
