"""Every setting of the generator, with its default, declared once.

A knowledge base may hold a `briefing.toml` at its root; an environment
variable overrides what it says, and a command-line option overrides both
(docs/configuration.md lists them all). This module declares the settings
and their defaults, checks a file's text against them, each problem at its
`briefing.toml:LINE`, and applies the environment; `kb.settings` reads the
file.

Standard library only: the cache imports this on every start.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from generator import TEMPLATES_DIR
from generator.core.errors import Diagnostic, UsageError
from generator.core.kinds import SETTINGS

SETTINGS_FILE = "briefing.toml"
"""The settings file, at the root of a knowledge base (the `--briefs` folder)."""

LENGTHS = ("full", "one-page")
"""The lengths a briefing comes in; each has its own page limit and budget."""


class Budget(NamedTuple):
    """How many items of each kind a briefing of one length holds.

    Named tuples here rather than dataclasses: every command imports this
    module, and a dataclass costs ten times as much to define.
    """

    asks: int
    talking_points: int
    background: int
    cases: int
    responses: int
    levers: int
    characters: int
    """Text the page count allows; the lowest-ranked items give way to stay within it."""


DEFAULT_PAGES = {"full": 4, "one-page": 1}
"""The most pages a briefing of each length may run to."""

# Sized so a full briefing fills three to five pages and a leave-behind one.
DEFAULT_BUDGETS = {
    "full": Budget(asks=5, talking_points=5, background=4, cases=4, responses=4, levers=4, characters=9500),
    "one-page": Budget(asks=3, talking_points=3, background=0, cases=2, responses=0, levers=0, characters=3400),
}

DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024
"""16 MB: a knowledge-base file is prose typed by hand; far larger is a mistake."""

DEFAULT_TIMEOUT = 300.0
"""Seconds one document may take to render before it is stopped."""

MAX_FILE_BYTES_VARIABLE = "BRIEFING_MAX_FILE_BYTES"
TIMEOUT_VARIABLE = "BRIEFING_TIMEOUT"
THEME_VARIABLE = "BRIEFING_THEME"
BUILD_DATE_VARIABLE = "SOURCE_DATE_EPOCH"
CACHE_VARIABLE = "XDG_CACHE_HOME"
NO_COLOR_VARIABLE = "NO_COLOR"

ENVIRONMENT = {
    MAX_FILE_BYTES_VARIABLE: "largest input file read, in bytes ([limits] max_file_bytes)",
    TIMEOUT_VARIABLE: "seconds a document may take to render ([limits] timeout)",
    THEME_VARIABLE: "theme folder, relative to the current folder (theme)",
    BUILD_DATE_VARIABLE: "build date, in seconds since 1970 (reproducible output)",
    CACHE_VARIABLE: "where the cache lives, in briefing/ (default ~/.cache)",
    NO_COLOR_VARIABLE: "any value turns off coloured messages",
}
"""Every environment variable the generator reads, and what it sets."""

OVERRIDING = (MAX_FILE_BYTES_VARIABLE, TIMEOUT_VARIABLE, THEME_VARIABLE)
"""The variables that override a setting of briefing.toml."""


@dataclass(frozen=True)
class Settings:
    """What a knowledge base's briefing.toml and the environment set, each the default when unset."""

    pages: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PAGES))
    budgets: dict[str, Budget] = field(default_factory=lambda: dict(DEFAULT_BUDGETS))
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    timeout: float = DEFAULT_TIMEOUT
    theme: Path | None = None
    """A folder searched before the packaged templates for each template, stylesheet, font and
    reference document; None for the packaged look alone."""


def template_folders(theme: Path | None, packaged: Path = TEMPLATES_DIR) -> tuple[Path, ...]:
    """Where a template, stylesheet, font or reference document is looked for, first match winning."""
    return (packaged,) if theme is None else (theme, packaged)


def template_file(name: str, folders: tuple[Path, ...]) -> Path:
    """The file `name` (a path relative to `folders`) of the first folder that has it, else of the last."""
    return next((folder / name for folder in folders if (folder / name).is_file()), folders[-1] / name)


# The environment.


