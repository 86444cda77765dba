"""A knowledge base's settings: its briefing.toml, read like any input file, with the environment applied.

Standard library only, so that a run answered from the cache can learn its
theme and time limit without importing the loader.
"""

from __future__ import annotations

from pathlib import Path

from generator.core.errors import Diagnostic
from generator.core.inputs import ReadRefused, read_input
from generator.core.kinds import SETTINGS
from generator.core.settings import SETTINGS_FILE, Settings, parse_settings, with_environment


def read_settings(briefs: Path) -> tuple[Settings, list[Diagnostic]]:
    """The settings of the knowledge base `briefs`, and every problem of its briefing.toml.

    Without the file, every setting is its default. A setting written wrong
    is left at its default and reported; an environment variable overrides
    the file, and one set wrong raises UsageError.
    """
    path = briefs / SETTINGS_FILE
    settings, problems = Settings(), []
    try:
        # Read when absent too: the run cache then notices the file appear.
        raw = read_input(path, within=briefs)
    except FileNotFoundError:
        if path.is_symlink():
            problems.append(
                Diagnostic(path, 1, "symbolic link to a file that does not exist; fix or remove it", SETTINGS)
            )
    except ReadRefused as refusal:
        problems.append(Diagnostic(path, 1, str(refusal), SETTINGS))
    except OSError as error:
        problems.append(Diagnostic(path, 1, f"cannot be read ({error.strerror or error})", SETTINGS))
    else:
        try:
            settings, problems = parse_settings(raw.decode("utf-8"), path, briefs)
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            problems.append(Diagnostic(path, line, "not valid UTF-8; save the file as UTF-8", SETTINGS))
    return with_environment(settings), problems
