"""briefing.toml: every setting declared with its default, each mistake at its line, the environment above the file."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from generator.core.errors import UsageError
from generator.core.settings import (
    DEFAULT_BUDGETS,
    DEFAULT_PAGES,
    ENVIRONMENT,
    LENGTHS,
    SETTINGS_FILE,
    Budget,
    Settings,
    parse_settings,
)
from generator.kb.settings import read_settings
from tests.conftest import PROJECT

DOCS = PROJECT / "docs" / "configuration.md"


def settings_in(folder: Path, text: str) -> tuple[Settings, list[str]]:
    (folder / SETTINGS_FILE).write_text(text, encoding="utf-8")
    settings, problems = read_settings(folder)
    return settings, [str(problem).removeprefix(f"{folder}/") for problem in problems]


def test_without_a_file_every_setting_is_its_default(tmp_path):
    settings, problems = read_settings(tmp_path)

    assert problems == []
    assert settings == Settings()
    assert settings.pages == {"full": 4, "one-page": 1}
    assert settings.budgets["full"].characters == 9500
    assert (settings.max_file_bytes, settings.timeout, settings.theme) == (16 * 1024 * 1024, 300.0, None)


def test_the_example_in_the_docs_is_valid_and_sets_every_default(tmp_path):
    (example,) = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    (tmp_path / "look").mkdir()

    settings, problems = settings_in(tmp_path, example)

    assert problems == []
    assert dataclasses.replace(settings, theme=None) == Settings()
    assert settings.theme == tmp_path / "look"


def test_the_docs_name_every_setting_and_environment_variable():
    docs = DOCS.read_text(encoding="utf-8")
    names = [
        "theme",
        *(f"pages.{length}" for length in LENGTHS),
        *(f"budgets.{length}.{field}" for length in LENGTHS for field in Budget._fields),
        *(f"limits.{name}" for name in ("max_file_bytes", "timeout")),
    ]

    assert [name for name in names if f"| `{name}` |" not in docs] == []
    assert [variable for variable in ENVIRONMENT if f"| `{variable}` |" not in docs] == []


def test_a_file_sets_only_what_it_names(tmp_path):
    settings, problems = settings_in(
        tmp_path,
        "[pages]\nfull = 2\n\n[budgets.one-page]\ncases = 1\n\n[limits]\ntimeout = 12.5\nmax_file_bytes = 5000\n",
    )

    assert problems == []
    assert settings.pages == {**DEFAULT_PAGES, "full": 2}
    assert settings.budgets == {
        **DEFAULT_BUDGETS,
        "one-page": DEFAULT_BUDGETS["one-page"]._replace(cases=1),
    }
    assert (settings.timeout, settings.max_file_bytes) == (12.5, 5000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# ours\n[pages]\nful = 3\n",
            "briefing.toml:3: unknown setting 'pages.ful'; did you mean 'full'?",
        ),
        (
            "[limits]\ncolour = true\n",
            "briefing.toml:2: unknown setting 'limits.colour'; [limits] holds max_file_bytes, timeout",
        ),
        (
            "title = 'x'\n",
            "briefing.toml:1: unknown setting 'title'; briefing.toml holds theme, pages, budgets, limits",
        ),
        (
            "[pages]\nfull = '4'\n",
            "briefing.toml:2: pages.full: expected a whole number of pages, found the text '4'; write it without quotes",
        ),
        (
            "[pages]\none-page = 0\n",
            "briefing.toml:2: pages.one-page: 0 is too small: it must be at least 1; write a larger number",
        ),
        (
            "[budgets.full]\n\ntalking_points = 1.5\n",
            "briefing.toml:3: budgets.full.talking_points: expected a whole number of talking points, "
            "found the number 1.5",
        ),
        (
            "budgets.full.cases = -1\n",
            "briefing.toml:1: budgets.full.cases: -1 is too small: it must be at least 0; write a larger number",
        ),
        (
            "[limits]\ntimeout = 0\n",
            "briefing.toml:2: limits.timeout: 0 is too small: it must be more than 0; write a larger number",
        ),
        (
            "[limits]\nmax_file_bytes = true\n",
            "briefing.toml:2: limits.max_file_bytes: expected a whole number of bytes, found the truth value true",
        ),
        (
            "pages = 4\n",
            "briefing.toml:1: pages: expected a [pages] table of settings, found the number 4",
        ),
        (
            "\n\ntheme = 'nowhere'\n",
            "briefing.toml:3: theme: no folder 'nowhere' in {folder}; create it with the templates to replace, "
            "or remove the setting to use the packaged templates",
        ),
        (
            "[pages]\nfull = 4\n[limits\n",
            "briefing.toml:3: Expected ']' at the end of a table declaration; fix the TOML syntax (see https://toml.io)",
        ),
    ],
)
def test_a_mistake_is_reported_at_its_line_with_what_to_do(tmp_path, text, expected):
    settings, problems = settings_in(tmp_path, text)

    assert problems == [expected.format(folder=tmp_path)]
    assert settings == Settings()


def test_every_mistake_is_reported_and_the_rest_still_applies(tmp_path):
    settings, problems = settings_in(tmp_path, "[pages]\nfull = 0\none-page = 2\n\n[limits]\ntimeout = 'slow'\n")

    assert [problem.split(":")[1] for problem in problems] == ["2", "6"]
    assert settings.pages == {"full": 4, "one-page": 2}


def test_a_key_in_a_multi_line_string_is_not_taken_for_a_setting():
    text = 'theme = """\npages = 3\n"""\n[limits]\ntimeout = 0\n'

    _, problems = parse_settings(text, Path(SETTINGS_FILE), Path("."))

    assert [problem.line for problem in problems] == [1, 5]


def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    (tmp_path / SETTINGS_FILE).write_bytes(b"[pages]\nfull = 4 # caf\xe9\n")

    _, problems = read_settings(tmp_path)

    assert [str(problem) for problem in problems] == [
        f"{tmp_path / SETTINGS_FILE}:2: not valid UTF-8; save the file as UTF-8"
    ]


def test_the_environment_overrides_the_file(tmp_path, monkeypatch):
    (tmp_path / "theirs").mkdir()
    (tmp_path / "ours").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_MAX_FILE_BYTES", "7000")
    monkeypatch.setenv("BRIEFING_TIMEOUT", "30")
    monkeypatch.setenv("BRIEFING_THEME", "ours")

    settings, problems = settings_in(
        tmp_path, 'theme = "theirs"\n[limits]\nmax_file_bytes = 5000\ntimeout = 12\n[pages]\nfull = 2\n'
    )

    assert problems == []
    assert (settings.max_file_bytes, settings.timeout, settings.theme) == (7000, 30.0, tmp_path / "ours")
    assert settings.pages["full"] == 2


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("BRIEFING_TIMEOUT", "soon", "BRIEFING_TIMEOUT='soon' is not a positive number of seconds"),
        ("BRIEFING_TIMEOUT", "-1", "BRIEFING_TIMEOUT='-1' is not a positive number of seconds"),
        ("BRIEFING_THEME", "missing", "BRIEFING_THEME='missing' is not a folder; name the theme folder, or unset it"),
        ("BRIEFING_MAX_FILE_BYTES", "0", "BRIEFING_MAX_FILE_BYTES='0' is not a positive whole number of bytes"),
    ],
)
def test_an_environment_variable_set_wrong_is_a_usage_error(tmp_path, monkeypatch, variable, value, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)

    with pytest.raises(UsageError) as raised:
        read_settings(tmp_path)
    assert str(raised.value) == message
