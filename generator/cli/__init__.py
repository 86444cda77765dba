"""The `briefing` command: a thin shell over `generator.api`, one module per command.

Each command module registers itself on the group in `shell` when imported,
and imports the library only when it runs, so `--help` never pays for it.
"""

from generator.cli import check, diff, generate, inventory, migrate, records, schema, serve, verify
from generator.cli.shell import main

__all__ = ["check", "diff", "generate", "inventory", "main", "migrate", "records", "schema", "serve", "verify"]
