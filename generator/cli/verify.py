"""`briefing verify`: the output folder checked against its manifest."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.shell import EXIT_BAD_INPUT, color, count, main, out_option, say, shown


@main.command()
@out_option("Folder to check.")
def verify(out: Path) -> None:
    """Check the output folder against its manifest.

    Re-hashes every recorded file and every file in the folder, and lists the
    missing, changed and unrecorded ones; exit status 2 if there are any.
    """
    from generator import api

    report = api.verify(out)
    for label, names in (("missing", report.missing), ("changed", report.changed), ("unrecorded", report.unrecorded)):
        for name in names:
            click.secho(f"{label:<10}  {shown(out / name)}", fg="red", color=color())
    summary = (
        f"{shown(out)}: {count(report.recorded, 'recorded files')}; {len(report.missing)} missing, "
        f"{len(report.changed)} changed, {len(report.unrecorded)} unrecorded."
    )
    if not report.ok:
        click.echo(summary)
        sys.exit(EXIT_BAD_INPUT)
    say(summary)
