"""What every command shares: the `briefing` group, its common options and how it prints.

Exit status: 0 success, 2 bad input (each problem on its own line as
`file:line: message`), 1 anything else.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click
from click.decorators import FC

from generator import __version__
from generator.core.errors import BriefingError, Diagnostic, InputError, WriteFailure
from generator.core.settings import ENVIRONMENT, NO_COLOR_VARIABLE, SETTINGS_FILE
from generator.render import CHOICES, FORMATS, Format

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1
MAX_WARNINGS_SHOWN = 5
"""Past this, generate prints one line pointing at `briefing check` instead of every warning."""
EVERY_FORMAT = "all"
"""The `--format` choice for every format that has a choice of its own."""

briefs_option = click.option(
    "--briefs",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("briefs"),
    show_default=True,
    help="Knowledge-base folder.",
)
country_option = click.option("--country", help="Country folder to use when the knowledge base has several.")


def _formats(context: click.Context, parameter: click.Parameter, choice: str) -> tuple[Format, ...]:
    return FORMATS if choice == EVERY_FORMAT else (CHOICES[choice],)


format_option = click.option(
    "--format",
    "formats",
    type=click.Choice([*CHOICES, EVERY_FORMAT]),
    default=EVERY_FORMAT,
    show_default=True,
    callback=_formats,
)
"""--format, given to the command as the formats it asks for."""


def out_option(help_text: str, default: Path = Path("output")) -> Callable[[FC], FC]:
    """--out, the folder a command works in."""
    return click.option(
        "--out",
        type=click.Path(path_type=Path, file_okay=False),
        default=default,
        show_default=True,
        help=help_text,
    )


def shown(path: Path) -> Path:
    """Paths relative to where the user stands read best in messages.

    Made absolute without following symbolic links: a message names the link, not where it leads.
    """
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd())
    except ValueError:
        return path


def count(number: int, plural: str) -> str:
    return f"{number} {plural if number != 1 else plural.removesuffix('s')}"


def is_quiet() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context and context.find_root().params.get("quiet"))


def color() -> bool | None:
    """None lets click colour only a terminal; NO_COLOR (no-color.org) turns it off."""
    return False if os.environ.get(NO_COLOR_VARIABLE) else None


def say(message: str) -> None:
    """A progress line on stdout; --quiet silences it."""
    if not is_quiet():
        click.echo(message, color=color())


def complain(message: str) -> None:
    """A line about something that went wrong, on stderr in red."""
    click.secho(message, err=True, fg="red", color=color())


def report(diagnostics: list[Diagnostic], fatal: bool = False) -> None:
    """One line per problem on stderr; --quiet silences warnings unless they are fatal."""
    for diagnostic in diagnostics:
        warning = diagnostic.message.startswith("warning:")
        if warning and is_quiet() and not fatal:
            continue
        line = f"{shown(diagnostic.path)}:{diagnostic.line}: {diagnostic.message}"
        click.secho(line, err=True, fg="yellow" if warning else "red", color=color())


def report_briefly(diagnostics: list[Diagnostic]) -> None:
    """Warnings while generating: each when few, else one line that points at `check`."""
    if len(diagnostics) <= MAX_WARNINGS_SHOWN:
        report(diagnostics)
    elif not is_quiet():
        click.secho(
            f"warning: {len(diagnostics)} warnings about the knowledge base, e.g. stale facts; "
            "`briefing check` lists them",
            err=True,
            fg="yellow",
            color=color(),
        )


def note_if_not_kept(kept: bool) -> None:
    if not kept and not is_quiet():
        click.echo("note: an input changed during the run; the next run will read everything again", err=True)


def cannot_write(failure: WriteFailure) -> NoReturn:
    complain(f"error: cannot write {shown(failure.path)}: {failure.reason}")
    sys.exit(EXIT_FAILURE)


COMMAND_MODULES = {
    "check": "check",
    "cite": "cite",
    "diff": "diff",
    "followups": "records",
    "generate": "generate",
    "letter": "records",
    "list": "inventory",
    "migrate": "migrate",
    "new": "new",
    "record": "records",
    "schema": "schema",
    "serve": "serve",
    "source": "source",
    "translate": "translate",
    "verify": "verify",
}
"""Each command and the module of `generator.cli` that defines it, imported only when the command is asked for:
`briefing check` answered from the run cache loads none of the others."""


class _Group(click.Group):
    """Turns every error the user can cause into lines on stderr and exit 2, and imports a command's module
    when the command is first asked for (the lazy group of Click's documentation)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_MODULES, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            # The module registers its commands on this group as it is imported.
            importlib.import_module(f"generator.cli.{COMMAND_MODULES[cmd_name]}")
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as error:
            report(error.diagnostics)
            click.echo(f"{count(len(error.diagnostics), 'problems')} found.", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except BriefingError as error:
            complain(f"error: {error}")
            sys.exit(EXIT_BAD_INPUT)
        except WriteFailure as failure:
            cannot_write(failure)
        except OSError as error:
            where = f": {error.filename}" if error.filename else ""
            complain(f"error: {error.strerror or error}{where}")
            sys.exit(EXIT_FAILURE)


# "\b" keeps click from running the lines of the list together.
SETTINGS_HELP = "\n".join(
    [
        f"Settings come from a {SETTINGS_FILE} at the root of --briefs; these environment variables override it, "
        "and options override both (docs/configuration.md).",
        "",
        "\b",
        *(f"{name:<25}{what}" for name, what in ENVIRONMENT.items()),
    ]
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=SETTINGS_HELP)
@click.version_option(__version__, "-V", "--version", prog_name="briefing")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def main(quiet: bool) -> None:
    """Tailored human-rights advocacy briefings from a YAML knowledge base."""
