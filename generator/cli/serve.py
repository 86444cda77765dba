"""`briefing serve`: the live preview in a browser."""

from __future__ import annotations

import contextlib
import datetime
from pathlib import Path

import click

from generator.cli.shell import briefs_option, country_option, main, shown


@main.command()
@briefs_option
@country_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1; 0 picks a free one.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default browser.")
def serve(briefs: Path, country: str | None, port: int, open_browser: bool) -> None:
    """Preview the briefings in a browser, updated each time a file is saved.

    Each briefing laid out again and each problem a save brings is logged on stderr.
    """
    from generator.preview.serve import serve as run_server

    with contextlib.suppress(KeyboardInterrupt):
        run_server(
            briefs,
            country,
            port,
            announce=lambda url: click.echo(f"Previewing {shown(briefs)} at {url} (Ctrl-C to stop)"),
            log=lambda line: click.echo(f"{datetime.datetime.now():%H:%M:%S} {line}", err=True),
            open_browser=open_browser,
        )
