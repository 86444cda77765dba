"""Every error a user can cause, under one base class, and the output folder's refusals.

The CLI turns a `BriefingError` into one line per problem and exit status 2,
a `WriteFailure` into one line and exit status 1; anything else is a bug and
exits 1.
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
    kind: str = ""
    """What kind of problem it is (`kinds`): `check --only` shows one kind, and its summary counts each."""

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


class TooLong(BriefingError):
    """Even with every item that may give way left out, a briefing runs over its page limit."""


class ManifestDamaged(BriefingError):
    """Raised when an output folder's manifest.json cannot be read as a manifest.

    Nothing is written then: replacing it would lose the record of what went to whom.
    """

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            f"{path} is damaged ({problem}); it is left as it is: move it aside (it may still show "
            "what went to whom) and run again"
        )


class ManifestBusy(BriefingError):
    """Raised when another run has held an output folder's manifest lock for too long."""


class CopyRefused(BriefingError):
    """Raised when writing a document would replace a different copy (another audience,
    meeting, distribution level, recipient or format) recorded under the same file name."""


class WriteFailure(Exception):
    """Raised when the output folder will not take a file (disk full, no permission).

    Not a mistake in the input, so not a `BriefingError`: the command exits 1.
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write {path}: {reason}")
