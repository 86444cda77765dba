"""The `briefing` command: a thin shell over `generator.api`, one module per command.

Each command module registers itself on the group in `shell` when imported,
which happens only when its command is asked for (`shell.COMMAND_MODULES`),
and imports the library only when it runs, so `--help` never pays for it.
"""

from generator.cli.shell import main

__all__ = ["main"]
