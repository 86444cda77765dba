"""Every error a user can cause, under one base class.

The CLI turns a `BriefingError` into one line per problem and exit status 2;
anything else is a bug and exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class Diagnostic(NamedTuple):
    """One problem found in the user's input, located at a file and line.

    A named tuple rather than a dataclass: the CLI imports this module on
    every start, and dataclasses costs more to import than all the rest.
    """

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class BriefingError(Exception):
    """Base of every error the user can cause and fix."""


class InputError(BriefingError):
    """Raised when the knowledge base or a meeting file is invalid.

    Carries every problem found in the run, so the user fixes them in one go.
    """

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class UsageError(BriefingError):
    """Raised when a command names something that does not exist (an audience, a meeting)."""


class SandboxViolation(BriefingError):
    """Raised when a template or stylesheet asks for a resource outside templates/."""


class RenderError(BriefingError):
    """Raised when a briefing cannot be rendered from otherwise valid input."""
