"""`briefing verify`: the output folder checked against its manifest."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.shell import EXIT_BAD_INPUT, briefs_option, color, count, main, out_option, say, shown


@main.command()
@out_option("Folder to check.")
@briefs_option
def verify(out: Path, briefs: Path) -> None:
    """Check the output folder against its manifest.

    Re-hashes every recorded file and every file in the folder, and lists the
    missing, changed and unrecorded ones; then names the archived source texts
    each copy rests on and re-hashes them in the knowledge base, listing those
    changed or missing since the copy was built. Exit status 2 if there are any.
    """
    from generator import api

    report = api.verify(out, briefs)
    for label, names in (("missing", report.missing), ("changed", report.changed), ("unrecorded", report.unrecorded)):
        for name in names:
            click.secho(f"{label:<10}  {shown(out / name)}", fg="red", color=color())
    for name, archived in report.archives_changed:
        click.secho(
            f"{'archive':<10}  {shown(out / name)}: source '{archived.source}': {shown(archived.archive)} "
            f"{'changed' if archived.state == 'changed' else 'is missing'} since the copy was built",
            fg="red",
            color=color(),
        )
    uncompared = 0
    for name, archives in report.sources.items():
        states = {archived.state for archived in archives}
        uncompared += "not compared" in states
        verdict = "not compared" if "not compared" in states else "unchanged" if states == {"unchanged"} else "changed"
        say(f"{'sources':<10}  {shown(out / name)}: {', '.join(a.source for a in archives)} ({verdict})")
    summary = (
        f"{shown(out)}: {count(report.recorded, 'recorded files')}; {len(report.missing)} missing, "
        f"{len(report.changed)} changed, {len(report.unrecorded)} unrecorded"
    )
    if report.sources:
        summary += f"; {count(len(report.archives_changed), 'archived source texts')} changed"
    if uncompared:
        summary += f" ({uncompared} of the copies not compared: their country is not in {shown(briefs)})"
    if not report.ok:
        click.echo(summary + ".")
        sys.exit(EXIT_BAD_INPUT)
    say(summary + ".")
