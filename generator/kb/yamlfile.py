"""Read one hand-edited YAML file into plain data that remembers its lines.

PyYAML alone loses line numbers once data is constructed, silently keeps the
last of two duplicate keys and expands aliases without bound. We compose the
node graph instead (which never expands aliases), and build the data
ourselves so every value keeps the line it came from. A file of plain YAML,
as every knowledge base file is, is read straight from libyaml's events,
which gives the same data and lines in less than half the time; anything
unusual (an alias, a tag, a duplicate key, a mistake) is read through the
node graph, whose messages say what to fix.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.core.errors import Diagnostic
from generator.core.inputs import ReadRefused, read_input
from generator.core.kinds import SYNTAX
from generator.kb import parse_cache
from generator.text.characters import INVISIBLE, invisible_problem

Location = tuple[str | int, ...]
"""Where a value sits in a document: the keys and list indices leading to it."""

MAX_DEPTH = 40
"""Far deeper than any knowledge base nests; PyYAML composes recursively, so
an unbounded `[[[[...` would otherwise exhaust Python's stack."""

_FILL_IT = "add its content (a list file with no entries yet holds just [])"

_ODD_INDENT = re.compile(r"^ *([\t\u00a0])", re.MULTILINE)
"""A tab, or a non-breaking space pasted from an e-mail: both look like indentation but are not."""

_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "value", "seq", "map")
}
"""What YAML infers from plain writing; any other tag asks for something a knowledge base never needs."""

