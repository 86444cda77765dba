"""Reading libyaml's events gives exactly the data, lines and invisible characters the node graph gives, and
leaves everything unusual to the node graph, whose messages say what is wrong."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.errors import Diagnostic
from generator.kb import yamlfile
from generator.kb.yamlfile import YamlDocument, YamlFileError
from tests.conftest import BUNDLED_BRIEFS, PROJECT


def by_nodes(text: str) -> tuple[object, dict, list] | None:
    """What the node graph reads, or None where it refuses the text."""
    document = YamlDocument(Path("file.yaml"), None)
    scalars = yamlfile._Scalars(text)

    def fail(line: int, message: str) -> YamlFileError:
        return YamlFileError(Diagnostic(Path("file.yaml"), line, message, "syntax"))

    try:
        yamlfile._from_nodes(document, text, scalars, fail)
    except YamlFileError:
        return None
    return document.data, document.lines, scalars.invisible


def by_events(text: str) -> tuple[object, dict, list] | None:
    read = yamlfile._from_events(text)
    if read is None:
        return None
    data, lines, scalars = read
    return data, lines, scalars.invisible


def same(text: str) -> None:
    events = by_events(text)
    nodes = by_nodes(text)
    if events is not None:
        assert nodes is not None, "the events read what the node graph refuses"
        assert repr(events) == repr(nodes)


def is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


KNOWLEDGE_BASES = sorted(
    path
    for path in {*BUNDLED_BRIEFS.rglob("*.yaml"), *(PROJECT / "tests" / "fixtures").rglob("*.yaml")}
    if is_utf8(path)
)


@pytest.mark.parametrize("path", KNOWLEDGE_BASES, ids=lambda path: str(path.relative_to(PROJECT)))
def test_every_knowledge_base_file_reads_the_same_from_events(path: Path):
    same(path.read_text(encoding="utf-8"))


WRITTEN = [
    "- id: a\n  text: Police detained 40 protesters.\n  as_of: 2021-07-22\n  priority: high\n",
    "a: 1\nb: 1.5\nc: yes\nd: ~\ne:\nf: 2021-02-30\ng: '2021-07-22'\nh: 0x1F\ni: =\nj: .inf\n",
    "name: Café\nother: Cafe\u0301\n",
    "text: a\u200bb\nkey\u200b: x\n",
    "nested:\n  - [1, 2, {x: y}]\n  - {a: [b, c]}\n",
    "---\nonly: one\n...\n",
    "just text\n",
    "''\n",
    "---\n",
    "- \n- null\n- ''\n",
    "multi: |\n  first line\n  second\u200b line\n",
    "folded: >\n  a\n  b\n",
    # Left to the node graph:
    "a: &x 1\nb: *x\n",
    "a: !!python/name:os.system x\n",
    "a: !custom x\n",
    "base: &b {x: 1}\nderived:\n  <<: *b\n",
    "<<: {x: 1}\n",
    "? [a, b]\n: c\n",
    "a: 1\na: 2\n",
    "a: 1\n---\nb: 2\n",
    "# only a comment\n",
    "a: [1, 2\n",
    "a: 'open\n",
    "a: *nothing\n",
    "[" * 60 + "]" * 60 + "\n",
]


@pytest.mark.parametrize("text", WRITTEN)
def test_written_yaml_reads_the_same_or_is_left_to_the_node_graph(text: str):
    same(text)


@pytest.mark.parametrize(
    "text", ["a: &x 1\nb: *x\n", "a: !custom x\n", "<<: {x: 1}\n", "a: 1\na: 2\n", "a: 1\n---\nb: 2\n", "# none\n"]
)
def test_anything_unusual_is_left_to_the_node_graph(text: str):
    assert by_events(text) is None


TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
SCALARS = st.one_of(
    TEXT,
    st.sampled_from(["yes", "No", "on", "~", "null", "1e3", "0o17", "+12", "-.5", "2021-02-30", "12:30:00", "="]),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)),
)
DATA = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=20
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=DATA, flow=st.sampled_from([False, True, None]), unicode=st.booleans(), width=st.sampled_from([20, 80]))
def test_any_data_written_as_yaml_reads_the_same_from_events(data, flow, unicode, width):
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=unicode, width=width, sort_keys=False)
    same(text)