def environment_max_file_bytes() -> int | None:
    """`BRIEFING_MAX_FILE_BYTES`, if set; UsageError unless it is a positive whole number."""
    setting = os.environ.get(MAX_FILE_BYTES_VARIABLE)
    if setting is None:
        return None
    try:
        limit = int(setting)
    except ValueError:
        limit = 0
    if limit <= 0:
        raise UsageError(f"{MAX_FILE_BYTES_VARIABLE}={setting!r} is not a positive whole number of bytes")
    return limit


def _environment_timeout() -> float | None:
    setting = os.environ.get(TIMEOUT_VARIABLE)
    if setting is None:
        return None
    try:
        seconds = float(setting)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise UsageError(f"{TIMEOUT_VARIABLE}={setting!r} is not a positive number of seconds")
    return seconds


def _environment_theme() -> Path | None:
    setting = os.environ.get(THEME_VARIABLE)
    if setting is None:
        return None
    folder = Path(os.path.abspath(setting))
    if not setting or not folder.is_dir():
        raise UsageError(f"{THEME_VARIABLE}={setting!r} is not a folder; name the theme folder, or unset it")
    return folder


def with_environment(settings: Settings) -> Settings:
    """`settings` with each one an environment variable sets replaced; UsageError for a variable set wrong."""
    max_file_bytes, timeout, theme = environment_max_file_bytes(), _environment_timeout(), _environment_theme()
    return dataclasses.replace(
        settings,
        max_file_bytes=settings.max_file_bytes if max_file_bytes is None else max_file_bytes,
        timeout=settings.timeout if timeout is None else timeout,
        theme=theme or settings.theme,
    )


def environment_key() -> str:
    """The variables that override settings, as they are set: part of every cache key."""
    return "\0".join(f"{name}={os.environ.get(name)}" for name in OVERRIDING)


# The file.


class _Number(NamedTuple):
    """A whole number, or with `fraction` any number, of `unit`: at least `least`, or with `open` more than it."""

    unit: str
    least: int = 0
    fraction: bool = False
    open: bool = False

    def problem(self, value: Any, root: Path) -> str | None:
        whole = isinstance(value, int) and not isinstance(value, bool)
        if not (whole or (self.fraction and isinstance(value, float) and math.isfinite(value))):
            kind = "a number" if self.fraction else "a whole number"
            hint = "; write it without quotes" if isinstance(value, str) else ""
            return f"expected {kind} of {self.unit}, found {_describe(value)}{hint}"
        if value < self.least or (self.open and value == self.least):
            bound = f"more than {self.least}" if self.open else f"at least {self.least}"
            return f"{value} is too small: it must be {bound}; write a larger number"
        return None

    def value(self, value: Any, root: Path) -> Any:
        return float(value) if self.fraction else value


class _Folder:
    """A folder, relative to the knowledge base."""

    def problem(self, value: Any, root: Path) -> str | None:
        if not isinstance(value, str) or not value:
            return f"expected the name of a folder in quotes, found {_describe(value)}"
        if not (root / value).is_dir():
            return (
                f"no folder {value!r} in {root}; create it with the templates to replace, "
                "or remove the setting to use the packaged templates"
            )
        return None

    def value(self, value: Any, root: Path) -> Any:
        return Path(os.path.abspath(root / value))


_Option = _Number | _Folder
_Table = Mapping[str, "_Option | _Table"]

_BUDGET = {name: _Number(name.replace("_", " ")) for name in Budget._fields}
_SCHEMA: _Table = {
    "theme": _Folder(),
    "pages": {length: _Number("pages", least=1) for length in LENGTHS},
    "budgets": {length: _BUDGET for length in LENGTHS},
    "limits": {
        "max_file_bytes": _Number("bytes", least=1),
        "timeout": _Number("seconds", fraction=True, open=True),
    },
}
"""What briefing.toml may hold: a table of settings, or the kind of value each setting takes."""


def parse_settings(text: str, path: Path, root: Path) -> tuple[Settings, list[Diagnostic]]:
    """The settings `text` (briefing.toml at `path`, in the knowledge base `root`) sets, and every problem.

    A setting written wrong is reported at its line and left at its default,
    so one run reports every problem; the environment is not applied.
    """
    # Imported here: a run answered from the cache reads no settings file.
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line = _syntax_error(str(error))
        return Settings(), [Diagnostic(path, line, f"{message}; fix the TOML syntax (see https://toml.io)", SETTINGS)]
    lines = _key_lines(text)
    valid: dict[str, Any] = {}
    problems = [
        Diagnostic(path, _line_of(lines, where), message, SETTINGS)
        for where, message in _checked(data, _SCHEMA, (), root, valid)
    ]
    return _settings(valid), problems


