"""`briefing schema`: JSON Schemas of the knowledge-base files, for editors."""

from __future__ import annotations

from pathlib import Path

from generator.cli.shell import main, out_option, say, shown


@main.command()
@out_option("Folder the schemas are written to.", default=Path("schemas"))
def schema(out: Path) -> None:
    """Write JSON Schemas of every kind of knowledge-base file, for editors."""
    from generator import api

    for path in api.write_schemas(out):
        say(f"wrote {shown(path)}")
