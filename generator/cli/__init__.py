"""The `briefing` command: a thin shell over `generator.api`, one module per command.

Each command module registers itself on the group in `shell` when imported,
and imports the library only when it runs, so `--help` never pays for it.
"""

from generator.cli import (
    check,
    cite,
    diff,
    generate,
    inventory,
    migrate,
    new,
    records,
    schema,
    serve,
    source,
    translate,
    verify,
)
from generator.cli.shell import main

__all__ = [
    "check",
    "cite",
    "diff",
    "generate",
    "inventory",
    "main",
    "migrate",
    "new",
    "records",
    "schema",
    "serve",
    "source",
    "translate",
    "verify",
]
