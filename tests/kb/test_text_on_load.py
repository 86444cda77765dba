"""Text is normalised as it is read, and characters that print as nothing are refused.

The exact messages for invisible characters in YAML are pinned by the
scenarios in fixtures/bad/invisible-*; these tests cover what lies around them.
"""

import unicodedata
from pathlib import Path

import pytest

from generator.api import load_knowledge_base, requests_for
from generator.core.errors import UsageError
from generator.kb import model
from generator.kb.yamlfile import read_yaml


def test_every_string_read_from_yaml_is_nfc(tmp_path: Path):
    decomposed = unicodedata.normalize("NFD", "Bokaév")
    path = tmp_path / "file.yaml"
    path.write_text(f"{decomposed}: {decomposed}\nlist: [{decomposed}]\n", encoding="utf-8")

    data = read_yaml(path).data

    composed = unicodedata.normalize("NFC", decomposed)
    assert composed != decomposed
    assert data == {composed: composed, "list": [composed]}


def test_a_name_typed_in_nfd_loads_as_the_same_name(minimal_kb: Path):
    cases = minimal_kb / "testland" / "cases.yaml"
    cases.write_text(
        cases.read_text(encoding="utf-8").replace("name: Jan Doe", "name: " + unicodedata.normalize("NFD", "Jan Doé")),
        encoding="utf-8",
    )

    kb = load_knowledge_base(minimal_kb).kb

    assert kb.cases["doe"].name == "Jan Doé"


@pytest.mark.parametrize(
    "value, message",
    [
        ("Jane\nSmith", "--recipient contains a line break at position 5; write it on one line"),
        ("Jane\u2028Smith", "--recipient contains a line break at position 5; write it on one line"),
        (
            "Jane\u200bSmith",
            "--recipient contains the invisible character U+200B (ZERO WIDTH SPACE) at position 5; delete it",
        ),
        (
            "Jane\u202eSmith",
            "--recipient contains the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) at position 5; delete it",
        ),
    ],
)
def test_a_recipient_on_two_lines_or_with_an_invisible_character_is_refused(minimal_kb: Path, value, message):
    kb = load_knowledge_base(minimal_kb).kb

    with pytest.raises(UsageError) as refused:
        requests_for(kb, audiences=["uk"], recipient=value)

    assert str(refused.value) == message


def test_models_built_in_code_refuse_invisible_characters_too():
    with pytest.raises(ValueError, match=r"invisible character U\+00AD \(SOFT HYPHEN\) at position 4"):
        model.Theme(id="assembly", label="Ass\u00adembly")