def _settings(valid: dict[str, Any]) -> Settings:
    budgets = valid.get("budgets", {})
    limits = valid.get("limits", {})
    return Settings(
        pages={**DEFAULT_PAGES, **valid.get("pages", {})},
        budgets={length: DEFAULT_BUDGETS[length]._replace(**budgets.get(length, {})) for length in LENGTHS},
        max_file_bytes=limits.get("max_file_bytes", DEFAULT_MAX_FILE_BYTES),
        timeout=limits.get("timeout", DEFAULT_TIMEOUT),
        theme=valid.get("theme"),
    )


Where = tuple[str, ...]


def _checked(
    data: dict[str, Any], table: _Table, where: Where, root: Path, valid: dict[str, Any]
) -> Iterator[tuple[Where, str]]:
    """Each problem of `data` against `table`, at its key; what is valid is copied into `valid`."""
    for key, value in data.items():
        here = (*where, key)
        expected = table.get(key)
        if expected is None:
            yield here, _unknown(key, table, where)
        elif isinstance(expected, Mapping):
            if not isinstance(value, dict):
                heading = f"[{_dotted(here)}]"
                yield here, f"{_dotted(here)}: expected a {heading} table of settings, found {_describe(value)}"
                continue
            yield from _checked(value, expected, here, root, valid.setdefault(key, {}))
        elif (problem := expected.problem(value, root)) is not None:
            yield here, f"{_dotted(here)}: {problem}"
        else:
            valid[key] = expected.value(value, root)


def _unknown(key: str, table: _Table, where: Where) -> str:
    # Imported here, as tomllib is: only a mistake needs it.
    import difflib

    close = difflib.get_close_matches(key, list(table), n=1)
    holder = f"[{_dotted(where)}]" if where else SETTINGS_FILE
    hint = f"did you mean '{close[0]}'?" if close else f"{holder} holds {', '.join(table)}"
    return f"unknown setting '{_dotted((*where, key))}'; {hint}"


def _dotted(where: Where) -> str:
    return ".".join(where)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the truth value {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"the {type(value).__name__} {value}"


# Patterns, not compiled objects: `re` compiles each on first use and keeps it, and most commands read no
# briefing.toml, while every one imports this module.
_AT_LINE = r"\s*\(at line (\d+), column \d+\)$"


def _syntax_error(message: str) -> tuple[str, int]:
    """tomllib's message without its position, and the line it names."""
    match = re.search(_AT_LINE, message)
    if match is None:
        return message, 1
    return message[: match.start()], int(match[1])


# Where each key is written: tomllib keeps no positions, so the text is scanned for them.

_NAME = r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'"
"""One part of a key: bare, or in either kind of quotes."""
_HEADER = r"^\s*\[\[?\s*(?P<key>[^\[\]]+?)\s*\]\]?\s*(#.*)?$"
_KEY = rf"^\s*(?P<key>(?:{_NAME})(?:\s*\.\s*(?:{_NAME}))*)\s*="


def _key_lines(text: str) -> dict[Where, int]:
    """The line each table and key is first written on, by its full dotted path."""
    lines: dict[Where, int] = {}
    table: Where = ()
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            # A key inside a multi-line string is text, not a key.
            if line.count(in_string) % 2:
                in_string = None
            continue
        if header := re.match(_HEADER, line):
            table = _parts(header["key"])
            lines.setdefault(table, number)
        elif key := re.match(_KEY, line):
            path = (*table, *_parts(key["key"]))
            for end in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:end], number)
            in_string = next((quote for quote in ('"""', "'''") if line.count(quote) % 2), None)
    return lines


def _parts(dotted: str) -> Where:
    return tuple(part.strip("\"'") for part in re.findall(_NAME, dotted))


def _line_of(lines: dict[Where, int], where: Where) -> int:
    """The line of `where`, else of the nearest table or key that holds it, else the first."""
    for end in range(len(where), 0, -1):
        if where[:end] in lines:
            return lines[where[:end]]
    return 1
