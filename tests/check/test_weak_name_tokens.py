"""`check` warns, at the case, about each token of a withheld name that identifies no one on its
own, by its position: the warning spells neither the name nor the token."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.check import validate
from generator.cli import main
from tests.conftest import build_knowledge_base, withheld_case

TOKENS = ("quastik", "vorlen", "rose", "marsh")


def check(tmp_path: Path, name: str, alias: str = "Quastik") -> str:
    briefs = build_knowledge_base(tmp_path / "briefs")
    with (briefs / "testland" / "cases.yaml").open("a") as cases:
        cases.write(withheld_case(name, alias))
    result = CliRunner().invoke(main, ["check", "--briefs", str(briefs)])
    assert result.exit_code == 0, result.output
    return result.stderr.replace(str(briefs), "briefs")


@pytest.fixture
def ordinary_words(monkeypatch):
    """`weak_tokens` as the name matcher gives it, with Rose and Marsh taken as ordinary words."""
    monkeypatch.setattr(
        validate, "weak_tokens", lambda name: [token for token in name.split() if token in ("Rose", "Marsh")]
    )


WHY = (
    "this person only together with another part of the name (an initial, title, particle, short or ordinary "
    "word identifies no one alone); add `aliases` for any short form the team uses"
)


def test_a_token_that_is_an_ordinary_word_is_named_by_its_position(tmp_path: Path, ordinary_words):
    output = check(tmp_path, "Quastik Rose Vorlen")

    assert f"briefs/testland/cases.yaml:17: warning: token 2 of the name identifies {WHY}" in output.splitlines()
    assert not any(token in output.lower() for token in TOKENS)


def test_each_weak_token_of_the_name_and_of_its_aliases_is_listed_in_one_warning(tmp_path: Path, ordinary_words):
    output = check(tmp_path, "Rose Quastik Marsh", alias="Marsh Vorlen")

    assert (
        f"briefs/testland/cases.yaml:17: warning: tokens 1 and 3 of the name and token 1 of aliases[0] identify {WHY}"
    ) in output.splitlines()
    assert not any(token in output.lower() for token in TOKENS)


def test_a_name_of_weak_tokens_only_is_found_only_whole(tmp_path: Path, ordinary_words):
    output = check(tmp_path, "Rose Marsh")

    assert f"briefs/testland/cases.yaml:17: warning: every token of the name identifies {WHY}" in output.splitlines()
    assert not any(token in output.lower() for token in TOKENS)


def test_a_name_every_token_of_which_identifies_gets_no_warning(tmp_path: Path, ordinary_words):
    assert "token" not in check(tmp_path, "Quastik Vorlen")


def test_an_initial_is_a_weak_token(tmp_path: Path):
    output = check(tmp_path, "J. Quastik")

    assert f"briefs/testland/cases.yaml:17: warning: token 1 of the name identifies {WHY}" in output.splitlines()
    assert not any(token in output.lower() for token in TOKENS)