_SYNTAX_MESSAGES = (
    # (words in PyYAML's context or problem, whether the context line is the
    # one to edit, what to tell the user); the first that matches wins.
    ("while parsing a flow sequence", True, "the list opened with '[' on this line is not closed; add the ']'"),
    ("while parsing a flow mapping", True, "the mapping opened with '{' on this line is not closed; add the '}'"),
    (
        "while scanning a quoted scalar",
        True,
        "the quoted text that starts on this line is not closed; add the closing quote",
    ),
    (
        "while scanning a simple key",
        True,
        "this line is neither 'field: value' nor indented under one; indent it or put the text in quotes",
    ),
    (
        "mapping values are not allowed",
        False,
        "unexpected ':'; check this line's indentation, and put text that contains ': ' in quotes",
    ),
    ("but found '<scalar>'", False, "text follows a closing quote or bracket; put the whole text in quotes"),
    ("expected <block end>", False, "this line is not indented like the lines above it; line it up with them"),
    ("found another document", False, "a second YAML document starts here; a file holds one, so remove the '---'"),
    ("while scanning an alias", False, "text that starts with '*' must be in quotes"),
    ("found undefined alias", False, "text that starts with '*' must be in quotes"),
    ("while scanning an anchor", False, "text that starts with '&' must be in quotes"),
    ("cannot start any token", False, "{problem}; put the text in quotes"),
    ("escape character", False, "{problem}; inside double quotes write \\\\ for a backslash, or use single quotes"),
)


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML we will not read; its problem is the whole message."""


def _refusal(error: _Refused) -> tuple[int, str]:
    return (error.problem_mark.line + 1 if error.problem_mark else 1), error.problem or ""


class _Guard(yaml.composer.Composer):  # mixed into a Loader, which supplies the parser's events
    """Refuses aliases and deep nesting while composing, before either can cost memory or stack."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        # An alias of an unknown anchor is left to PyYAML: it is usually text
        # that starts with '*', and the syntax message says so.
        if isinstance(event, yaml.AliasEvent) and event.anchor in self.anchors:
            raise _Refused(
                problem="YAML anchors and aliases (&name, *name) are not supported; write the value out",
                problem_mark=event.start_mark,  # type: ignore[arg-type]  # libyaml's Mark has the same fields
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(
                    problem=f"lists or mappings nested more than {MAX_DEPTH} deep; flatten them",
                    problem_mark=event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _GuardedLoader(_Guard, yaml.SafeLoader):
    """PyYAML's own parser: slower, but its error messages are the ones we reword."""


_libyaml: Any
try:
    from yaml import _yaml as _libyaml
except ImportError:  # PyYAML built without libyaml
    _libyaml = None
else:
    # libyaml refuses deeper nesting itself; the slower parser then says so in our words.
    _libyaml._set_max_nest_level(MAX_DEPTH)


def _compose(text: str) -> yaml.Node | None:
    """libyaml composes a large file an order of magnitude faster than PyYAML.

    On anything unusual (an error, an alias, deep nesting) the file is read
    again by PyYAML's own parser under our guard, whose messages we reword.
    """
    if _libyaml is not None:
        try:
            return yaml.compose(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=_GuardedLoader)


@dataclass
class YamlDocument:
    """The data of one YAML file with the line of every value in it."""

    path: Path
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)
    sha256: str = ""
    """Of the file's bytes: names its content in caches and revisions."""

    def line_of(self, location: Location) -> int:
        """The line of the value at `location`, or of its nearest enclosing value.

        A missing field has no line of its own; pointing at the mapping that
        lacks it is what the user needs.
        """
        while location not in self.lines and location:
            location = location[:-1]
        return self.lines.get(location, 1)


class YamlFileError(Exception):
    """A file that cannot be read as YAML at all; carries its diagnostics (one unless several fields are bad)."""

    def __init__(self, diagnostic: Diagnostic, *more: Diagnostic) -> None:
        self.diagnostics = [diagnostic, *more]
        self.partial: YamlDocument | None = None
        """For a list read entry by entry (`read_yaml(..., entries=True)`): the entries that read."""
        self.broken: list[str] = []
        """The first line of each entry that did not read, as written: its id, for one."""
        super().__init__("\n".join(map(str, self.diagnostics)))

    @property
    def diagnostic(self) -> Diagnostic:
        return self.diagnostics[0]


def read_yaml(path: Path, within: Path | None = None, *, entries: bool = False) -> YamlDocument:
    """Parse `path`; raise YamlFileError with a file:line diagnostic on failure.

    With `within`, a file whose real location is outside that folder is refused.
    With `entries`, a list that cannot be read whole is read again entry by entry
    (an entry starts with '-' at the start of a line): the error then reports each
    broken entry and carries the entries that read, so that they are checked too.
    """

    def fail(line: int, message: str) -> YamlFileError:
        return YamlFileError(Diagnostic(path, line, message, SYNTAX))

    raw = _read_bytes(path, within, fail)
    digest = hashlib.sha256(raw).hexdigest()
    real_path = os.path.realpath(path)
    if (cached := parse_cache.recall_parsed(real_path, digest)) is not None:
        data, lines = cached
        return YamlDocument(path, data, lines, digest)
    try:
        document = _document(path, _decode(raw, fail), digest, fail)
    except YamlFileError as error:
        if entries:
            _read_entries(path, raw, digest, error)
        raise
    parse_cache.remember_parsed(real_path, digest, document.data, document.lines)
    return document


def _document(path: Path, text: str, digest: str, fail: Callable[[int, str], YamlFileError]) -> YamlDocument:
    """The data of decoded text, each value with its line."""
    _check_indentation(text, fail)
    document = YamlDocument(path, None, sha256=digest)
    if (read := _from_events(text)) is not None:
        document.data, document.lines, scalars = read
    else:
        scalars = _Scalars(text)
        _from_nodes(document, text, scalars, fail)
    if scalars.invisible:
        raise YamlFileError(
            *(
                Diagnostic(path, line or document.line_of(location), message, SYNTAX)
                for location, line, message in scalars.invisible
            )
        )
    return document


def _from_nodes(
    document: YamlDocument, text: str, scalars: _Scalars, fail: Callable[[int, str], YamlFileError]
) -> None:
    """Read `text` into `document` through PyYAML's node graph, which words every mistake."""
    node = _parse(text, fail)
    try:
        document.data = _build(node, (), document, yaml.constructor.SafeConstructor(), set(), scalars)
    except _SharedNode:
        # libyaml let an alias through as a node met twice; PyYAML's parser,
        # under our guard, refuses it at the alias's own line.
        try:
            yaml.compose(text, Loader=_GuardedLoader)
        except _Refused as error:
            raise fail(*_refusal(error)) from None
        raise


class _Unusual(Exception):
    """What reading events leaves to the node graph: an anchor or alias, a tag, a merge key, a key that is a
    list or mapping, a duplicate key, no document or a second one, a syntax error."""


_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
"""The resolver of PyYAML's safe loader, which the node graph's scalars get their tags from."""


def _from_events(text: str) -> tuple[Any, dict[Location, int], _Scalars] | None:
    """The data and lines `_build` gives, with the invisible characters noted, read straight from libyaml's
    events: building PyYAML's nodes is most of the time of a large file, and this reads it in less than half.

    None for anything unusual (see `_Unusual`): the node graph reads that, and words what is wrong.
    """
    if _libyaml is None:
        return None
    loader = yaml.CSafeLoader(text)
    try:
        scalars = _Scalars(text)
        return (*_events_read(loader, scalars), scalars)
    except (_Unusual, yaml.YAMLError):
        return None
    finally:
        loader.dispose()


def _events_read(loader: Any, scalars: _Scalars) -> tuple[Any, dict[Location, int]]:
    lines: dict[Location, int] = {}
    constructor = yaml.constructor.SafeConstructor()
    # Each container being filled: [the container, its location, the key read for the next value or None,
    # that key's line].
    filling: list[list[Any]] = []
    root: Any = None
    documents = 0
    while (event := loader.get_event()) is not None:
        kind = type(event)
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            filling.pop()
            continue
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual
            continue
        if kind is yaml.AliasEvent:
            raise _Unusual
        if kind is not yaml.ScalarEvent and kind is not yaml.MappingStartEvent and kind is not yaml.SequenceStartEvent:
            continue
        if event.anchor is not None or event.tag not in (None, "!"):
            raise _Unusual
        parent = filling[-1] if filling else None
        if parent is not None and type(parent[0]) is dict and parent[2] is None:
            parent[2], parent[3] = _key(event, parent, scalars), event.start_mark.line + 1
            continue
        if parent is None:
            location: Location = ()
        elif type(parent[0]) is dict:
            location = (*parent[1], parent[2])
        else:
            location = (*parent[1], len(parent[0]))
        if kind is yaml.ScalarEvent:
            value = _scalar(event, location, constructor, scalars)
        else:
            value = {} if kind is yaml.MappingStartEvent else []
        if parent is None:
            root = value
            lines[location] = event.start_mark.line + 1
        elif type(parent[0]) is dict:
            parent[0][parent[2]] = value
            # A wrong value is best shown on its key's line, as `_build` gives it.
            lines[location] = parent[3]
            parent[2] = None
        else:
            parent[0].append(value)
            lines[location] = event.start_mark.line + 1
        if kind is not yaml.ScalarEvent:
            filling.append([value, location, None, 0])
    if documents != 1:
        raise _Unusual
    return root, lines


def _key(event: Any, parent: list[Any], scalars: _Scalars) -> str:
    if type(event) is not yaml.ScalarEvent or (event.implicit[0] and event.value == "<<"):
        raise _Unusual
    value: str = event.value
    key = value if value.isascii() else scalars.text(_node(event), (*parent[1], value), is_key=True)
    if key in parent[0]:
        raise _Unusual
    return key


def _scalar(event: Any, location: Location, constructor: yaml.constructor.SafeConstructor, scalars: _Scalars) -> Any:
    value: str = event.value
    text = value if value.isascii() else scalars.text(_node(event), location)
    tag = _tag_of(event)
    if tag == _STR:
        return text
    if tag not in _PLAIN_TAGS:
        raise _Unusual
    return _meaning(_node(event, tag), text, constructor)


def _tag_of(event: Any) -> str:
    """The tag PyYAML's resolver gives a scalar written without one."""
    return str(_RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit))  # type: ignore[no-untyped-call]


