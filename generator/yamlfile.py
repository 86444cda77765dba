"""Read one hand-edited YAML file into plain data that remembers its lines.

PyYAML alone loses line numbers once data is constructed, silently keeps the
last of two duplicate keys and expands aliases without bound. We compose the
node graph instead (which never expands aliases), and build the data
ourselves so every value keeps the line it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic

MAX_FILE_BYTES = 2_000_000
"""A knowledge-base file is prose typed by hand; anything larger is a mistake."""

Location = tuple[str | int, ...]
"""Where a value sits in a document: the keys and list indices leading to it."""

_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)


@dataclass
class YamlDocument:
    """The data of one YAML file with the line of every value in it."""

    path: Path
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, location: Location) -> int:
        """The line of the value at `location`, or of its nearest enclosing value.

        A missing field has no line of its own; pointing at the mapping that
        lacks it is what the user needs.
        """
        while location not in self.lines and location:
            location = location[:-1]
        return self.lines.get(location, 1)


class YamlFileError(Exception):
    """A file that cannot be read as YAML at all; carries its diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


def read_yaml(path: Path, display_path: Path | None = None) -> YamlDocument:
    """Parse `path`; raise YamlFileError with a file:line diagnostic on failure."""
    shown = display_path or path

    def fail(line: int, message: str) -> YamlFileError:
        return YamlFileError(Diagnostic(shown, line, message))

    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise fail(1, f"file is {len(raw):,} bytes, more than the {MAX_FILE_BYTES:,} allowed; split it")
    if raw.startswith(b"\xef\xbb\xbf") or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail(1, "file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise fail(line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8") from None
    if not text.strip():
        raise fail(1, "file is empty; remove it or add content")
    if match := _TAB_INDENT.search(text):
        line = text.count("\n", 0, match.start()) + 1
        raise fail(line, "tab used for indentation; indent with spaces")

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise fail(line, f"YAML syntax error: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise fail(1, f"YAML error: {error}") from None
    if node is None:
        raise fail(1, "file holds only comments; remove it or add content")

    document = YamlDocument(shown, None)
    document.data = _build(node, (), document, yaml.constructor.SafeConstructor(), set())
    return document


def _build(node: yaml.Node, location: Location, document: YamlDocument,
           constructor: yaml.constructor.SafeConstructor, seen: set[int]) -> Any:
    line = node.start_mark.line + 1
    document.lines[location] = line
    if id(node) in seen:
        # The composer hands back the very same node for an alias; refusing
        # them keeps memory bounded whatever nesting an alias bomb uses.
        raise YamlFileError(Diagnostic(document.path, line,
                                       "YAML anchors and aliases (&name, *name) are not supported; write the value out"))
    seen.add(id(node))

    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        key_lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlFileError(Diagnostic(document.path, key_line, "a mapping key must be a plain word"))
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlFileError(Diagnostic(document.path, key_line,
                                               "merge keys (<<) are not supported; write the fields out"))
            key = key_node.value
            if key in key_lines:
                raise YamlFileError(Diagnostic(
                    document.path, key_line,
                    f"duplicate key '{key}' (first on line {key_lines[key]}); remove one"))
            key_lines[key] = key_line
            result[key] = _build(value_node, location + (key,), document, constructor, seen)
            # A wrong value is best shown on its key's line, not where a
            # block value underneath happens to start.
            document.lines[location + (key,)] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, location + (index,), document, constructor, seen)
                for index, item in enumerate(node.value)]
    try:
        return constructor.construct_object(node)
    except (yaml.constructor.ConstructorError, ValueError) as error:
        problem = getattr(error, "problem", None) or str(error)
        raise YamlFileError(Diagnostic(document.path, line, f"cannot read '{node.value}': {problem}")) from None