def _node(event: Any, tag: str = _STR) -> yaml.ScalarNode:
    return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)


_ENTRY_START = re.compile(r"^-(?:[ \r\n]|$)")
_NOTHING_WRITTEN = re.compile(r"^\s*(#.*)?$")


def _read_entries(path: Path, raw: bytes, digest: str, error: YamlFileError) -> None:
    """Read a list file that failed whole entry by entry, into `error`: each broken entry's own
    message (the whole file's, where it points into that entry) and the data of every other entry.

    Left as it is when the file is no such list, or when its mistake lies between entries (an alias
    of an anchor in another entry): the whole file's message is then the one to read.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    lines = text.splitlines(keepends=True)
    starts = [number for number, line in enumerate(lines) if _ENTRY_START.match(line)]
    if len(starts) < 2 or not all(_NOTHING_WRITTEN.match(line) for line in lines[: starts[0]]):
        return

    def fail(line: int, message: str) -> YamlFileError:
        return YamlFileError(Diagnostic(path, line, message, SYNTAX))

    partial = YamlDocument(path, [], {(): 1}, digest)
    diagnostics: list[Diagnostic] = []
    broken: list[str] = []
    read_alone: list[range] = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        written = range(start + 1, end + 1)
        # Blank lines ahead keep every line number what it is in the file.
        entry_text = "\n" * start + "".join(lines[start:end])
        try:
            entry = _document(path, entry_text, digest, fail)
        except YamlFileError as entry_error:
            whole = [diagnostic for diagnostic in error.diagnostics if diagnostic.line in written]
            diagnostics.extend(whole or entry_error.diagnostics)
            broken.append(lines[start].rstrip("\r\n"))
            continue
        if not isinstance(entry.data, list) or len(entry.data) != 1:
            return
        read_alone.append(written)
        index = len(partial.data)
        partial.data.append(entry.data[0])
        partial.lines.update({(index, *location[1:]): line for location, line in entry.lines.items() if location})
    if not broken or any(diagnostic.line in written for diagnostic in error.diagnostics for written in read_alone):
        return
    error.diagnostics = diagnostics
    error.partial = partial
    error.broken = broken


def _check_indentation(text: str, fail: Callable[[int, str], YamlFileError]) -> None:
    if match := _ODD_INDENT.search(text):
        line = text.count("\n", 0, match.start()) + 1
        what = "tab" if match[1] == "\t" else "non-breaking space"
        raise fail(line, f"{what} used for indentation; indent with spaces")


def _decode(raw: bytes, fail: Callable[[int, str], YamlFileError]) -> str:
    """The file's text, refused when it is not UTF-8 or holds nothing."""
    # UTF-16 text has a zero byte beside every ASCII letter, and no YAML file starts with one.
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:2]:
        raise fail(1, "file is saved as UTF-16; save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise fail(1, "file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise fail(line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8") from None
    if not text.strip():
        raise fail(1, f"file is empty; {_FILL_IT}")
    return text


def _parse(text: str, fail: Callable[[int, str], YamlFileError]) -> yaml.Node:
    """The text's node graph, with aliases unexpanded; any YAML error becomes the line to fix."""
    try:
        node = _compose(text)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise fail(line, f"contains the unprintable character U+{error.character:04X}; delete it") from None
    except _Refused as error:
        raise fail(*_refusal(error)) from None
    except yaml.MarkedYAMLError as error:
        raise fail(*_syntax_error(error)) from None
    except yaml.YAMLError as error:
        raise fail(1, f"YAML error: {error}") from None
    if node is None:
        raise fail(1, f"file holds only comments; {_FILL_IT}")
    return node


def _read_bytes(path: Path, within: Path | None, fail: Callable[[int, str], YamlFileError]) -> bytes:
    try:
        return read_input(path, within)
    except ReadRefused as refusal:
        raise fail(1, str(refusal)) from None
    except FileNotFoundError:
        raise fail(1, "symbolic link to a file that does not exist" if path.is_symlink() else "no such file") from None
    except OSError as error:
        raise fail(1, f"cannot be read ({error.strerror or error})") from None


class _Scalars:
    """Turns scalar nodes into text as it reads, and notes the invisible characters they hold.

    Every string is NFC-normalised, so an accent typed as a separate
    combining mark and the same accented letter typed whole are one text.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.invisible: list[tuple[Location, int | None, str]] = []
        """(location, line or None for the line of the location, message): one per field."""

    def text(self, node: yaml.ScalarNode, location: Location, *, is_key: bool = False) -> str:
        value: str = node.value
        if value.isascii():  # nearly every scalar: nothing to normalise, nothing invisible
            return value
        if problem := invisible_problem(value):
            field = (
                f"field name '{INVISIBLE.sub('', value)}'"
                if is_key
                else ".".join(str(part) for part in location if not isinstance(part, int)) or "value"
            )
            self.invisible.append((location, self._line_of_invisible(node), f"{field}: {problem}"))
        return unicodedata.normalize("NFC", value)

    def _line_of_invisible(self, node: yaml.ScalarNode) -> int | None:
        """The line the character is typed on, which in a block of text may be below its field's."""
        raw = self.source[node.start_mark.index : node.end_mark.index]
        match = INVISIBLE.search(raw)
        # An escape such as "\u200b" is not the character itself: the field's line will do.
        return node.start_mark.line + 1 + raw.count("\n", 0, match.start()) if match else None


class _SharedNode(Exception):
    """Two places of the document are one node: an alias."""


def _syntax_error(error: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The line to edit and what to do, for PyYAML's terse parser messages."""
    problem = error.problem or error.context or "unreadable"
    mark = error.problem_mark or error.context_mark
    for words, at_opening, message in _SYNTAX_MESSAGES:
        if words in f"{error.context or ''} {problem}":
            if at_opening and error.context_mark:
                mark = error.context_mark
            problem = message.format(problem=problem)
            break
    return (mark.line + 1 if mark else 1), f"YAML syntax error: {problem}"


def _check_tag(node: yaml.Node, document: YamlDocument) -> None:
    if node.tag not in _PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlFileError(
            Diagnostic(document.path, node.start_mark.line + 1, f"YAML tag '{tag}' is not supported; remove it", SYNTAX)
        )


def _build(
    node: yaml.Node,
    location: Location,
    document: YamlDocument,
    constructor: yaml.constructor.SafeConstructor,
    seen: set[int],
    scalars: _Scalars,
) -> Any:
    if id(node) in seen:
        raise _SharedNode
    seen.add(id(node))
    line = node.start_mark.line + 1
    document.lines[location] = line
    _check_tag(node, document)

    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        key_lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlFileError(
                    Diagnostic(
                        document.path, key_line, "a mapping key must be a plain word, not a list or mapping", SYNTAX
                    )
                )
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlFileError(
                    Diagnostic(
                        document.path, key_line, "merge keys (<<) are not supported; write the fields out", SYNTAX
                    )
                )
            _check_tag(key_node, document)
            key = scalars.text(key_node, (*location, key_node.value), is_key=True)
            if key in key_lines:
                raise YamlFileError(
                    Diagnostic(
                        document.path,
                        key_line,
                        f"duplicate key '{key}' (first on line {key_lines[key]}); remove one",
                        SYNTAX,
                    )
                )
            key_lines[key] = key_line
            result[key] = _build(value_node, (*location, key), document, constructor, seen, scalars)
            # A wrong value is best shown on its key's line, not where a
            # block value underneath happens to start.
            document.lines[(*location, key)] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*location, index), document, constructor, seen, scalars)
            for index, item in enumerate(node.value)
        ]
    assert isinstance(node, yaml.ScalarNode)  # the composer makes only these three kinds
    return _meaning(node, scalars.text(node, location), constructor)


def _meaning(node: yaml.ScalarNode, text: str, constructor: yaml.constructor.SafeConstructor) -> Any:
    """What a scalar stands for: its date, number, truth value or null, else `text`, its words as checked."""
    try:
        value = constructor.construct_object(node)
    except (yaml.constructor.ConstructorError, ValueError):
        # What only looks like a date or number (2021-02-30) is the text as
        # typed; the model then says what is wrong with it in its field's terms.
        return text
    return text if isinstance(value, str) else value
